"""Undo after Mark done, Skip and an interview's Cancel: the row back exactly as it was, once."""

import datetime
import re

import pytest
from django.test import Client
from django.urls import reverse

from applications.models import Interview
from applications.services import interview_update
from followups import services
from followups.models import Followup, Kind, State
from tests.factories import ApplicationFactory, InterviewFactory

NOW = datetime.datetime(2025, 3, 4, 10, 0, tzinfo=datetime.UTC)  # Tuesday, 12:00 in Helsinki
DASHBOARD = reverse("applications:dashboard")


@pytest.fixture(autouse=True)
def frozen(time_machine):
    time_machine.move_to(NOW, tick=False)


def failed_followup(owner) -> Followup:
    """A due follow-up whose reminder failed twice: every field an undo must put back is set."""
    due = NOW - datetime.timedelta(hours=3)
    return Followup.objects.create(
        owner=owner,
        application=ApplicationFactory(owner=owner, company="Kone Oyj"),
        kind=Kind.THANK_YOU,
        state=State.FAILED,
        due_at=due,
        next_attempt_at=NOW + datetime.timedelta(minutes=30),
        attempts=2,
        last_error="550 mailbox unavailable",
        snoozed_until=due,
    )


def fields(followup: Followup) -> dict:
    followup.refresh_from_db()
    return {name: getattr(followup, name) for name in (*Followup.UNDO_FIELDS, "claimed_until")}


def undo_url(response) -> str:
    """The action of the Undo form the page shows in its messages."""
    found = [
        url
        for url in re.findall(r'<form method="post" action="([^"]+)"', response.content.decode())
        if "/undo/" in url
    ]
    assert len(found) == 1, found
    return found[0]


def act(client, followup, action="followup_done"):
    return client.post(
        reverse(f"followups:{action}", args=[followup.pk]), {"next": DASHBOARD}, follow=True
    )


@pytest.mark.parametrize("action", ["followup_done", "followup_skip"])
def test_undo_puts_the_follow_up_back_exactly_as_it_was(alice_client, alice, action):
    followup = failed_followup(alice)
    before = fields(followup)
    response = act(alice_client, followup, action)
    assert Followup.objects.get(pk=followup.pk).state in (State.DONE, State.SKIPPED)
    assert "Kone Oyj" in response.content.decode()
    url = undo_url(response)
    assert url == reverse("followups:followup_undo", args=[followup.pk])

    response = alice_client.post(url, {"next": DASHBOARD}, follow=True)
    assert response.redirect_chain[-1][0] == DASHBOARD
    assert fields(followup) == before
    assert "open again" in response.content.decode()


def test_the_dashboard_shows_the_undo_with_a_live_csrf_token(alice, client):
    client.force_login(alice)
    client.handler.enforce_csrf_checks = True
    followup = failed_followup(alice)
    page = client.get(DASHBOARD).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    response = client.post(
        reverse("followups:followup_done", args=[followup.pk]),
        {"next": DASHBOARD, "csrfmiddlewaretoken": token},
        follow=True,
    )
    page = response.content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    response = client.post(undo_url(response), {"csrfmiddlewaretoken": token, "next": DASHBOARD})
    assert response.status_code == 302
    followup.refresh_from_db()
    assert followup.state == State.FAILED


def test_a_second_undo_does_nothing_and_says_so(alice_client, alice):
    followup = failed_followup(alice)
    url = undo_url(act(alice_client, followup))
    alice_client.post(url)
    followup.refresh_from_db()
    services.followup_snooze(followup=followup)  # Acted on again after the undo.
    after = fields(followup)
    response = alice_client.post(url, {"next": DASHBOARD}, follow=True)
    assert fields(followup) == after
    assert "nothing to undo" in response.content.decode()


def test_an_undo_after_another_change_does_nothing_and_says_so(alice_client, alice):
    followup = failed_followup(alice)
    url = undo_url(act(alice_client, followup, "followup_skip"))
    services.followup_mark_done(followup=Followup.objects.get(pk=followup.pk))  # From an email.
    after = fields(followup)
    response = alice_client.post(url, {"next": DASHBOARD}, follow=True)
    assert fields(followup) == after
    assert after["state"] == State.DONE
    assert "has changed since" in response.content.decode()


def test_an_undo_after_ten_minutes_is_refused(alice_client, alice, time_machine):
    followup = failed_followup(alice)
    url = undo_url(act(alice_client, followup))
    time_machine.move_to(NOW + datetime.timedelta(minutes=11), tick=False)
    response = alice_client.post(url, {"next": DASHBOARD}, follow=True)
    followup.refresh_from_db()
    assert followup.state == State.DONE
    assert "too late" in response.content.decode()


def as_bob(bob) -> Client:
    client = Client()
    client.force_login(bob)
    return client


def test_another_users_undo_is_a_404(alice_client, alice, bob):
    followup = failed_followup(alice)
    url = undo_url(act(alice_client, followup))
    assert as_bob(bob).post(url).status_code == 404
    followup.refresh_from_db()
    assert followup.state == State.DONE


def test_a_closed_follow_up_offers_no_undo(alice_client, alice):
    followup = failed_followup(alice)
    act(alice_client, followup)
    response = act(alice_client, followup)
    assert "already closed" in response.content.decode()
    assert "followup_undo" not in response.content.decode()
    assert reverse("followups:followup_undo", args=[followup.pk]) not in (response.content.decode())


# --- The interview's Cancel ------------------------------------------------------------------


def test_undoing_a_cancel_brings_the_interview_and_its_follow_ups_back(alice_client, alice):
    interview = InterviewFactory(
        application__owner=alice, starts_at=NOW + datetime.timedelta(days=1)
    )
    interview_update(interview=interview)  # The service runs the sync.
    before = {f.pk: fields(f) for f in Followup.objects.filter(interview=interview)}
    assert {row["state"] for row in before.values()} == {State.SCHEDULED}

    response = alice_client.post(
        reverse("applications:interview_cancel", args=[interview.pk]), follow=True
    )
    assert {f.state for f in Followup.objects.filter(interview=interview)} == {State.CANCELLED}
    url = undo_url(response)

    response = alice_client.post(url, follow=True)
    assert "is back" in response.content.decode()
    assert not Interview.objects.get(pk=interview.pk).cancelled
    after = {f.pk: fields(f) for f in Followup.objects.filter(interview=interview)}
    assert after == before

    response = alice_client.post(url, follow=True)
    assert "nothing to undo" in response.content.decode()


def test_a_cancel_undone_after_an_edit_is_refused(alice_client, alice):
    interview = InterviewFactory(application__owner=alice)
    url = undo_url(
        alice_client.post(
            reverse("applications:interview_cancel", args=[interview.pk]), follow=True
        )
    )
    Interview.objects.filter(pk=interview.pk).update(
        reflection="Changed my mind", updated_at=NOW + datetime.timedelta(seconds=1)
    )
    response = alice_client.post(url, follow=True)
    assert Interview.objects.get(pk=interview.pk).cancelled
    assert "has changed since" in response.content.decode()


def test_another_users_cancel_undo_is_a_404(alice_client, alice, bob):
    interview = InterviewFactory(application__owner=alice)
    url = undo_url(
        alice_client.post(
            reverse("applications:interview_cancel", args=[interview.pk]), follow=True
        )
    )
    assert as_bob(bob).post(url).status_code == 404
    assert Interview.objects.get(pk=interview.pk).cancelled
