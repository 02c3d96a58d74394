"""What a reminder's notification says: the email's action and company, in the person's
language and time zone, opening the follow-up."""

import datetime

import pytest
from django.conf import settings

from followups.models import Kind
from tests.factories import ApplicationFactory, ContactFactory, FollowupFactory, InterviewFactory
from webpush.sender import TITLE_MAX, digest_payload, reminder_payload

pytestmark = pytest.mark.django_db

DUE = datetime.datetime(2026, 12, 7, 8, 0, tzinfo=datetime.UTC)  # 10:00 in Helsinki


def call_followup(owner):
    application = ApplicationFactory(owner=owner, company="Kone Oyj", position="Data Engineer")
    interview = InterviewFactory(application=application)
    interview.interviewers.set(
        [
            ContactFactory(owner=owner, name="Maija Virtanen", phone="+358 40 765 4321"),
            ContactFactory(owner=owner, name="Pekka Ei Puhelinta", phone=""),
        ]
    )
    return FollowupFactory(application=application, interview=interview, kind=Kind.CALL, due_at=DUE)


def test_a_call_reminder_in_finnish_names_the_company_the_number_and_the_time(alice):
    alice.language = "fi"
    alice.save()
    followup = call_followup(alice)
    payload = reminder_payload(followup)
    assert payload == {
        "title": "Soita yritykseen Kone Oyj haastattelun jälkeen (Data Engineer)",
        "body": "Data Engineer\n"
        "Soita: Maija Virtanen, +358 40 765 4321\n"
        "Ajankohta: 7.12.2026 klo 10.00",
        "url": f"{settings.SITE_URL}/followups/{followup.pk}/",
        "tag": f"followup-{followup.pk}",
        "lang": "fi",
    }


def test_a_reminder_in_english_in_the_persons_time_zone(alice):
    alice.time_zone = "America/New_York"
    alice.save()
    followup = FollowupFactory(
        application=ApplicationFactory(owner=alice, company="Acme Oy", position="Tester"),
        kind=Kind.THANK_YOU,
        due_at=DUE,
    )
    payload = reminder_payload(followup, late=True)
    assert payload["title"] == "Overdue: Send a thank-you note to Acme Oy"
    assert payload["body"] == "Tester\nDue: 7 Dec 2026, 03:00"
    assert payload["lang"] == "en"


def test_a_company_name_of_any_length_stays_one_short_line(alice):
    followup = FollowupFactory(
        application=ApplicationFactory(owner=alice, company="Acme\r\n" + "x" * 190),
        kind=Kind.FEEDBACK,
    )
    title = reminder_payload(followup)["title"]
    assert "\n" not in title and len(title) == TITLE_MAX and title.endswith("…")


def test_a_job_search_obligation_reminder_says_how_many_applications_are_missing(alice):
    alice.applications_required = 3
    alice.save()
    followup = FollowupFactory(
        application=None,
        owner=alice,
        kind=Kind.OBLIGATION,
        period_first=datetime.date(2026, 12, 1),
        period_last=datetime.date(2026, 12, 31),
        due_at=DUE,
    )
    payload = reminder_payload(followup)
    assert payload["title"] == "3 applications still needed by 31 Dec"
    assert payload["body"] == "Due: 7 Dec 2026, 10:00"


def test_the_digests_notification_counts_the_days_follow_ups_in_the_persons_language(alice):
    alice.language = "fi"
    alice.save()
    assert digest_payload(alice, 1)["title"] == "1 jatkotoimi tänään"
    payload = digest_payload(alice, 4)
    assert payload["title"] == "4 jatkotoimea tänään"
    assert payload["url"] == f"{settings.SITE_URL}/"
