"""Where a snoozed reminder lands: a business day, at the call time, never in quiet hours."""

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from followups.policy import (
    SNOOZE_NEXT_BUSINESS_DAY,
    SNOOZE_TOMORROW,
    SNOOZE_WEEK,
    Preferences,
    held_until,
    snooze_due,
    snooze_release,
)

HELSINKI = ZoneInfo("Europe/Helsinki")
NEW_YORK = ZoneInfo("America/New_York")
FINN = Preferences()
NEW_YORKER = Preferences(time_zone="America/New_York", country="US")


def hel(*args: int) -> datetime:
    return datetime(*args, tzinfo=HELSINKI)


def snooze(choice: str, now: datetime, prefs: Preferences = FINN, due_at=None) -> datetime:
    return snooze_due(choice, due_at=due_at or now - timedelta(hours=1), now=now, prefs=prefs)


def test_a_snooze_at_night_comes_back_the_next_morning_at_the_call_time_not_24_hours_later():
    # Tuesday 22:09: back on Wednesday at 10:00, not at 22:09.
    assert snooze(SNOOZE_TOMORROW, hel(2026, 3, 10, 22, 9)) == hel(2026, 3, 11, 10, 0)
    assert snooze(SNOOZE_NEXT_BUSINESS_DAY, hel(2026, 3, 10, 22, 9)) == hel(2026, 3, 11, 10, 0)


@pytest.mark.parametrize("choice", [SNOOZE_TOMORROW, SNOOZE_NEXT_BUSINESS_DAY])
def test_a_friday_evening_snooze_lands_on_monday_not_saturday(choice):
    assert snooze(choice, hel(2026, 3, 13, 22, 9)) == hel(2026, 3, 16, 10, 0)


@pytest.mark.parametrize("choice", [SNOOZE_TOMORROW, SNOOZE_NEXT_BUSINESS_DAY])
def test_a_snooze_on_the_eve_of_easter_skips_good_friday_to_easter_monday(choice):
    # 2026: Good Friday 3 April, Easter Monday 6 April are Finnish public holidays.
    assert snooze(choice, hel(2026, 4, 2, 19, 0)) == hel(2026, 4, 7, 10, 0)


def test_in_a_week_lands_seven_days_later_or_on_the_next_business_day():
    assert snooze(SNOOZE_WEEK, hel(2026, 3, 11, 15, 0)) == hel(2026, 3, 18, 10, 0)
    # A week after Friday 1 May (Labour Day, itself a holiday) is Friday 8 May.
    assert snooze(SNOOZE_WEEK, hel(2026, 5, 1, 9, 0)) == hel(2026, 5, 8, 10, 0)
    # A week after Friday 27 March is Good Friday 3 April: on to Tuesday 7 April.
    assert snooze(SNOOZE_WEEK, hel(2026, 3, 27, 9, 0)) == hel(2026, 4, 7, 10, 0)


def test_a_call_time_inside_quiet_hours_lands_at_their_end():
    early = Preferences(call_time=time(7, 0))
    assert snooze(SNOOZE_TOMORROW, hel(2026, 3, 10, 12, 0), early) == hel(2026, 3, 11, 8, 0)


def test_a_snooze_across_the_spring_clock_change_keeps_the_wall_clock_hour():
    # Helsinki moves to summer time on Sunday 29 March 2026: Friday's snooze lands on Monday
    # at 10:00 summer time (07:00 UTC), not at 11:00.
    landed = snooze(SNOOZE_TOMORROW, hel(2026, 3, 27, 22, 9))
    assert landed == hel(2026, 3, 30, 10, 0)
    assert landed.astimezone(UTC) == datetime(2026, 3, 30, 7, 0, tzinfo=UTC)


def test_a_snooze_counts_from_the_due_day_when_that_is_still_ahead():
    # Due next Monday; "tomorrow" never brings it earlier: Tuesday.
    due = hel(2026, 3, 16, 10, 0)
    assert snooze(SNOOZE_TOMORROW, hel(2026, 3, 12, 9, 0), due_at=due) == hel(2026, 3, 17, 10, 0)


def test_a_snooze_follows_the_persons_zone_and_country():
    # Friday 3 July 2026 is the observed US Independence Day: Thursday evening's snooze in
    # New York lands on Monday 6 July at 10:00 New York time.
    now = datetime(2026, 7, 2, 21, 30, tzinfo=NEW_YORK)
    assert snooze(SNOOZE_TOMORROW, now, NEW_YORKER) == datetime(2026, 7, 6, 10, tzinfo=NEW_YORK)


def test_an_unknown_snooze_choice_is_refused():
    with pytest.raises(ValueError):
        snooze("fortnight", hel(2026, 3, 10, 12, 0))


def test_a_snooze_follows_quiet_hours_moved_later_and_a_country_with_other_holidays():
    landed = hel(2026, 3, 11, 8, 0)
    later = Preferences(quiet_end=time(9, 0))
    assert snooze_release(landed, later) == hel(2026, 3, 11, 9, 0)
    assert snooze_release(landed, FINN) == landed
    # A snooze that landed on Epiphany (6 January) under US holidays moves on when the
    # person's country becomes Finland, where it is a public holiday.
    epiphany = hel(2026, 1, 6, 10, 0)
    assert snooze_release(epiphany, Preferences(country="US")) == epiphany
    assert snooze_release(epiphany, FINN) == hel(2026, 1, 7, 10, 0)


def test_held_until_names_the_end_of_the_quiet_hours_only_when_they_held_the_reminder():
    assert held_until(hel(2026, 3, 11, 8, 0), "thank_you", FINN) == hel(2026, 3, 11, 8, 0)
    assert held_until(hel(2026, 3, 11, 8, 1), "thank_you", FINN) is None
    assert held_until(hel(2026, 3, 11, 10, 0), "call", FINN) is None
    # A call at its own hour, which is also where the quiet hours end, was not held.
    assert held_until(hel(2026, 3, 11, 8, 0), "call", Preferences(call_time=time(8, 0))) is None
    # No quiet hours, nothing held.
    none = Preferences(quiet_start=time(0, 0), quiet_end=time(0, 0))
    assert held_until(hel(2026, 3, 11, 0, 0), "thank_you", none) is None
