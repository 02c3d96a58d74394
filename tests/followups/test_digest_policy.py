"""When the morning digest may go: business days only, from the digest time, out of quiet hours,
in the person's time zone across daylight-saving changes."""

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from followups.policy import Preferences, day_end, digest_day, digest_moment

HELSINKI = ZoneInfo("Europe/Helsinki")
NEW_YORK = ZoneInfo("America/New_York")
DIGEST = Preferences(digest_enabled=True, digest_time=time(8, 0))
NEW_YORKER = Preferences(
    digest_enabled=True, digest_time=time(8, 0), time_zone="America/New_York", country="US"
)


def helsinki(*args: int) -> datetime:
    return datetime(*args, tzinfo=HELSINKI)


def new_york(*args: int) -> datetime:
    return datetime(*args, tzinfo=NEW_YORK)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def test_a_business_days_digest_goes_from_its_time_on():
    assert digest_day(helsinki(2026, 3, 10, 7, 59), DIGEST) is None
    assert digest_day(helsinki(2026, 3, 10, 8, 0), DIGEST) == date(2026, 3, 10)
    assert digest_day(helsinki(2026, 3, 10, 11, 0), DIGEST) == date(2026, 3, 10)


@pytest.mark.parametrize("day", [14, 15])
def test_there_is_no_digest_at_the_weekend(day):
    assert digest_day(helsinki(2026, 3, day, 9, 0), DIGEST) is None


@pytest.mark.parametrize(
    "moment",
    [
        helsinki(2027, 12, 6, 9, 0),  # Independence Day, a Monday
        helsinki(2026, 6, 19, 9, 0),  # Midsummer Eve, a Friday
        helsinki(2026, 12, 24, 9, 0),  # Christmas Eve, a Thursday
    ],
)
def test_there_is_no_digest_on_a_public_holiday(moment):
    assert digest_day(moment, DIGEST) is None


def test_the_public_holidays_are_the_persons_country():
    """6 December is a working day in New York."""
    assert digest_day(new_york(2027, 12, 6, 9, 0), NEW_YORKER) == date(2027, 12, 6)


def test_a_digest_time_inside_the_quiet_hours_waits_for_their_end():
    prefs = Preferences(digest_time=time(7, 0))
    assert digest_moment(date(2026, 3, 10), prefs) == helsinki(2026, 3, 10, 8, 0)
    assert digest_day(helsinki(2026, 3, 10, 7, 30), prefs) is None
    assert digest_day(helsinki(2026, 3, 10, 8, 0), prefs) == date(2026, 3, 10)


def test_a_late_evening_digest_time_in_the_quiet_hours_comes_that_morning():
    """22:00 inside quiet hours 21:00–08:00: the end of the quiet hours on the same day."""
    prefs = Preferences(digest_time=time(22, 0))
    assert digest_moment(date(2026, 3, 10), prefs) == helsinki(2026, 3, 10, 8, 0)


def test_quiet_hours_that_do_not_cross_midnight():
    prefs = Preferences(digest_time=time(12, 30), quiet_start=time(12, 0), quiet_end=time(13, 0))
    assert digest_moment(date(2026, 3, 10), prefs) == helsinki(2026, 3, 10, 13, 0)


def test_no_digest_goes_inside_the_evening_quiet_hours():
    """A worker back only at 22:30 sends no digest that day: it waits for the next one."""
    assert digest_day(helsinki(2026, 3, 10, 20, 59), DIGEST) == date(2026, 3, 10)
    assert digest_day(helsinki(2026, 3, 10, 22, 30), DIGEST) is None
    assert digest_day(helsinki(2026, 3, 11, 0, 30), DIGEST) is None


def test_the_day_is_the_persons_local_day():
    """06:30 UTC is 08:30 in Helsinki (winter), 02:30 in New York: the digest of one only."""
    moment = utc(2026, 3, 10, 6, 30)
    assert digest_day(moment, DIGEST) == date(2026, 3, 10)
    assert digest_day(moment, NEW_YORKER) is None


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        # Helsinki springs forward on Sunday 29 March 2026 and falls back on 25 October.
        (date(2026, 3, 27), utc(2026, 3, 27, 6, 0)),
        (date(2026, 3, 29), utc(2026, 3, 29, 5, 0)),
        (date(2026, 3, 30), utc(2026, 3, 30, 5, 0)),
        (date(2026, 10, 23), utc(2026, 10, 23, 5, 0)),
        (date(2026, 10, 25), utc(2026, 10, 25, 6, 0)),
        (date(2026, 10, 26), utc(2026, 10, 26, 6, 0)),
    ],
)
def test_the_digest_is_at_eight_local_across_helsinkis_clock_changes(day, expected):
    assert digest_moment(day, DIGEST) == expected
    assert expected.astimezone(HELSINKI).time() == time(8, 0)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        # New York springs forward on Sunday 8 March 2026 and falls back on 1 November.
        (date(2026, 3, 6), utc(2026, 3, 6, 13, 0)),
        (date(2026, 3, 8), utc(2026, 3, 8, 12, 0)),
        (date(2026, 3, 9), utc(2026, 3, 9, 12, 0)),
        (date(2026, 10, 30), utc(2026, 10, 30, 12, 0)),
        (date(2026, 11, 1), utc(2026, 11, 1, 13, 0)),
        (date(2026, 11, 2), utc(2026, 11, 2, 13, 0)),
    ],
)
def test_the_digest_is_at_eight_local_across_new_yorks_clock_changes(day, expected):
    assert digest_moment(day, NEW_YORKER) == expected


def test_the_monday_after_a_clock_change_goes_at_the_new_offset():
    """The Friday before Helsinki's spring change at 06:00 UTC, the Monday after at 05:00 UTC:
    05:00 UTC on the Friday is still before the digest, on the Monday it is the digest."""
    assert digest_day(utc(2026, 3, 27, 5, 0), DIGEST) is None
    assert digest_day(utc(2026, 3, 30, 4, 59), DIGEST) is None
    assert digest_day(utc(2026, 3, 30, 5, 0), DIGEST) == date(2026, 3, 30)


def test_a_digest_time_in_the_spring_forward_gap_moves_forward_by_the_gap():
    prefs = Preferences(
        time_zone="America/New_York",
        country="US",
        digest_time=time(2, 30),
        quiet_start=time(0),
        quiet_end=time(0),
    )
    assert digest_moment(date(2026, 3, 8), prefs) == new_york(2026, 3, 8, 3, 30)


def test_a_digest_time_in_the_repeated_autumn_hour_takes_its_first_occurrence():
    prefs = Preferences(
        time_zone="America/New_York",
        country="US",
        digest_time=time(1, 30),
        quiet_start=time(0),
        quiet_end=time(0),
    )
    assert digest_moment(date(2026, 11, 1), prefs) == utc(2026, 11, 1, 5, 30)


def test_the_day_ends_at_local_midnight():
    assert day_end(date(2026, 3, 10), DIGEST) == helsinki(2026, 3, 11, 0, 0)
    assert day_end(date(2026, 3, 28), DIGEST) == utc(2026, 3, 28, 22, 0)
    assert day_end(date(2026, 3, 29), DIGEST) == utc(2026, 3, 29, 21, 0)
