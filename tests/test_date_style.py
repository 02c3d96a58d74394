"""One date style per language on every page, list and email.

English writes the month as a word and a 24-hour clock ("5 Dec 2026, 13:00"), Finnish
"5.12.2026 klo 13.00"; never Django's stock "Dec. 5, 2026, 1 p.m." beside "12/05/2026".
"""

import datetime
import re

import pytest
import time_machine
from django.urls import reverse

from applications import services as app_services
from followups.emails import reminder_message
from followups.models import Followup, Kind
from tests.factories import ContactFactory

NOW = datetime.datetime(2026, 12, 1, 9, 0, tzinfo=datetime.UTC)
# 13:00 in Helsinki (EET, UTC+2).
INTERVIEW_AT = datetime.datetime(2026, 12, 5, 11, 0, tzinfo=datetime.UTC)

EXPECTED = {"en": "5 Dec 2026, 13:00", "fi": "5.12.2026 klo 13.00"}
# Django's stock English styles, and numeric US dates.
FOREIGN = re.compile(r"\b(a\.m\.|p\.m\.|noon|midnight)|\d{1,2}/\d{1,2}/\d{4}|[A-Z][a-z]{2}\. \d")


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def interview(alice):
    application = app_services.application_create(
        owner=alice, company="Acme Oy", position="Backend Developer"
    )
    maija = ContactFactory(owner=alice, name="Maija Virtanen")
    return app_services.interview_create(
        application=application, starts_at=INTERVIEW_AT, interviewers=[maija]
    )


def visible_text(html: str) -> str:
    """The page without its tags, scripts and attribute values."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


@pytest.mark.parametrize("language", ["en", "fi"])
def test_the_main_pages_show_the_interview_in_the_languages_one_style(
    alice_client, alice, interview, language
):
    alice.language = language
    alice.save()
    pages = {
        "dashboard": reverse("applications:dashboard"),
        "list": reverse("applications:application_list"),
        "interviews": reverse("applications:interview_list"),
        "application": interview.application.get_absolute_url(),
        "interview": interview.get_absolute_url(),
    }
    for name, url in pages.items():
        text = visible_text(alice_client.get(url).content.decode())
        assert not FOREIGN.search(text), (name, FOREIGN.search(text).group(0))
        if name != "list":  # the list shows the next interview's day and time too
            assert EXPECTED[language] in text, name
    list_text = visible_text(alice_client.get(pages["list"]).content.decode())
    assert EXPECTED[language] in list_text


@pytest.mark.parametrize("language", ["en", "fi"])
def test_a_reminder_email_shows_the_languages_one_style(alice, interview, language):
    alice.language = language
    alice.save()
    followup = Followup.objects.get(application=interview.application, kind=Kind.CALL)

    message = reminder_message(followup)

    for body in (message.body, visible_text(message.alternatives[0][0])):
        assert EXPECTED[language] in body
        assert not FOREIGN.search(body), FOREIGN.search(body).group(0)
