"""Signed links from reminder emails: one-click Mark done / Snooze, and unsubscribe."""

import datetime
import re
from urllib.parse import urlsplit

import html5lib
import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from followups import links
from followups.models import Followup, Kind, State
from tests.factories import ApplicationFactory

NOW = datetime.datetime(2025, 3, 4, 10, 0, tzinfo=datetime.UTC)  # Tuesday, 12:00 in Helsinki


@pytest.fixture(autouse=True)
def frozen(time_machine):
    time_machine.move_to(NOW, tick=False)


def make_followup(owner, *, kind=Kind.CALL, state=State.NOTIFIED, due_at=None, **fields):
    due_at = due_at or NOW - datetime.timedelta(hours=1)
    return Followup.objects.create(
        owner=owner,
        application=fields.pop("application", None) or ApplicationFactory(owner=owner),
        kind=kind,
        state=state,
        due_at=due_at,
        next_attempt_at=due_at,
        **fields,
    )


def path_of(url: str) -> str:
    return urlsplit(url).path


def snapshot(followup: Followup) -> tuple:
    followup.refresh_from_db()
    return (followup.state, followup.due_at, followup.completed_at)


# --- links.py ------------------------------------------------------------------------------------


def test_action_url_is_absolute_under_site_url(alice):
    followup = make_followup(alice)
    url = links.action_url(followup, "done")
    assert url.startswith(settings.SITE_URL + "/followups/link/")
    assert f"/{followup.pk}/done/" in url


def test_action_token_reads_back_as_followup_action_and_owner(alice):
    followup = make_followup(alice)
    token = path_of(links.action_url(followup, "snooze")).rstrip("/").rsplit("/", 1)[1]
    assert links.read_action_token(token) == (followup.pk, "snooze", alice.pk)


def test_action_url_refuses_an_unknown_action(alice):
    with pytest.raises(ValueError):
        links.action_url(make_followup(alice), "delete")


def test_a_tampered_action_token_is_invalid(alice):
    token = links.action_token(make_followup(alice), "done")
    with pytest.raises(links.LinkInvalid):
        links.read_action_token(token[:-1] + ("A" if token[-1] != "A" else "B"))
    with pytest.raises(links.LinkInvalid):
        links.read_action_token("not-a-token")


def test_an_action_token_expires_after_seven_days(alice, time_machine):
    token = links.action_token(make_followup(alice), "done")
    time_machine.move_to(NOW + datetime.timedelta(days=6, hours=23), tick=False)
    assert links.read_action_token(token)[1] == "done"
    time_machine.move_to(NOW + datetime.timedelta(days=8), tick=False)
    with pytest.raises(links.LinkExpired):
        links.read_action_token(token)


def test_an_unsubscribe_token_is_not_accepted_as_an_action_token(alice):
    with pytest.raises(links.LinkInvalid):
        links.read_action_token(links.unsubscribe_token(alice))
    with pytest.raises(links.LinkInvalid):
        links.read_unsubscribe_token(links.action_token(make_followup(alice), "done"))


def test_an_unsubscribe_token_does_not_expire(alice, time_machine):
    token = links.unsubscribe_token(alice)
    time_machine.move_to(NOW + datetime.timedelta(days=800), tick=False)
    assert links.read_unsubscribe_token(token) == alice.pk


def test_draft_url_opens_the_follow_ups_draft_page(alice):
    followup = make_followup(alice)
    assert links.draft_url(followup) == f"{settings.SITE_URL}/drafts/for-followup/{followup.pk}/"


# --- Signed action views -------------------------------------------------------------------------


def test_done_link_get_shows_a_confirmation_and_changes_nothing(client, alice):
    followup = make_followup(alice)
    application = followup.application
    application.company = "Acme <b>Oy</b>"
    application.save()
    before = snapshot(followup)
    response = client.get(path_of(links.action_url(followup, "done")))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Mark this follow-up done?" in body
    assert "Acme &lt;b&gt;Oy&lt;/b&gt;" in body
    assert "Follow-up call" in body
    assert 'name="csrfmiddlewaretoken"' in body
    assert snapshot(followup) == before


