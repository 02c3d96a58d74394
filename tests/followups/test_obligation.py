"""The job-search obligation reminder: when it is due, and the engine keeping it in step."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail

from applications.services import application_create, application_delete, application_update
from followups import policy
from followups.dispatch import dispatch_due
from followups.models import Followup, Kind, State
from followups.obligation import followups_sync_obligation, followups_sync_obligations
from tests.factories import ApplicationFactory

HEL = ZoneInfo("Europe/Helsinki")
D = datetime.date


def hel(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=HEL)


PREFS = policy.Preferences(applications_required=4)


# --- Policy --------------------------------------------------------------------------------------


def test_due_five_business_days_before_the_end_skipping_christmas_holidays():
    # 31, 30, 29 December, then 24-26 are holidays and 27-28 a weekend: 23 and 22 December.
    due = policy.obligation_due(D(2025, 12, 31), PREFS, hel(2025, 12, 1, 9, 0))
    assert due == hel(2025, 12, 22, 10, 0)


def test_the_last_day_counts_as_one_of_the_days_left():
    # Tuesday 31 March 2026: 31, 30, 27, 26, 25.
    due = policy.obligation_due(D(2026, 3, 31), PREFS, hel(2026, 3, 1, 9, 0))
    assert due == hel(2026, 3, 25, 10, 0)


def test_the_number_of_days_is_the_persons():
    prefs = policy.Preferences(applications_required=4, obligation_reminder_days=1)
    assert policy.obligation_due(D(2026, 3, 31), prefs, hel(2026, 3, 1)) == hel(2026, 3, 31, 10)


def test_a_call_time_inside_quiet_hours_waits_for_their_end():
    prefs = policy.Preferences(applications_required=4, call_time=datetime.time(7, 0))
    due = policy.obligation_due(D(2026, 3, 31), prefs, hel(2026, 3, 1, 9, 0))
    assert due == hel(2026, 3, 25, 8, 0)


def test_a_target_set_after_the_reminder_day_is_due_now_but_not_at_night():
    assert policy.obligation_due(D(2026, 3, 31), PREFS, hel(2026, 3, 30, 12, 0)) == hel(
        2026, 3, 30, 12, 0
    )
    assert policy.obligation_due(D(2026, 3, 31), PREFS, hel(2026, 3, 30, 23, 0)) == hel(
        2026, 3, 31, 8, 0
    )


def test_no_reminder_once_the_period_is_over():
    assert policy.obligation_due(D(2026, 3, 31), PREFS, hel(2026, 4, 1, 0, 5)) is None


# --- Engine --------------------------------------------------------------------------------------

pytestmark = pytest.mark.django_db
EARLY_MARCH = hel(2026, 3, 2, 9, 0)


@pytest.fixture
def target(alice):
    alice.applications_required = 2
    alice.save()
    return alice


def reminders(user):
    return list(Followup.objects.filter(owner=user, kind=Kind.OBLIGATION).order_by("id"))


MARCH_2 = D(2026, 3, 2)


def applied(user, day=MARCH_2):
    """An application through the service, as the form makes it (which syncs the reminder)."""
    with time_machine.travel(max(EARLY_MARCH, hel(day.year, day.month, day.day, 12)), tick=False):
        return application_create(owner=user, company="Acme", position="Dev", applied_on=day)


def test_a_short_period_gets_one_reminder_belonging_to_no_application(target):
    with time_machine.travel(EARLY_MARCH, tick=False):
        followups_sync_obligation(owner_id=target.pk)
        followups_sync_obligation(owner_id=target.pk)
    [row] = reminders(target)
    assert row.application_id is None
    assert (row.period_first, row.period_last) == (D(2026, 3, 1), D(2026, 3, 31))
    assert row.state == State.SCHEDULED
    assert row.due_at == hel(2026, 3, 25, 10, 0)


def test_meeting_the_target_cancels_it_and_falling_short_again_reopens_the_same_row(target):
    first = applied(target)
    applied(target)  # the service's sync ran with each
    [row] = reminders(target)
    assert row.state == State.CANCELLED
    with time_machine.travel(hel(2026, 3, 10, 9, 0), tick=False):
        application_update(application=first, not_counted=True, not_counted_reason="Duplicate")
    [row] = reminders(target)
    assert row.state == State.SCHEDULED
    with time_machine.travel(hel(2026, 3, 11, 9, 0), tick=False):
        application_delete(application=first)
        application_update(application=applied(target, D(2026, 2, 27)), applied_on=D(2026, 3, 5))
    assert [r.state for r in reminders(target)] == [State.CANCELLED]


def test_it_is_sent_once_per_period_with_how_many_are_still_needed(target):
    applied(target)
    with time_machine.travel(hel(2026, 3, 25, 10, 0), tick=False):
        result = dispatch_due()
    assert result.sent == 1
    assert mail.outbox[0].subject == "1 application still needed by 31 Mar"
    assert "/insights/report/?period=2026-03-01" in mail.outbox[0].body
    with time_machine.travel(hel(2026, 3, 26, 10, 0), tick=False):
        followups_sync_obligations()
        assert dispatch_due().claimed == 0
    [row] = reminders(target)
    assert row.state == State.NOTIFIED
    # Met after the reminder: done, and still one row for March.
    applied(target, D(2026, 3, 20))
    assert [r.state for r in reminders(target)] == [State.DONE]


def test_the_next_period_gets_its_own_reminder_from_the_periodic_sync(target):
    with time_machine.travel(EARLY_MARCH, tick=False):
        followups_sync_obligations()
    with time_machine.travel(hel(2026, 4, 1, 0, 30), tick=False):
        followups_sync_obligations()
    march, april = reminders(target)
    assert march.state == State.CANCELLED  # never sent: its period is over
    assert (april.period_first, april.state) == (D(2026, 4, 1), State.SCHEDULED)
    # April 2026: 30, 29, 28, 27, 24 (Good Friday and Easter Monday are earlier).
    assert april.due_at == hel(2026, 4, 24, 10, 0)


def test_the_dispatcher_cancels_it_when_the_target_was_met_without_a_sync(target):
    with time_machine.travel(EARLY_MARCH, tick=False):
        followups_sync_obligation(owner_id=target.pk)
    ApplicationFactory.create_batch(2, owner=target, applied_on=D(2026, 3, 3))
    with time_machine.travel(hel(2026, 3, 25, 10, 0), tick=False):
        result = dispatch_due()
    assert (result.cancelled, result.sent) == (1, 0)
    assert reminders(target)[0].state == State.CANCELLED
    assert mail.outbox == []


def test_it_never_goes_inside_quiet_hours(target):
    target.call_time = datetime.time(6, 0)
    target.save()
    with time_machine.travel(EARLY_MARCH, tick=False):
        followups_sync_obligation(owner_id=target.pk)
    [row] = reminders(target)
    assert row.due_at == hel(2026, 3, 25, 8, 0)
    with time_machine.travel(hel(2026, 3, 25, 7, 59), tick=False):
        assert dispatch_due().claimed == 0


def test_turning_the_target_off_cancels_the_waiting_reminder(target):
    from accounts.services import user_preferences_update

    with time_machine.travel(EARLY_MARCH, tick=False):
        followups_sync_obligation(owner_id=target.pk)
        user_preferences_update(user=target, applications_required=0)
    assert [r.state for r in reminders(target)] == [State.CANCELLED]


def test_no_target_no_reminder(alice):
    applied(alice)
    with time_machine.travel(EARLY_MARCH, tick=False):
        followups_sync_obligations()
    assert reminders(alice) == []


def test_the_hourly_task_makes_the_reminder_of_a_new_period(target):
    from followups.tasks import sync_obligations

    with time_machine.travel(EARLY_MARCH, tick=False):
        assert sync_obligations() == 1
    assert [r.period_first for r in reminders(target)] == [D(2026, 3, 1)]
