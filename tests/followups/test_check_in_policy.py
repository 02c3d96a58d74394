"""When the check-in on an application gone quiet is due: policy.check_in_due, a pure rule."""

import datetime
from zoneinfo import ZoneInfo

from followups import policy

HELSINKI = ZoneInfo("Europe/Helsinki")
PREFS = policy.Preferences()  # Helsinki, Finland, call time 10:00, quiet hours 21:00–08:00


def helsinki(*args: int) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=HELSINKI)


def test_asked_for_on_a_weekday_morning_it_is_due_at_the_call_time_that_day():
    assert policy.check_in_due(helsinki(2026, 3, 10, 8, 30), PREFS) == helsinki(2026, 3, 10, 10, 0)


def test_asked_for_after_the_call_time_it_is_due_the_next_business_day():
    assert policy.check_in_due(helsinki(2026, 3, 10, 10, 1), PREFS) == helsinki(2026, 3, 11, 10, 0)


def test_asked_for_on_a_friday_evening_it_is_due_on_monday():
    assert policy.check_in_due(helsinki(2026, 3, 13, 19, 0), PREFS) == helsinki(2026, 3, 16, 10, 0)


def test_asked_for_before_a_holiday_it_skips_the_holiday_and_the_weekend():
    # Thursday 2 April 2026: Good Friday and Easter Monday are public holidays in Finland.
    assert policy.check_in_due(helsinki(2026, 4, 2, 15, 0), PREFS) == helsinki(2026, 4, 7, 10, 0)


def test_a_call_time_inside_the_quiet_hours_moves_to_their_end():
    prefs = policy.Preferences(call_time=datetime.time(7, 0))
    assert policy.check_in_due(helsinki(2026, 3, 10, 6, 0), prefs) == helsinki(2026, 3, 10, 8, 0)


def test_it_counts_business_days_in_the_persons_own_zone():
    prefs = policy.Preferences(time_zone="America/New_York", country="US")
    # Friday 22:00 in New York is already Saturday in UTC; the reminder waits for Monday there.
    now = datetime.datetime(2026, 3, 13, 22, 0, tzinfo=ZoneInfo("America/New_York"))
    due = policy.check_in_due(now, prefs)
    assert due.astimezone(ZoneInfo("America/New_York")) == datetime.datetime(
        2026, 3, 16, 10, 0, tzinfo=ZoneInfo("America/New_York")
    )


def test_an_application_has_gone_quiet_after_the_chosen_number_of_days():
    today = datetime.date(2026, 3, 15)
    assert policy.gone_quiet_before(today, 14) == datetime.date(2026, 3, 1)