def test_done_link_post_marks_the_followup_done(client, alice):
    followup = make_followup(alice)
    response = client.post(path_of(links.action_url(followup, "done")))
    assert response.status_code == 200
    assert "Marked as done" in response.content.decode()
    followup.refresh_from_db()
    assert followup.state == State.DONE


def test_snooze_link_post_brings_the_followup_back_the_next_business_day(client, alice):
    followup = make_followup(alice)
    response = client.post(
        path_of(links.action_url(followup, "snooze")), {"choice": "next_business_day"}
    )
    assert response.status_code == 200
    assert "Snoozed" in response.content.decode()
    followup.refresh_from_db()
    assert followup.state == State.SCHEDULED
    # Wednesday 10:00 in Helsinki, the call time.
    assert followup.due_at == datetime.datetime(2025, 3, 5, 8, 0, tzinfo=datetime.UTC)


def test_signed_link_shows_times_in_the_owners_time_zone_without_a_session(client, alice):
    alice.time_zone = "America/New_York"
    alice.save()
    followup = make_followup(
        alice, due_at=datetime.datetime(2025, 3, 5, 15, 0, tzinfo=datetime.UTC)
    )
    body = client.get(path_of(links.action_url(followup, "done"))).content.decode()
    # 15:00 UTC is 10:00 in New York (EST, UTC-5, in early March).
    assert "2025-03-05T10:00:00-0500" in body


def test_the_owner_logged_in_can_use_the_link(client, alice):
    followup = make_followup(alice)
    client.force_login(alice)
    response = client.post(path_of(links.action_url(followup, "done")))
    assert response.status_code == 200
    followup.refresh_from_db()
    assert followup.state == State.DONE


def test_a_tampered_link_does_nothing_and_says_it_is_not_valid(client, alice):
    followup = make_followup(alice)
    path = path_of(links.action_url(followup, "done"))
    tampered = path[:-2] + ("x" if path[-2] != "x" else "y") + "/"
    before = snapshot(followup)
    for method in (client.get, client.post):
        response = method(tampered)
        assert response.status_code == 400
        assert "This link is not valid" in response.content.decode()
    assert snapshot(followup) == before


def test_an_expired_link_does_nothing_and_says_it_expired(client, alice, time_machine):
    followup = make_followup(alice)
    path = path_of(links.action_url(followup, "done"))
    time_machine.move_to(NOW + datetime.timedelta(days=8), tick=False)
    before = snapshot(followup)
    for method in (client.get, client.post):
        response = method(path)
        assert response.status_code == 400
        assert "This link has expired" in response.content.decode()
    assert snapshot(followup) == before


def test_a_token_for_another_followup_does_nothing(client, alice):
    target = make_followup(alice)
    other = make_followup(alice)
    token = links.action_token(other, "done")
    path = reverse(
        "followups:signed_action", kwargs={"pk": target.pk, "action": "done", "token": token}
    )
    before_target, before_other = snapshot(target), snapshot(other)
    response = client.post(path)
    assert response.status_code == 400
    assert "This link is not valid" in response.content.decode()
    assert snapshot(target) == before_target
    assert snapshot(other) == before_other


def test_a_snooze_token_cannot_be_used_to_mark_done(client, alice):
    followup = make_followup(alice)
    token = links.action_token(followup, "snooze")
    path = reverse(
        "followups:signed_action", kwargs={"pk": followup.pk, "action": "done", "token": token}
    )
    before = snapshot(followup)
    response = client.post(path)
    assert response.status_code == 400
    assert snapshot(followup) == before


