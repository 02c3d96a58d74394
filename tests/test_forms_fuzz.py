"""Every form survives random and hostile input: never a 500, and a refused form stores nothing.

The fields posted are read from the rendered page (what a browser would send), so a field added
to a form is fuzzed without touching this file. Each value is either plausible for the input's
type (so some submissions are accepted) or hostile: markup, control characters, CR/LF header
injection, huge and odd Unicode strings, numbers out of range, impossible dates.

Hypothesis runs derandomized (the same examples each run, so CI is never flaky); set
FUZZ_EXAMPLES=500 FUZZ_RANDOM=1 to search further by hand.
"""

import datetime
import os
from dataclasses import dataclass, field
from html.parser import HTMLParser

import pytest
from axes.models import AccessAttempt
from django.apps import apps
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.models import User
from tests.factories import ApplicationFactory

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", 30)),
    deadline=None,
    derandomize=not os.environ.get("FUZZ_RANDOM"),
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

HOSTILE_VALUES = [
    "",
    " ",
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "{{ request }}{% debug %}",
    "Subject: x\r\nBcc: victim@example.com",
    "line\rbreak\nand\r\nmore",
    "\x00",
    "nul\x00inside",
    "\x1b[31m\x07\x08\x7f",
    "\u202eevil\u202c",
    "\ufeff\u200b\u200d",
    "𝕳𝖊𝖑𝖑𝖔 🎉 Äö 日本語 عربى",
    "' OR '1'='1' --",
    "../../../../etc/passwd",
    "javascript:alert(1)",
    "x" * 100_000,
    "é" * 5_000,
    "-1",
    "0",
    "-0",
    "2147483648",
    "-9223372036854775809",
    "9" * 40,
    "1e309",
    "NaN",
    "Infinity",
    "0.000000001",
    "12,5",
    "2025-02-30",
    "2025-13-01",
    "0000-00-00",
    "9999-12-31",
    "10000-01-01",
    "1900-01-01",
    "2025-03-30T03:30",  # inside the spring-forward gap in Europe/Helsinki
    "2025-10-26T03:30",  # ambiguous: the autumn hour happens twice
    "2025-13-01T25:61",
    "24:00",
    "99:99",
    "Europe/Atlantis",
    "ZZ",
]
HOSTILE = st.one_of(
    st.sampled_from(HOSTILE_VALUES),
    st.text(max_size=300),
    st.integers(min_value=-(10**20), max_value=10**20).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
)


# What a valid submission puts in a field the page leaves empty, by input type.
FILLER = {
    "email": "filler@example.com",
    "tel": "+358 40 123 4567",
    "password": "Correct-Horse-Battery-9",
    "number": "60",
    "date": "2025-05-05",
    "datetime-local": "2025-05-05T10:00",
    "time": "10:00",
    "url": "https://example.com/jobs/1",
    "checkbox": "on",
}


@dataclass
class Field:
    name: str
    kind: str  # input type, "select" or "textarea"
    initial: list[str] = field(default_factory=list)
    options: list[str] = field(default_factory=list)
    multiple: bool = False

    def base(self) -> str | list[str] | None:
        """A sensible value: what the page shows, else a filler for the input type."""
        if self.kind == "select":
            # As a browser does: the selected options, else (single choice) the first one.
            if self.multiple:
                return self.initial
            return (self.initial or self.options or [""])[0]
        if self.kind == "checkbox":
            return "on" if self.initial else None
        return (self.initial[0] if self.initial else "") or FILLER.get(self.kind, "Acme Oy")


