"""When the apply-by reminder is due: two business days before a saved application's deadline,
at the call time, in the person's calendar and time zone."""

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from followups.policy import (
    Preferences,
    apply_by_due,
    apply_by_passed,
    wanted_followups,
)

HELSINKI = ZoneInfo("Europe/Helsinki")
NEW_YORK = ZoneInfo("America/New_York")
DEFAULTS = Preferences()
NEW_YORKER = Preferences(time_zone="America/New_York", country="US")
# Long before every deadline below: the regular due time is always still ahead.
EARLY = datetime(2026, 1, 2, 12, 0, tzinfo=UTC)


def helsinki(*args: int) -> datetime:
    return datetime(*args, tzinfo=HELSINKI)


def new_york(*args: int) -> datetime:
    return datetime(*args, tzinfo=NEW_YORK)


def test_a_friday_deadline_is_reminded_of_on_wednesday_at_the_call_time():
    assert apply_by_due(date(2026, 3, 13), DEFAULTS, EARLY) == helsinki(2026, 3, 11, 10, 0)


def test_a_monday_deadline_skips_the_weekend_back_to_thursday():
    assert apply_by_due(date(2026, 3, 16), DEFAULTS, EARLY) == helsinki(2026, 3, 12, 10, 0)


def test_a_sunday_deadline_counts_back_from_the_sunday():
    assert apply_by_due(date(2026, 3, 15), DEFAULTS, EARLY) == helsinki(2026, 3, 12, 10, 0)


def test_finnish_independence_day_is_no_business_day_before_a_deadline():
    """Monday 6 December 2027 is a public holiday: a Wednesday deadline is reminded of on the
    Friday before, not on the Monday."""
    assert apply_by_due(date(2027, 12, 8), DEFAULTS, EARLY) == helsinki(2027, 12, 3, 10, 0)


def test_a_us_user_works_on_the_finnish_independence_day():
    assert apply_by_due(date(2027, 12, 8), NEW_YORKER, EARLY) == new_york(2027, 12, 6, 10, 0)


def test_midsummer_eve_and_the_weekend_are_skipped():
    """Deadline Monday 22 June 2026: Friday 19 is Midsummer Eve, so Thursday and Wednesday are
    the two business days before it."""
    due = apply_by_due(date(2026, 6, 22), DEFAULTS, EARLY)
    assert due == helsinki(2026, 6, 17, 10, 0)
    assert due == datetime(2026, 6, 17, 7, 0, tzinfo=UTC)  # summer time, UTC+3


@pytest.mark.parametrize(
    ("deadline", "due_utc"),
    [
        # Helsinki moves its clocks forward on Sunday 29 March 2026.
        (date(2026, 3, 31), datetime(2026, 3, 27, 8, 0, tzinfo=UTC)),  # Friday, winter time
        (date(2026, 4, 1), datetime(2026, 3, 30, 7, 0, tzinfo=UTC)),  # Monday, summer time
        # ... and back on Sunday 25 October 2026.
        (date(2026, 10, 27), datetime(2026, 10, 23, 7, 0, tzinfo=UTC)),  # Friday, summer time
        (date(2026, 10, 28), datetime(2026, 10, 26, 8, 0, tzinfo=UTC)),  # Monday, winter time
    ],
)
def test_the_call_time_stays_ten_local_across_daylight_saving_changes(deadline, due_utc):
    due = apply_by_due(deadline, DEFAULTS, EARLY)
    assert due == due_utc
    assert due.astimezone(HELSINKI).time() == time(10, 0)


def test_new_york_daylight_saving_keeps_ten_local():
    """New York springs forward on Sunday 8 March 2026: a Tuesday deadline's reminder on the
    Friday before is at 15:00 UTC, the Wednesday deadline's on the Monday at 14:00 UTC."""
    assert apply_by_due(date(2026, 3, 10), NEW_YORKER, EARLY) == new_york(2026, 3, 6, 10, 0)
    assert apply_by_due(date(2026, 3, 11), NEW_YORKER, EARLY) == new_york(2026, 3, 9, 10, 0)
    assert new_york(2026, 3, 6, 10, 0).utcoffset() != new_york(2026, 3, 9, 10, 0).utcoffset()