def test_an_unknown_link_action_is_not_found(client, alice):
    followup = make_followup(alice)
    token = links.action_token(followup, "done")
    path = reverse(
        "followups:signed_action", kwargs={"pk": followup.pk, "action": "delete", "token": token}
    )
    assert client.post(path).status_code == 404
    assert Followup.objects.filter(pk=followup.pk).exists()


def test_a_link_to_a_deleted_followup_says_it_no_longer_exists(client, alice):
    followup = make_followup(alice)
    path = path_of(links.action_url(followup, "done"))
    followup.delete()
    response = client.get(path)
    assert response.status_code == 404
    assert "This follow-up no longer exists" in response.content.decode()


def test_another_logged_in_user_gets_404_and_nothing_changes(client, alice, bob):
    followup = make_followup(alice)
    path = path_of(links.action_url(followup, "done"))
    client.force_login(bob)
    before = snapshot(followup)
    for method in (client.get, client.post):
        response = method(path)
        assert response.status_code == 404
        assert "This link is for another account" in response.content.decode()
    assert snapshot(followup) == before


@pytest.mark.parametrize("state", [State.DONE, State.SKIPPED, State.CANCELLED])
def test_a_closed_followup_says_so_and_is_left_alone(client, alice, state):
    followup = make_followup(alice, state=state)
    path = path_of(links.action_url(followup, "snooze"))
    before = snapshot(followup)
    for method in (client.get, client.post):
        response = method(path)
        assert response.status_code == 200
        body = response.content.decode()
        assert "This follow-up is already closed" in body
        assert "<form" not in body.split("<main", 1)[1]
    assert snapshot(followup) == before


def test_a_signed_post_without_csrf_token_is_refused(alice):
    followup = make_followup(alice)
    csrf_client = Client(enforce_csrf_checks=True)
    response = csrf_client.post(path_of(links.action_url(followup, "done")))
    assert response.status_code == 403
    followup.refresh_from_db()
    assert followup.state == State.NOTIFIED


def test_the_confirmation_form_posts_with_its_csrf_token(alice):
    followup = make_followup(alice)
    csrf_client = Client(enforce_csrf_checks=True)
    path = path_of(links.action_url(followup, "done"))
    page = csrf_client.get(path).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    response = csrf_client.post(path, {"csrfmiddlewaretoken": token})
    assert response.status_code == 200
    followup.refresh_from_db()
    assert followup.state == State.DONE


# --- Unsubscribe ---------------------------------------------------------------------------------


def test_unsubscribe_get_asks_first_and_changes_nothing(client, alice):
    response = client.get(path_of(links.unsubscribe_url(alice)))
    assert response.status_code == 200
    assert "Stop reminder emails?" in response.content.decode()
    alice.refresh_from_db()
    assert alice.reminders_enabled is True


def test_unsubscribe_post_turns_reminder_emails_off(client, alice):
    response = client.post(path_of(links.unsubscribe_url(alice)))
    assert response.status_code == 200
    assert "Reminder emails are off" in response.content.decode()
    alice.refresh_from_db()
    assert alice.reminders_enabled is False


