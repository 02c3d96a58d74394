"""The job-search obligation's count: review periods, what counts, the person's own dates."""

import datetime

import pytest
import time_machine

from applications.models import Status
from applications.services import application_update
from followups import obligation
from followups.obligation import Counted, Period, Rule, counts, period_containing
from tests.factories import ApplicationFactory

D = datetime.date


def test_a_calendar_month_is_the_period_without_a_start_date():
    assert period_containing(D(2026, 2, 14), Rule(4)) == Period(D(2026, 2, 1), D(2026, 2, 28))
    assert period_containing(D(2024, 2, 29), Rule(4)) == Period(D(2024, 2, 1), D(2024, 2, 29))
    assert period_containing(D(2025, 12, 31), Rule(4)) == Period(D(2025, 12, 1), D(2025, 12, 31))


def test_periods_of_several_months_run_from_the_plans_start_date_both_ways():
    rule = Rule(10, months=3, start=D(2026, 1, 15))
    assert period_containing(D(2026, 1, 15), rule) == Period(D(2026, 1, 15), D(2026, 4, 14))
    assert period_containing(D(2026, 4, 14), rule) == Period(D(2026, 1, 15), D(2026, 4, 14))
    assert period_containing(D(2026, 4, 15), rule) == Period(D(2026, 4, 15), D(2026, 7, 14))
    assert period_containing(D(2026, 1, 14), rule) == Period(D(2025, 10, 15), D(2026, 1, 14))


def test_a_start_on_the_31st_keeps_ending_periods_on_short_months_last_days():
    rule = Rule(4, months=1, start=D(2026, 1, 31))
    assert period_containing(D(2026, 2, 27), rule) == Period(D(2026, 1, 31), D(2026, 2, 27))
    assert period_containing(D(2026, 2, 28), rule) == Period(D(2026, 2, 28), D(2026, 3, 30))
    assert period_containing(D(2026, 3, 31), rule) == Period(D(2026, 3, 31), D(2026, 4, 29))


def test_calendar_quarters_without_a_start_date():
    rule = Rule(12, months=3)
    assert period_containing(D(2026, 5, 5), rule) == Period(D(2026, 4, 1), D(2026, 6, 30))


def test_only_applications_sent_in_the_period_count_not_saved_nor_left_out():
    period = Period(D(2026, 3, 1), D(2026, 3, 31))
    rows = [
        Counted(D(2026, 3, 1)),
        Counted(D(2026, 3, 31)),
        Counted(D(2026, 2, 28)),
        Counted(D(2026, 4, 1)),
        Counted(None),
        Counted(D(2026, 3, 10), saved=True),
        Counted(D(2026, 3, 10), not_counted=True),
    ]
    assert counts(rows, period) == 2


@pytest.mark.django_db
def test_the_month_turns_at_the_persons_midnight_not_utcs(alice):
    alice.applications_required = 4
    alice.save()
    ApplicationFactory(owner=alice, applied_on=D(2026, 2, 1))
    ApplicationFactory(owner=alice, applied_on=D(2026, 1, 31))
    # 23:30 UTC on 31 January is already 1 February in Helsinki.
    with time_machine.travel(datetime.datetime(2026, 1, 31, 23, 30, tzinfo=datetime.UTC)):
        today = datetime.datetime.now(alice.tzinfo).date()
        progress = obligation.progress_for(alice, today)
    assert progress.period == Period(D(2026, 2, 1), D(2026, 2, 28))
    assert (progress.done, progress.required, progress.missing) == (1, 4, 3)
    assert progress.days_left == 28


@pytest.mark.django_db
def test_no_target_no_progress(alice):
    assert obligation.progress_for(alice, D(2026, 3, 1)) is None


@pytest.mark.django_db
def test_a_date_applied_edited_into_or_out_of_the_period_moves_the_count(alice, bob):
    alice.applications_required = 2
    alice.save()
    application = ApplicationFactory(owner=alice, applied_on=D(2026, 2, 27))
    ApplicationFactory(owner=bob, applied_on=D(2026, 3, 2))  # someone else's
    march = Period(D(2026, 3, 1), D(2026, 3, 31))
    with time_machine.travel(datetime.datetime(2026, 3, 20, 9, 0, tzinfo=datetime.UTC)):
        assert obligation.count_in(alice, march) == 0
        application_update(application=application, applied_on=D(2026, 3, 3))
        assert obligation.count_in(alice, march) == 1
        application_update(application=application, not_counted=True, not_counted_reason="x")
        assert obligation.count_in(alice, march) == 0
        application_update(application=application, not_counted=False, status=Status.SAVED)
        assert obligation.count_in(alice, march) == 0


@pytest.mark.django_db
def test_past_periods_show_met_or_not(alice):
    alice.applications_required = 2
    alice.save()
    for day in (D(2026, 1, 5), D(2026, 1, 6), D(2026, 2, 10)):
        ApplicationFactory(owner=alice, applied_on=day)
    past = obligation.past_progress(alice, D(2026, 3, 15))
    assert [(p.period.first, p.done, p.met) for p in past] == [
        (D(2026, 2, 1), 1, False),
        (D(2026, 1, 1), 2, True),
    ]
