"""No value a user can store breaks a calendar: the .ics and the private feed always answer.

A CR/LF in a meeting link once ended the URL line and started an ATTENDEE of the attacker's
choosing, and the calendar library refused it: a 500 on the interview's .ics and on the whole
feed, so a subscribed calendar stopped updating. Every text field of an interview, its
application and its interviewers is generated here (hostile values among them) and stored as
is, past the forms, as an import or the admin could.
"""

import datetime
import os

import pytest
from django.db import connection, models, transaction
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from icalendar import Calendar

from applications.models import Application, Contact, Interview
from exports.models import CalendarFeed
from tests.factories import ApplicationFactory, ContactFactory, InterviewFactory

pytestmark = pytest.mark.django_db

EXAMPLES = settings(
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", 40)),
    deadline=None,
    derandomize=not os.environ.get("FUZZ_RANDOM"),
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

HOSTILE = [
    "https://meet.example.com/x\r\nATTENDEE:mailto:evil@attacker.test",
    "https://meet.example.com/x\nATTENDEE:mailto:evil@attacker.test",
    "https://meet.example.com/x\rX-EVIL:1",
    " https://meet.example.com/x",
    "https://meet.example.com/x y",
    "javascript:alert(1)",
    "END:VEVENT\r\nBEGIN:VEVENT\r\nUID:evil",
    "END:VCALENDAR",
    "line\u2028separator\u2029paragraph\x85next-line",
    "\x1b[31m\x07\x08\x7f\x0b\x0c",
    "tab\there",
    ";,\\:\"'",
    "𝕳𝖊𝖑𝖑𝖔 🎉 Äö 日本語",
    "\u202eevil\u202c",
]
# PostgreSQL cannot store NUL in text at all; SQLite can, so there it is generated too.
FORBIDDEN = "\x00" if connection.vendor == "postgresql" else ""
# TextFields have no max_length; the calendar only ever shows the short fields anyway.
TEXT_CAP = 300


def value(max_length: int | None):
    size = min(max_length or TEXT_CAP, TEXT_CAP)
    text = st.text(
        alphabet=st.characters(exclude_categories=["Cs"], exclude_characters=FORBIDDEN),
        max_size=size,
    )
    hostile = st.sampled_from([h.replace(FORBIDDEN, "") if FORBIDDEN else h for h in HOSTILE])
    return st.one_of(text, hostile.map(lambda h: h[:size]))


def text_fields(model) -> dict[str, st.SearchStrategy]:
    """Every free-text field of the model (no choices), each with values of its size."""
    return {
        field.name: value(field.max_length)
        for field in model._meta.get_fields()
        if isinstance(field, models.CharField | models.TextField) and not field.choices
    }


def test_every_free_text_field_is_generated():
    """The strategies below reach the fields the calendar shows."""
    assert {"location"} <= set(text_fields(Interview))
    assert {"company", "position", "location", "notes"} <= set(text_fields(Application))
    assert {"name", "role", "email", "phone"} <= set(text_fields(Contact))


@pytest.fixture
def feed(alice):
    return CalendarFeed.objects.create(owner=alice)


def interview_uids(body: bytes) -> list[str]:
    cal = Calendar.from_ical(body)
    return [str(e["UID"]) for e in cal.walk("VEVENT") if str(e["UID"]).startswith("interview-")]


@EXAMPLES
@given(
    interview_values=st.fixed_dictionaries(text_fields(Interview)),
    application_values=st.fixed_dictionaries(text_fields(Application)),
    contacts=st.lists(st.fixed_dictionaries(text_fields(Contact)), min_size=0, max_size=2),
)
def test_any_stored_text_gives_a_calendar_that_parses_with_one_event_per_interview(
    alice_client, alice, feed, interview_values, application_values, contacts
):
    with transaction.atomic():
        application = ApplicationFactory(owner=alice, **application_values)
        people = [ContactFactory(owner=alice, **values) for values in contacts]
        interview = InterviewFactory(
            application=application,
            starts_at=timezone.now() + datetime.timedelta(days=1),
            interviewers=people,
            **interview_values,
        )
        uid = f"interview-{interview.pk}@seuranta"

        download = alice_client.get(reverse("exports:interview_ics", args=[interview.pk]))
        assert download.status_code == 200
        assert interview_uids(download.content) == [uid]

        subscribed = alice_client.get(reverse("exports:calendar_feed_ics", args=[feed.token]))
        assert subscribed.status_code == 200
        assert interview_uids(subscribed.content) == [uid]

        for body in (download.content, subscribed.content):
            event = next(e for e in Calendar.from_ical(body).walk("VEVENT") if str(e["UID"]) == uid)
            assert "ATTENDEE" not in event
            for name in ("SUMMARY", "LOCATION", "DESCRIPTION"):
                text = str(event.get(name, ""))
                # DESCRIPTION's own line breaks are ours; no other control character is there.
                assert not any((ord(c) < 32 and c != "\n") or 0x7F <= ord(c) < 0xA0 for c in text)
            if "URL" in event:
                assert str(event["URL"]) == interview.location
        transaction.set_rollback(True)


@pytest.mark.parametrize(
    ("location", "has_url"),
    [
        ("https://meet.example.com/abc", True),
        ("https://meet.example.com/x\r\nATTENDEE:mailto:evil@attacker.test", False),
        (" https://meet.example.com/abc", False),
        ("https://meet.example.com/a b", False),
        ("Kone Oyj, Keilasatama 3, Espoo", False),
        ("javascript:alert(1)", False),
    ],
)
def test_a_location_is_a_url_property_only_when_it_is_one_clean_url(
    alice_client, alice, location, has_url
):
    interview = InterviewFactory(
        application=ApplicationFactory(owner=alice),
        starts_at=timezone.now() + datetime.timedelta(days=1),
        location=location,
    )
    response = alice_client.get(reverse("exports:interview_ics", args=[interview.pk]))
    assert response.status_code == 200
    event = Calendar.from_ical(response.content).walk("VEVENT")[0]
    assert ("URL" in event) is has_url
    assert str(event["LOCATION"]) == " ".join(location.split())