def test_one_click_unsubscribe_works_without_cookies_or_csrf_token(alice):
    """RFC 8058: the mail client POSTs List-Unsubscribe=One-Click with nothing else."""
    mail_client = Client(enforce_csrf_checks=True)
    response = mail_client.post(
        path_of(links.unsubscribe_url(alice)),
        data="List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    alice.refresh_from_db()
    assert alice.reminders_enabled is False


def test_unsubscribe_leaves_other_users_alone(client, alice, bob):
    client.post(path_of(links.unsubscribe_url(alice)))
    bob.refresh_from_db()
    assert bob.reminders_enabled is True


def test_a_tampered_unsubscribe_link_does_nothing(client, alice):
    path = path_of(links.unsubscribe_url(alice))
    tampered = path[:-2] + ("x" if path[-2] != "x" else "y") + "/"
    response = client.post(tampered)
    assert response.status_code == 400
    assert "This link is not valid" in response.content.decode()
    alice.refresh_from_db()
    assert alice.reminders_enabled is True


def test_an_old_unsubscribe_link_still_works(client, alice, time_machine):
    path = path_of(links.unsubscribe_url(alice))
    time_machine.move_to(NOW + datetime.timedelta(days=400), tick=False)
    assert client.post(path).status_code == 200
    alice.refresh_from_db()
    assert alice.reminders_enabled is False


def test_another_logged_in_user_cannot_unsubscribe_someone_else(client, alice, bob):
    client.force_login(bob)
    response = client.post(path_of(links.unsubscribe_url(alice)))
    assert response.status_code == 404
    alice.refresh_from_db()
    assert alice.reminders_enabled is True


def test_signed_link_pages_need_no_login(client, alice):
    followup = make_followup(alice)
    for url in (links.action_url(followup, "done"), links.unsubscribe_url(alice)):
        response = client.get(path_of(url))
        # 200 rather than a redirect to the log-in page.
        assert response.status_code == 200, url


def test_link_pages_are_valid_html(client, alice, time_machine):
    followup = make_followup(alice)
    pages = [
        client.get(path_of(links.action_url(followup, "snooze"))),
        client.get(path_of(links.unsubscribe_url(alice))),
        client.post(path_of(links.unsubscribe_url(alice))),
        client.get("/followups/link/1/done/garbage/"),
        client.post(path_of(links.action_url(followup, "done"))),
        client.get(path_of(links.action_url(followup, "done"))),  # now closed
    ]
    for response in pages:
        html5lib.HTMLParser(strict=True).parse(response.content)


# --- A link acts once -----------------------------------------------------------------------------


def test_replaying_a_snooze_links_post_moves_the_followup_once(client, alice):
    """Three POSTs of the same link used to move the reminder three days."""
    followup = make_followup(alice)
    path = path_of(links.action_url(followup, "snooze"))
    assert client.post(path, {"choice": "tomorrow"}).status_code == 200
    first = snapshot(followup)
    for _ in range(2):
        response = client.post(path, {"choice": "tomorrow"})
        assert response.status_code == 409
        assert "This link has already been used" in response.content.decode()
    assert snapshot(followup) == first


def test_replaying_a_done_link_after_reopening_changes_nothing(client, alice):
    followup = make_followup(alice)
    path = path_of(links.action_url(followup, "done"))
    client.post(path)
    # Snoozed in the app afterwards: the old email's Mark done link must not close it again.
    Followup.objects.filter(pk=followup.pk).update(state=State.SCHEDULED, completed_at=None)
    response = client.post(path)
    assert response.status_code == 409
    followup.refresh_from_db()
    assert followup.state == State.SCHEDULED


def test_the_snooze_and_done_links_of_one_email_each_act_once(client, alice):
    followup = make_followup(alice)
    client.post(path_of(links.action_url(followup, "snooze")), {"choice": "week"})
    response = client.post(path_of(links.action_url(followup, "done")))
    assert response.status_code == 200
    followup.refresh_from_db()
    assert followup.state == State.DONE


def test_a_refused_link_action_leaves_the_link_usable(client, alice):
    followup = make_followup(alice)
    path = path_of(links.action_url(followup, "snooze"))
    assert client.post(path, {"choice": "fortnight"}).status_code == 409
    assert client.post(path, {"choice": "tomorrow"}).status_code == 200


def test_the_snooze_confirmation_offers_the_three_choices_with_where_each_lands(client, alice):
    followup = make_followup(alice)
    body = client.get(path_of(links.action_url(followup, "snooze"))).content.decode()
    for label in ("Tomorrow", "Next business day", "In a week"):
        assert label in body
    # From Tuesday 4 March: Wednesday and Tuesday a week later, 10:00 in Helsinki.
    assert "2025-03-05T10:00:00+0200" in body
    assert "2025-03-11T10:00:00+0200" in body