class FormParser(HTMLParser):
    """The fields of each <form method="post"> on a page, with the values it shows."""

    def __init__(self):
        super().__init__()
        self.forms: list[tuple[str, dict[str, Field]]] = []
        self._select: Field | None = None
        self._textarea: Field | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (attrs.get("method") or "").lower() == "post":
            self.forms.append((attrs.get("action") or "", {}))
            return
        if not self.forms:
            return
        fields = self.forms[-1][1]
        name = attrs.get("name")
        if tag == "input" and name and name != "csrfmiddlewaretoken":
            kind = (attrs.get("type") or "text").lower()
            if kind in ("submit", "button", "hidden"):
                return
            item = fields.setdefault(name, Field(name, kind))
            if kind in ("checkbox", "radio"):
                if "checked" in attrs:
                    item.initial.append(attrs.get("value") or "on")
            elif attrs.get("value"):
                item.initial.append(attrs["value"])
        elif tag == "textarea" and name:
            self._textarea = fields[name] = Field(name, "textarea")
        elif tag == "select" and name:
            self._select = fields[name] = Field(name, "select", multiple="multiple" in attrs)
        elif tag == "option" and self._select is not None:
            value = attrs.get("value") or ""
            self._select.options.append(value)
            if "selected" in attrs and value:
                self._select.initial.append(value)

    def handle_data(self, data):
        if self._textarea is not None and data.strip():
            self._textarea.initial.append(data.strip())

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def form_fields(client: Client, url: str) -> dict[str, Field]:
    """The page's own form: the POST form with the most fields (not log-out or language)."""
    response = client.get(url)
    assert response.status_code == 200, url
    parser = FormParser()
    parser.feed(response.content.decode())
    candidates = [
        fields
        for action, fields in parser.forms
        if action not in (reverse("logout"), reverse("set_language"))
    ]
    assert candidates, f"no form on {url}"
    return max(candidates, key=len)


def plausible(kind: str) -> st.SearchStrategy[str]:
    if kind == "email":
        return st.emails().map(str)
    if kind == "number":
        return st.integers(min_value=-5, max_value=100_000).map(str)
    if kind == "date":
        return st.dates(datetime.date(1990, 1, 1), datetime.date(2040, 12, 31)).map(str)
    if kind == "datetime-local":
        return st.datetimes(datetime.datetime(2000, 1, 1), datetime.datetime(2040, 12, 31)).map(
            lambda value: value.strftime("%Y-%m-%dT%H:%M")
        )
    if kind == "time":
        return st.times().map(lambda value: value.strftime("%H:%M"))
    if kind == "url":
        return st.sampled_from(["https://example.com/job/1", "example.com/careers", "ftp://x"])
    if kind == "checkbox":
        return st.just("on")
    return st.text(min_size=1, max_size=60)


def value_for(item: Field) -> st.SearchStrategy:
    if item.kind == "select":
        options = [option for option in item.options if option] or [""]
        one = st.one_of(st.sampled_from(options), HOSTILE)
        return st.lists(one, max_size=3) if item.multiple else one
    return st.one_of(plausible(item.kind), HOSTILE, HOSTILE)


@st.composite
def payloads(draw, fields: dict[str, Field]) -> dict:
    """A sensible submission with up to four fields changed: hostile, plausible or left out.

    Starting from a valid base means some hostile values are accepted and stored (a company
    called <script>…), which is half of what is under test.
    """
    data = {name: item.base() for name, item in fields.items()}
    changed = draw(st.lists(st.sampled_from(sorted(fields)), max_size=4, unique=True))
    for name in changed:
        # Left out is what a hand-made request (or an unticked checkbox) sends.
        data[name] = None if draw(st.integers(0, 5)) == 0 else draw(value_for(fields[name]))
    if "password1" in data and "password2" not in changed:
        data["password2"] = data["password1"]
    return {name: value for name, value in data.items() if value is not None}


STORED_APPS = ["accounts", "applications", "followups", "drafts", "exports", "insights"]


def row_counts() -> dict[str, int]:
    return {
        model._meta.label: model.objects.count()
        for label in STORED_APPS
        for model in apps.get_app_config(label).get_models()
    }


def refused(response) -> bool:
    """The form came back instead of a redirect: with errors, or unbound for an empty POST."""
    if response.status_code != 200:
        return False
    form = response.context.get("form") if response.context else None
    return form is None or not form.is_bound or bool(form.errors)


def check_post(client: Client, url: str, data: dict) -> None:
    before = row_counts()
    response = client.post(url, data)
    assert response.status_code < 500
    if refused(response):
        assert row_counts() == before, data
    elif response.status_code == 302:
        # What was accepted is shown next: hostile values must render too.
        assert client.get(response["Location"]).status_code < 500, data


# Pages reached without logging in; each example gets a fresh anonymous browser.
ANONYMOUS_FORMS = ["signup", "login", "password_reset"]


@pytest.fixture
def clean_cache():
    # The password-reset counts live in the process-wide cache: leave none to later tests.
    cache.clear()
    yield
    cache.clear()