def test_a_call_time_inside_quiet_hours_waits_for_their_end():
    prefs = Preferences(call_time=time(7, 0))
    assert apply_by_due(date(2026, 3, 13), prefs, EARLY) == helsinki(2026, 3, 11, 8, 0)


def test_the_reminder_time_still_ahead_today_stands():
    """Deadline Thursday, now Tuesday 09:00: the reminder is at 10:00 today, as planned."""
    now = helsinki(2026, 3, 10, 9, 0)
    assert apply_by_due(date(2026, 3, 12), DEFAULTS, now) == helsinki(2026, 3, 10, 10, 0)


def test_with_less_than_two_business_days_left_the_reminder_is_due_now():
    """Deadline Thursday, saved on Wednesday at 14:05: due at once."""
    now = helsinki(2026, 3, 11, 14, 5)
    assert apply_by_due(date(2026, 3, 12), DEFAULTS, now) == now


def test_a_deadline_of_today_is_still_reminded_of():
    now = helsinki(2026, 3, 12, 15, 0)
    assert apply_by_due(date(2026, 3, 12), DEFAULTS, now) == now


def test_a_late_reminder_in_the_quiet_hours_waits_for_the_morning_on_any_day():
    """Saved on Friday at 23:00 with a Sunday deadline: Saturday 08:00, weekend or not."""
    now = helsinki(2026, 3, 13, 23, 0)
    assert apply_by_due(date(2026, 3, 15), DEFAULTS, now) == helsinki(2026, 3, 14, 8, 0)


def test_a_deadline_of_today_seen_in_the_evening_quiet_hours_gets_no_reminder():
    """The quiet hours would hold it until the deadline is over: nothing is due."""
    now = helsinki(2026, 3, 12, 22, 0)
    assert apply_by_due(date(2026, 3, 12), DEFAULTS, now) is None


def test_a_deadline_in_the_past_gets_no_reminder():
    now = helsinki(2026, 3, 13, 0, 5)
    assert apply_by_due(date(2026, 3, 12), DEFAULTS, now) is None
    assert apply_by_passed(date(2026, 3, 12), DEFAULTS, now)


def test_the_deadline_lasts_until_the_end_of_the_persons_own_day():
    """23:30 in New York is the next day in UTC; the deadline has not passed there."""
    now = new_york(2026, 3, 12, 23, 30)
    assert not apply_by_passed(date(2026, 3, 12), NEW_YORKER, now)
    assert apply_by_passed(date(2026, 3, 12), DEFAULTS, now)


def test_a_saved_application_with_a_deadline_wants_an_apply_by_reminder():
    wanted = wanted_followups(interviews=[], prefs=DEFAULTS, apply_by=date(2026, 3, 13), now=EARLY)
    assert [(w.kind, w.interview, w.due_at) for w in wanted] == [
        ("apply_by", None, helsinki(2026, 3, 11, 10, 0))
    ]


def test_the_preference_turns_the_apply_by_reminder_off():
    prefs = Preferences(apply_by_enabled=False)
    assert wanted_followups(interviews=[], prefs=prefs, apply_by=date(2026, 3, 13), now=EARLY) == []


def test_no_apply_by_reminder_without_a_deadline_or_once_it_has_passed():
    assert wanted_followups(interviews=[], prefs=DEFAULTS, apply_by=None, now=EARLY) == []
    late = helsinki(2026, 3, 14, 12, 0)
    assert (
        wanted_followups(interviews=[], prefs=DEFAULTS, apply_by=date(2026, 3, 13), now=late) == []
    )
