"""Cached page fragments: a change shows at once, by whatever path it is made."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from applications.services import application_create, interview_create
from followups.dispatch import dispatch_due
from followups.models import Followup, Kind

pytestmark = pytest.mark.django_db

DASHBOARD = reverse("applications:dashboard")


@pytest.fixture
def application(alice):
    return application_create(owner=alice, company="Kone Oyj", position="Engineer")


def page(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_feedback_added_in_the_form_shows_on_the_application_page_at_once(
    alice_client, application
):
    url = application.get_absolute_url()
    assert "Clear and kind" not in page(alice_client, url)

    alice_client.post(
        reverse("applications:feedback_create", args=[application.pk]),
        {"received_on": "2026-11-20", "text": "Clear and kind", "from_whom": "HR"},
    )

    assert "Clear and kind" in page(alice_client, url)


def test_a_renamed_contact_shows_on_the_application_page_at_once(alice_client, alice, application):
    alice_client.post(
        reverse("applications:contact_create"),
        {"name": "Maija", "applications": [application.pk]},
    )
    url = application.get_absolute_url()
    assert "Maija" in page(alice_client, url)
    contact = application.contacts.get()

    alice_client.post(
        reverse("applications:contact_update", args=[contact.pk]),
        {"name": "Maija Meikäläinen", "applications": [application.pk]},
    )

    assert "Maija Meikäläinen" in page(alice_client, url)


@time_machine.travel(datetime.datetime(2026, 11, 25, 10, 0, tzinfo=datetime.UTC), tick=False)
def test_a_reminder_the_worker_sends_shows_on_the_timeline_at_once(
    alice_client, alice, application, mailoutbox
):
    """Out of quiet hours (noon in Helsinki), the dispatcher sends the thank-you reminder."""
    interview_create(
        application=application, starts_at=timezone.now() - datetime.timedelta(hours=3)
    )
    url = application.get_absolute_url()
    assert "Reminder emailed" not in page(alice_client, url)
    Followup.objects.filter(kind=Kind.THANK_YOU).update(
        due_at=timezone.now(), next_attempt_at=timezone.now()
    )

    assert dispatch_due().sent == 1

    assert "Reminder emailed" in page(alice_client, url)


def test_a_status_change_shows_in_the_dashboards_recent_activity_at_once(alice_client, application):
    assert "Applied → Interviewing" not in page(alice_client, DASHBOARD)

    alice_client.post(
        reverse("applications:application_status", args=[application.pk]),
        {"status": "interviewing"},
    )

    assert "Interviewing" in page(alice_client, DASHBOARD).split("Recent activity")[1]


def test_the_dashboard_of_one_person_never_shows_anothers_cached_sections(
    client, alice, bob, application
):
    client.force_login(alice)
    assert "Kone Oyj" in page(client, DASHBOARD)
    client.force_login(bob)
    assert "Kone Oyj" not in page(client, DASHBOARD)


def followups_section(client) -> str:
    html = page(client, DASHBOARD)
    return html[html.index("Due now") : html.index("All follow-ups")]


def test_a_follow_up_falling_due_moves_to_due_within_the_minute(alice_client, application):
    start = datetime.datetime(2026, 11, 25, 9, 59, 30, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False) as clock:
        interview_create(application=application, starts_at=start - datetime.timedelta(hours=2))
        thank_you = Followup.objects.get(kind=Kind.THANK_YOU)
        Followup.objects.filter(pk=thank_you.pk).update(
            due_at=start + datetime.timedelta(seconds=20)
        )
        assert "Nothing is due right now." in followups_section(alice_client)

        clock.shift(datetime.timedelta(seconds=25))  # due now, the same minute: cached
        assert "Nothing is due right now." in followups_section(alice_client)

        clock.shift(datetime.timedelta(seconds=20))  # the next minute
        assert "Nothing is due right now." not in followups_section(alice_client)


def test_a_follow_up_closed_elsewhere_leaves_the_dashboard_at_once(alice_client, application):
    """The section is keyed by its rows' last change, not only by the minute."""
    from followups.services import followup_mark_done

    interview_create(
        application=application, starts_at=timezone.now() - datetime.timedelta(hours=3)
    )
    thank_you = Followup.objects.get(kind=Kind.THANK_YOU)
    Followup.objects.filter(pk=thank_you.pk).update(due_at=timezone.now())
    assert "Thank-you note" in followups_section(alice_client)

    followup_mark_done(followup=thank_you)

    assert "Thank-you note" not in followups_section(alice_client)