@pytest.mark.parametrize("url_name", ANONYMOUS_FORMS)
def test_anonymous_forms_survive_hostile_input(url_name, settings_fast_hashing, alice, clean_cache):
    url = reverse(url_name)
    fields = form_fields(Client(), url)

    @FUZZ
    @given(data=payloads(fields))
    def run(data):
        # Neither a lockout nor the reset limit may hide what the form itself does.
        AccessAttempt.objects.all().delete()
        cache.clear()
        check_post(Client(), url, data)

    run()


def test_preferences_survive_hostile_input_and_a_refused_form_changes_nothing(
    settings_fast_hashing, alice_client, alice
):
    url = reverse("preferences")
    fields = form_fields(alice_client, url)

    @FUZZ
    @given(data=payloads(fields))
    def run(data):
        before = User.objects.filter(pk=alice.pk).values().get()
        response = alice_client.post(url, data)
        assert response.status_code < 500
        if refused(response):
            assert User.objects.filter(pk=alice.pk).values().get() == before, data
        else:
            assert alice_client.get(response["Location"]).status_code < 500, data

    run()


# (url name, needs an application of alice's as its argument)
APPLICATION_FORMS = [
    ("applications:application_create", False),
    ("applications:interview_create", False),
    ("applications:application_interview_create", True),
    ("applications:contact_create", False),
    ("applications:feedback_create", True),
    ("applications:question_bank", False),
]


@pytest.mark.parametrize(("url_name", "takes_application"), APPLICATION_FORMS)
def test_application_forms_survive_hostile_input(
    url_name, takes_application, settings_fast_hashing, alice_client, alice
):
    application = ApplicationFactory(owner=alice)
    url = reverse(url_name, args=[application.pk] if takes_application else [])
    fields = form_fields(alice_client, url)

    @FUZZ
    @given(data=payloads(fields))
    def run(data):
        check_post(alice_client, url, data)

    run()


def test_status_change_survives_hostile_input(alice_client, alice):
    """The status form on the application page redirects either way; a bad value changes nothing."""
    application = ApplicationFactory(owner=alice)
    url = reverse("applications:application_status", args=[application.pk])
    fields = form_fields(alice_client, application.get_absolute_url())
    valid = set(fields["status"].options)

    @FUZZ
    @given(data=payloads({"status": fields["status"]}))
    def run(data):
        before = row_counts()
        response = alice_client.post(url, data)
        assert response.status_code < 500
        if data.get("status") not in valid:
            assert row_counts() == before, data

    run()


@pytest.fixture
def settings_fast_hashing(settings):
    # Argon2 on every submitted password would make these loops slow, and it is not under test.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _edit_targets(alice) -> dict:
    from applications.models import BankQuestion
    from tests.factories import ContactFactory, FeedbackEntryFactory, InterviewFactory

    application = ApplicationFactory(owner=alice, company="Kept Oy")
    return {
        "application": application,
        "interview": InterviewFactory(application=application, reflection="Kept"),
        "contact": ContactFactory(owner=alice, name="Kept Person"),
        "feedback": FeedbackEntryFactory(application=application, text="Kept"),
        "question": BankQuestion.objects.create(owner=alice, question="Kept?", position=0),
    }


EDIT_FORMS = [
    ("applications:application_update", "application"),
    ("applications:interview_update", "interview"),
    ("applications:contact_update", "contact"),
    ("applications:feedback_update", "feedback"),
    ("applications:bank_question_update", "question"),
]


@pytest.mark.parametrize(("url_name", "target"), EDIT_FORMS)
def test_edit_forms_survive_hostile_input_and_a_refused_edit_changes_nothing(
    url_name, target, settings_fast_hashing, alice_client, alice
):
    obj = _edit_targets(alice)[target]
    url = reverse(url_name, args=[obj.pk])
    fields = form_fields(alice_client, url)
    stored = type(obj).objects.filter(pk=obj.pk)

    @FUZZ
    @given(data=payloads(fields))
    def run(data):
        before = list(stored.values())
        response = alice_client.post(url, data)
        assert response.status_code < 500
        if refused(response):
            assert list(stored.values()) == before, data
        elif response.status_code == 302:
            assert alice_client.get(response["Location"]).status_code < 500, data

    run()
