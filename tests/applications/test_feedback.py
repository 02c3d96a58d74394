"""The feedback log of an application: add, edit and delete entries."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from applications.models import FeedbackEntry
from tests.applications.helpers import assert_error_next_to, assert_kept
from tests.factories import ApplicationFactory, FeedbackEntryFactory

pytestmark = pytest.mark.django_db

# 00:30 on 11 March in Helsinki (the users' time zone) while it is still 10 March in UTC: "today"
# must be the user's date, whatever the hour the suite runs at.
LATE_EVENING_UTC = datetime.datetime(2026, 3, 10, 22, 30, tzinfo=datetime.UTC)


def feedback_data(**overrides) -> dict:
    data = {
        "received_on": "2026-03-01",
        "from_whom": "Recruiter",
        "text": "Good answers; more examples next time.",
        "constructive": "true",
        "lessons": "Prepare two concrete stories.",
    }
    data.update(overrides)
    return data


def test_feedback_is_added_to_the_application(alice_client, alice):
    application = ApplicationFactory(owner=alice)
    response = alice_client.post(
        reverse("applications:feedback_create", args=[application.pk]), feedback_data()
    )
    assert response["Location"] == application.get_absolute_url() + "#feedback"
    entry = FeedbackEntry.objects.get()
    assert (entry.owner, entry.application) == (alice, application)
    assert entry.constructive is True
    assert entry.received_on == datetime.date(2026, 3, 1)


@pytest.mark.parametrize(("posted", "stored"), [("unknown", None), ("false", False)])
def test_constructive_can_be_unknown_or_no(alice_client, alice, posted, stored):
    application = ApplicationFactory(owner=alice)
    alice_client.post(
        reverse("applications:feedback_create", args=[application.pk]),
        feedback_data(constructive=posted),
    )
    assert FeedbackEntry.objects.get().constructive is stored


@time_machine.travel(LATE_EVENING_UTC, tick=False)
def test_new_feedback_form_starts_with_the_users_today(alice_client, alice):
    application = ApplicationFactory(owner=alice)
    response = alice_client.get(reverse("applications:feedback_create", args=[application.pk]))
    assert_kept(response, "received_on", "2026-03-11")


def test_feedback_text_and_date_are_required(alice_client, alice):
    application = ApplicationFactory(owner=alice)
    response = alice_client.post(
        reverse("applications:feedback_create", args=[application.pk]),
        feedback_data(text="", received_on=""),
    )
    assert_error_next_to(response, "text", "required")
    assert_error_next_to(response, "received_on", "required")
    assert_kept(response, "from_whom", "Recruiter")
    assert not FeedbackEntry.objects.exists()


@time_machine.travel(LATE_EVENING_UTC, tick=False)
def test_feedback_from_the_future_is_refused(alice_client, alice):
    application = ApplicationFactory(owner=alice)
    url = reverse("applications:feedback_create", args=[application.pk])
    response = alice_client.post(url, feedback_data(received_on="2026-03-12"))
    assert_error_next_to(response, "received_on", "future")
    # The user's today (already the 11th in Helsinki) is not the future.
    alice_client.post(url, feedback_data(received_on="2026-03-11"))
    assert FeedbackEntry.objects.get().received_on == datetime.date(2026, 3, 11)


def test_over_long_feedback_is_refused_with_its_limit(alice_client, alice):
    application = ApplicationFactory(owner=alice)
    response = alice_client.post(
        reverse("applications:feedback_create", args=[application.pk]),
        feedback_data(text="x" * 10_001),
    )
    assert_error_next_to(response, "text", "at most 10000 characters")


def test_feedback_is_edited_and_deleted_after_asking(alice_client, alice):
    entry = FeedbackEntryFactory(application=ApplicationFactory(owner=alice))
    alice_client.post(
        reverse("applications:feedback_update", args=[entry.pk]),
        feedback_data(text="Edited"),
    )
    entry.refresh_from_db()
    assert entry.text == "Edited"
    url = reverse("applications:feedback_delete", args=[entry.pk])
    assert alice_client.get(url).status_code == 200
    assert FeedbackEntry.objects.exists()
    alice_client.post(url)
    assert not FeedbackEntry.objects.exists()
