"""Quiet hours are visible and follow changes: a held reminder says so and moves with them."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from accounts.services import user_preferences_update
from applications import services as app_services
from followups.models import Followup, Kind, State
from followups.services import followup_snooze

HELSINKI = ZoneInfo("Europe/Helsinki")
# A Tuesday evening in Helsinki; no public holidays in the following two weeks.
NOW = datetime.datetime(2026, 3, 10, 18, 0, tzinfo=HELSINKI)


def hel(*args: int) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=HELSINKI)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def application(alice):
    return app_services.application_create(owner=alice, company="Acme Oy", position="Backend Dev")


def thank_you_held_overnight(application) -> Followup:
    # The interview ends at 20:00; two hours later is 22:00, inside the quiet hours (21-08).
    app_services.interview_create(
        application=application, starts_at=hel(2026, 3, 10, 19, 0), duration_minutes=60
    )
    followup = Followup.objects.get(application=application, kind=Kind.THANK_YOU)
    assert followup.due_at == hel(2026, 3, 11, 8, 0)
    return followup


def quiet_end(user, hour: int, minute: int = 0) -> None:
    user_preferences_update(user=user, quiet_hours_end=datetime.time(hour, minute))


def test_a_snoozed_reminder_held_by_quiet_hours_follows_their_new_end(application, alice):
    """Moving the end of the quiet hours used to leave a snoozed reminder where it was."""
    alice.call_time = datetime.time(7, 0)  # Inside the quiet hours: snoozes wait until 08:00.
    alice.save()
    app_services.interview_create(
        application=application, starts_at=hel(2026, 3, 10, 13, 0), duration_minutes=60
    )
    call = Followup.objects.get(application=application, kind=Kind.CALL)
    followup_snooze(followup=call, choice="week")  # Due Fri 13 March: a week on, Fri 20 March.
    call.refresh_from_db()
    assert call.due_at == hel(2026, 3, 20, 8, 0)

    quiet_end(alice, 9)
    call.refresh_from_db()
    assert call.due_at == call.next_attempt_at == hel(2026, 3, 20, 9, 0)

    quiet_end(alice, 6, 30)
    call.refresh_from_db()
    # No longer held: back at the call time the snooze asked for.
    assert call.due_at == hel(2026, 3, 20, 7, 0)


def test_a_reminder_the_dispatcher_held_back_at_night_follows_the_new_end(alice, application):
    """A deferred row used to keep its next_attempt_at whatever the quiet hours became."""
    app_services.interview_create(
        application=application, starts_at=hel(2026, 3, 10, 13, 0), duration_minutes=60
    )
    followup = Followup.objects.get(application=application, kind=Kind.THANK_YOU)
    assert followup.due_at == hel(2026, 3, 10, 16, 0)
    # The mail server was away until late; the pass at 22:30 held the reminder back until the
    # quiet hours end, as the dispatcher does (no error kept: it was held, not refused).
    Followup.objects.filter(pk=followup.pk).update(next_attempt_at=hel(2026, 3, 11, 8, 0))
    with time_machine.travel(hel(2026, 3, 10, 23, 0), tick=False):
        quiet_end(alice, 7)
        followup.refresh_from_db()
        assert followup.due_at == hel(2026, 3, 10, 16, 0)
        assert followup.next_attempt_at == hel(2026, 3, 11, 7, 0)

        # Quiet hours turned off: it goes at the next pass.
        user_preferences_update(user=alice, quiet_hours_start=datetime.time(7, 0))
        followup.refresh_from_db()
        assert followup.next_attempt_at == hel(2026, 3, 10, 23, 0)


def test_a_held_thank_you_moves_when_the_quiet_hours_end_earlier(application, alice):
    followup = thank_you_held_overnight(application)
    quiet_end(alice, 7, 30)
    followup.refresh_from_db()
    assert followup.due_at == followup.next_attempt_at == hel(2026, 3, 11, 7, 30)


def test_the_dashboard_and_the_followup_page_say_a_reminder_is_held(client, alice, application):
    followup = thank_you_held_overnight(application)
    client.force_login(alice)
    for url in (reverse("applications:dashboard"), followup.get_absolute_url()):
        body = client.get(url).content.decode()
        assert "Held until 08:00, your quiet hours" in body, url


def test_a_reminder_at_its_own_time_says_nothing_of_quiet_hours(client, alice, application):
    app_services.interview_create(
        application=application, starts_at=hel(2026, 3, 11, 13, 0), duration_minutes=60
    )
    client.force_login(alice)
    body = client.get(reverse("applications:dashboard")).content.decode()
    assert "Held until" not in body


def test_a_reminder_already_sent_is_not_held(client, alice, application):
    followup = thank_you_held_overnight(application)
    Followup.objects.filter(pk=followup.pk).update(state=State.NOTIFIED)
    client.force_login(alice)
    assert "Held until" not in client.get(followup.get_absolute_url()).content.decode()
