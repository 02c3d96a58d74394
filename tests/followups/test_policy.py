"""The timing rules: when thank-you notes, calls and feedback requests are due."""

from datetime import UTC, date, datetime, time, timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from followups.policy import (
    STALE_CALL_AFTER,
    STALE_FEEDBACK_AFTER,
    STALE_THANK_YOU_AFTER,
    THANK_YOU_MAX_DELAY,
    Preferences,
    add_business_days,
    call_due,
    feedback_due,
    is_business_day,
    is_overdue,
    is_stale,
    is_stale_call,
    next_business_day_on_or_after,
    out_of_quiet_hours,
    thank_you_due,
)

HELSINKI = ZoneInfo("Europe/Helsinki")
NEW_YORK = ZoneInfo("America/New_York")
DEFAULTS = Preferences()
NEW_YORKER = Preferences(time_zone="America/New_York", country="US")


def helsinki(*args: int) -> datetime:
    return datetime(*args, tzinfo=HELSINKI)


def new_york(*args: int) -> datetime:
    return datetime(*args, tzinfo=NEW_YORK)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


# --- Preferences ---------------------------------------------------------------------------------


def test_preferences_are_read_from_the_user_attributes():
    """from_user maps the user's preference fields, minutes included, onto Preferences."""
    user = SimpleNamespace(
        time_zone="America/New_York",
        country="US",
        thank_you_delay_minutes=90,
        call_delay_business_days=5,
        call_time=time(9, 30),
        quiet_hours_start=time(22, 0),
        quiet_hours_end=time(7, 0),
        thank_you_enabled=False,
        call_enabled=True,
        feedback_enabled=False,
    )

    assert Preferences.from_user(user) == Preferences(
        time_zone="America/New_York",
        country="US",
        thank_you_delay=timedelta(minutes=90),
        call_delay_business_days=5,
        call_time=time(9, 30),
        quiet_start=time(22, 0),
        quiet_end=time(7, 0),
        thank_you_enabled=False,
        call_enabled=True,
        feedback_enabled=False,
    )


def test_preferences_from_a_user_without_the_fields_are_the_defaults():
    """Missing or empty attributes fall back to the product defaults."""
    assert Preferences.from_user(SimpleNamespace(time_zone=None)) == DEFAULTS


# --- Business days -------------------------------------------------------------------------------


def test_weekends_are_not_business_days():
    """Saturday and Sunday are days off; Monday is a business day."""
    assert not is_business_day(date(2026, 3, 7), "FI")
    assert not is_business_day(date(2026, 3, 8), "FI")
    assert is_business_day(date(2026, 3, 9), "FI")


def test_finnish_public_holidays_are_not_business_days():
    """Good Friday, Easter Monday and Independence Day are days off in Finland."""
    assert not is_business_day(date(2026, 4, 3), "FI")
    assert not is_business_day(date(2026, 4, 6), "FI")
    assert not is_business_day(date(2027, 12, 6), "FI")


def test_holidays_follow_the_country_not_finland():
    """4 July is a day off in the US, a working day in Finland; 6 December the other way round."""
    assert not is_business_day(date(2025, 7, 4), "US")
    assert is_business_day(date(2025, 7, 4), "FI")
    assert is_business_day(date(2027, 12, 6), "US")


def test_country_code_is_case_insensitive():
    """A lower-case code finds the same holidays as the upper-case one."""
    assert not is_business_day(date(2026, 4, 3), "fi")


def test_weekend_follows_the_country():
    """In Israel the weekend is Friday and Saturday, so Sunday is a business day."""
    assert is_business_day(date(2026, 3, 1), "IL")
    assert not is_business_day(date(2026, 3, 6), "IL")


@pytest.mark.parametrize("country", ["XX", "", None])
def test_unknown_country_means_weekends_only(country):
    """A country the holidays package does not know skips weekends and nothing else."""
    assert is_business_day(date(2026, 4, 3), country)
    assert not is_business_day(date(2026, 4, 4), country)


def test_add_business_days_counts_days_after_the_start():
    """From Friday, the first business day is Monday and the third is Wednesday."""
    assert add_business_days(date(2026, 3, 6), 1, "FI") == date(2026, 3, 9)
    assert add_business_days(date(2026, 3, 6), 3, "FI") == date(2026, 3, 11)


def test_add_zero_business_days_is_the_next_business_day_on_or_after():
    """n < 1 never goes backwards: a business day stays, a Saturday becomes Monday."""
    assert add_business_days(date(2026, 3, 6), 0, "FI") == date(2026, 3, 6)
    assert add_business_days(date(2026, 3, 7), 0, "FI") == date(2026, 3, 9)


def test_next_business_day_on_or_after_skips_the_easter_weekend():
    """From Good Friday 2026 the next business day is Tuesday 7 April."""
    assert next_business_day_on_or_after(date(2026, 4, 3), "FI") == date(2026, 4, 7)
    assert next_business_day_on_or_after(date(2026, 4, 7), "FI") == date(2026, 4, 7)


# --- Quiet hours ---------------------------------------------------------------------------------


def test_moment_inside_quiet_hours_moves_to_their_end():
    """22:00 is inside 21:00-08:00, so the reminder waits until 08:00 the next morning."""
    moved = out_of_quiet_hours(helsinki(2026, 2, 10, 22, 0), DEFAULTS)

    assert moved == helsinki(2026, 2, 11, 8, 0)
    assert moved.tzinfo is UTC


def test_moment_after_midnight_inside_quiet_hours_moves_to_the_same_morning():
    """03:00 belongs to the quiet hours that started the evening before and end at 08:00."""
    assert out_of_quiet_hours(helsinki(2026, 2, 11, 3, 0), DEFAULTS) == helsinki(2026, 2, 11, 8)


def test_quiet_hours_start_is_inside_and_end_is_outside():
    """21:00 sharp is quiet; 08:00 sharp is not."""
    assert out_of_quiet_hours(helsinki(2026, 2, 10, 21), DEFAULTS) == helsinki(2026, 2, 11, 8)
    assert out_of_quiet_hours(helsinki(2026, 2, 11, 8), DEFAULTS) == helsinki(2026, 2, 11, 8)


def test_moment_outside_quiet_hours_is_only_converted_to_utc():
    """A daytime moment is unchanged, returned in UTC."""
    moved = out_of_quiet_hours(helsinki(2026, 2, 10, 12, 34), DEFAULTS)

    assert moved == utc(2026, 2, 10, 10, 34)
    assert moved.tzinfo is UTC


def test_quiet_hours_not_wrapping_midnight():
    """With quiet hours 13:00-14:00, 13:30 moves to 14:00 and 20:00 is left alone."""
    lunch = Preferences(quiet_start=time(13, 0), quiet_end=time(14, 0))

    assert out_of_quiet_hours(helsinki(2026, 2, 10, 13, 30), lunch) == helsinki(2026, 2, 10, 14)
    assert out_of_quiet_hours(helsinki(2026, 2, 10, 20, 0), lunch) == helsinki(2026, 2, 10, 20)


def test_quiet_hours_with_equal_start_and_end_are_off():
    """Start == end means no quiet hours at all, even at the shared boundary."""
    never_quiet = Preferences(quiet_start=time(21, 0), quiet_end=time(21, 0))

    assert out_of_quiet_hours(helsinki(2026, 2, 10, 21), never_quiet) == helsinki(2026, 2, 10, 21)
    assert out_of_quiet_hours(helsinki(2026, 2, 10, 3), never_quiet) == helsinki(2026, 2, 10, 3)


def test_quiet_hours_are_local_to_the_users_time_zone():
    """03:00 UTC is 22:00 in New York: quiet there, so it waits until 08:00 New York time."""
    assert out_of_quiet_hours(utc(2026, 2, 11, 3), NEW_YORKER) == new_york(2026, 2, 11, 8)


def test_quiet_hours_ending_in_the_repeated_autumn_hour_never_move_backwards():
    """In the second pass of 03:00-04:00 on 25 Oct 2026, a 03:30 quiet end is the later 03:30."""
    prefs = Preferences(quiet_start=time(1, 0), quiet_end=time(3, 30))
    second_pass_0310 = utc(2026, 10, 25, 1, 10)  # 03:10 EET, after the clocks went back

    moved = out_of_quiet_hours(second_pass_0310, prefs)

    assert moved == utc(2026, 10, 25, 1, 30)  # 03:30 EET


def test_naive_datetimes_are_refused():
    """A naive datetime would be read as server time, so it is an error."""
    with pytest.raises(ValueError, match="timezone-aware"):
        out_of_quiet_hours(datetime(2026, 2, 10, 12), DEFAULTS)


# --- Thank-you -----------------------------------------------------------------------------------


def test_thank_you_is_due_two_hours_after_the_interview_ends():
    """Defaults: an interview ending 11:00 gives a thank-you at 13:00, in UTC."""
    due = thank_you_due(helsinki(2026, 2, 10, 11, 0), DEFAULTS)

    assert due == utc(2026, 2, 10, 11, 0)
    assert due.tzinfo is UTC


def test_thank_you_landing_at_22_waits_until_08_next_morning():
    """An interview ending at 20:00 would remind at 22:00, inside quiet hours: 08:00 next day."""
    assert thank_you_due(helsinki(2026, 2, 10, 20), DEFAULTS) == helsinki(2026, 2, 11, 8)


def test_thank_you_ignores_weekends_and_holidays():
    """A thank-you after a Friday interview on Good Friday is still due the same afternoon."""
    assert thank_you_due(helsinki(2026, 4, 3, 11), DEFAULTS) == helsinki(2026, 4, 3, 13)


def test_thank_you_delay_is_capped_at_24_hours():
    """A 30-hour delay is treated as 24 hours: exactly one day after the interview ends."""
    prefs = Preferences(thank_you_delay=timedelta(hours=30))
    end = helsinki(2026, 2, 10, 10)

    assert thank_you_due(end, prefs) == end + THANK_YOU_MAX_DELAY


def test_thank_you_comes_before_quiet_hours_when_waiting_would_pass_24_hours():
    """End 03:00 + 20 h = 23:00 (quiet until 08:00, 29 h later), so 20:59 the same day instead."""
    prefs = Preferences(thank_you_delay=timedelta(hours=20))

    assert thank_you_due(helsinki(2026, 2, 10, 3), prefs) == helsinki(2026, 2, 10, 20, 59)


def test_thank_you_keeps_its_delay_when_quiet_hours_cover_the_whole_next_day():
    """Quiet 20:00-19:30 on the night the clocks go back lasts 24.5 h; the delayed time stands.

    The interview ends at 20:00 as the quiet hours begin, so there is no earlier quiet-free
    moment after it, and the end of the quiet hours would break the 24-hour promise.
    """
    prefs = Preferences(quiet_start=time(20, 0), quiet_end=time(19, 30))

    due = thank_you_due(helsinki(2026, 10, 24, 20), prefs)

    assert due == helsinki(2026, 10, 24, 22)


def test_thank_you_across_the_spring_forward_night():
    """Ending 23:00 on 28 Mar 2026, the reminder waits for 08:00 EEST: 05:00 UTC, 8 h later."""
    end = helsinki(2026, 3, 28, 23)

    due = thank_you_due(end, DEFAULTS)

    assert due == utc(2026, 3, 29, 5)
    assert due - end == timedelta(hours=8)


# --- Call ----------------------------------------------------------------------------------------


def test_call_is_due_three_business_days_later_at_ten():
    """Interview Monday 2 Feb 2026 -> call Thursday 5 Feb 10:00 Helsinki (08:00 UTC in winter)."""
    due = call_due(helsinki(2026, 2, 2, 14), DEFAULTS)

    assert due == utc(2026, 2, 5, 8)
    assert due.tzinfo is UTC


def test_call_after_a_friday_interview_skips_the_weekend():
    """Interview Friday 6 Mar 2026: Mon, Tue, Wed -> call Wednesday 11 Mar 10:00 Helsinki."""
    assert call_due(helsinki(2026, 3, 6, 14), DEFAULTS) == helsinki(2026, 3, 11, 10)


def test_call_skips_good_friday_and_easter_monday():
    """Interview Thursday 2 Apr 2026: Fri 3.4. and Mon 6.4. are holidays, the weekend is off,
    so the business days are Tue 7, Wed 8 and Thu 9 -> call Thursday 9 April, 10:00 EEST."""
    due = call_due(helsinki(2026, 4, 2, 14), DEFAULTS)

    assert due == utc(2026, 4, 9, 7)
    assert due.astimezone(HELSINKI).utcoffset() == timedelta(hours=3)


def test_call_counts_from_the_local_date_of_the_interview():
    """23:30 UTC on Thu 26 Feb is 01:30 Friday in Helsinki, so counting starts from Friday."""
    assert call_due(utc(2026, 2, 26, 23, 30), DEFAULTS) == helsinki(2026, 3, 4, 10)


def test_call_across_spring_forward_in_helsinki_keeps_ten_local():
    """Interview Thu 26 Mar (EET); call Tue 31 Mar after the 29 Mar change: 10:00 EEST = 07 UTC."""
    due = call_due(helsinki(2026, 3, 26, 14), DEFAULTS)

    assert due == utc(2026, 3, 31, 7)


def test_call_across_fall_back_in_helsinki_keeps_ten_local():
    """Interview Thu 22 Oct (EEST); call Tue 27 Oct after the 25 Oct change: 10:00 EET = 08 UTC."""
    due = call_due(helsinki(2026, 10, 22, 14), DEFAULTS)

    assert due == utc(2026, 10, 27, 8)


def test_call_across_spring_forward_in_new_york_keeps_ten_local():
    """Interview Thu 5 Mar (EST); call Tue 10 Mar after the 8 Mar change: 10:00 EDT = 14 UTC."""
    assert call_due(new_york(2026, 3, 5, 14), NEW_YORKER) == utc(2026, 3, 10, 14)


def test_call_across_fall_back_in_new_york_keeps_ten_local():
    """Interview Thu 29 Oct (EDT); call Tue 3 Nov after the 1 Nov change: 10:00 EST = 15 UTC."""
    assert call_due(new_york(2026, 10, 29, 14), NEW_YORKER) == utc(2026, 11, 3, 15)


def test_call_skips_us_independence_day_for_a_us_user():
    """Interview Tue 1 Jul 2025: Wed 2, Thu 3, (Fri 4 July off), Mon 7 -> Monday 10:00 EDT."""
    assert call_due(new_york(2025, 7, 1, 14), NEW_YORKER) == utc(2025, 7, 7, 14)


def test_call_does_not_skip_finnish_independence_day_for_a_us_user():
    """Interview Wed 1 Dec 2027: for "US" Mon 6 Dec counts; for "FI" it is skipped."""
    us_user = Preferences(country="US")

    assert call_due(helsinki(2027, 12, 1, 14), us_user) == helsinki(2027, 12, 6, 10)
    assert call_due(helsinki(2027, 12, 1, 14), DEFAULTS) == helsinki(2027, 12, 7, 10)


def test_call_waits_until_after_a_later_decision_date():
    """Default call Thu 5 Mar; decision Fri 6 Mar -> the first business day after, Mon 9 Mar."""
    due = call_due(helsinki(2026, 3, 2, 14), DEFAULTS, decision_date=date(2026, 3, 6))

    assert due == helsinki(2026, 3, 9, 10)


def test_call_ignores_an_earlier_decision_date():
    """A decision date before the default call day changes nothing."""
    due = call_due(helsinki(2026, 3, 2, 14), DEFAULTS, decision_date=date(2026, 3, 3))

    assert due == helsinki(2026, 3, 5, 10)


def test_call_time_inside_quiet_hours_moves_to_their_end():
    """A 07:00 call time inside 21:00-08:00 becomes 08:00 on the same business day."""
    prefs = Preferences(call_time=time(7, 0))

    assert call_due(helsinki(2026, 3, 2, 14), prefs) == helsinki(2026, 3, 5, 8)


def test_call_pushed_by_quiet_hours_onto_a_weekend_moves_to_monday():
    """Call day Fri 6 Mar at 22:00 is quiet until Saturday 08:00, so Monday 08:00 instead."""
    prefs = Preferences(call_time=time(22, 0))

    assert call_due(helsinki(2026, 3, 3, 14), prefs) == helsinki(2026, 3, 9, 8)


def test_call_for_an_unknown_country_skips_only_weekends():
    """Interview Thu 2 Apr 2026 with country "XX": Fri 3, Mon 6, Tue 7 -> Tuesday 10:00."""
    assert call_due(helsinki(2026, 4, 2, 14), Preferences(country="XX")) == helsinki(2026, 4, 7, 10)


@pytest.mark.parametrize("zone", ["Mars/Olympus_Mons", "", "Europe", "../etc/passwd"])
def test_invalid_time_zone_falls_back_to_helsinki(zone):
    """A zone name zoneinfo cannot load is treated as Europe/Helsinki."""
    assert call_due(helsinki(2026, 3, 6, 14), Preferences(time_zone=zone)) == helsinki(
        2026, 3, 11, 10
    )


# --- Feedback ------------------------------------------------------------------------------------


def test_feedback_is_requested_the_next_business_day_at_ten():
    """Outcome recorded Friday 6 Mar 15:00 -> feedback request Monday 9 Mar 10:00 Helsinki."""
    assert feedback_due(helsinki(2026, 3, 6, 15), DEFAULTS) == helsinki(2026, 3, 9, 10)


def test_feedback_counts_from_the_local_date_of_the_outcome():
    """00:30 UTC on Wed 4 Mar is already Wednesday 02:30 in Helsinki, so Thursday 10:00."""
    assert feedback_due(utc(2026, 3, 4, 0, 30), DEFAULTS) == helsinki(2026, 3, 5, 10)


def test_feedback_time_follows_quiet_hours():
    """A 07:30 call time is quiet until 08:00, so the request is due at 08:00."""
    prefs = Preferences(call_time=time(7, 30))

    assert feedback_due(helsinki(2026, 3, 6, 15), prefs) == helsinki(2026, 3, 9, 8)


# --- Lateness ------------------------------------------------------------------------------------


def test_thank_you_more_than_three_days_overdue_is_stale():
    """Three days late is still worth sending; a minute more is not."""
    due = utc(2026, 3, 2, 12)

    assert not is_stale("thank_you", due, due + STALE_THANK_YOU_AFTER)
    assert is_stale("thank_you", due, due + STALE_THANK_YOU_AFTER + timedelta(minutes=1))


def test_a_call_never_goes_stale_at_send_time():
    """After downtime a late call reminder is still worth sending."""
    due = utc(2026, 3, 2, 12)

    assert not is_stale("call", due, due + timedelta(days=30))


def test_a_call_more_than_two_weeks_late_is_too_late_to_schedule():
    due = utc(2026, 3, 2, 12)

    assert not is_stale_call(due, due + STALE_CALL_AFTER)
    assert is_stale_call(due, due + STALE_CALL_AFTER + timedelta(minutes=1))


def test_a_feedback_request_more_than_two_weeks_overdue_is_stale():
    """Asking for feedback about an outcome weeks old only puzzles the employer."""
    due = utc(2026, 3, 2, 12)

    assert not is_stale("feedback", due, due + STALE_FEEDBACK_AFTER)
    assert is_stale("feedback", due, due + STALE_FEEDBACK_AFTER + timedelta(minutes=1))


def test_unknown_kind_is_an_error():
    """A misspelled kind fails loudly rather than never going stale."""
    with pytest.raises(ValueError, match="unknown follow-up kind"):
        is_stale("thankyou", utc(2026, 3, 2), utc(2026, 3, 9))


def test_overdue_means_later_than_the_grace_period():
    """Exactly `grace` late is not overdue; a second more is."""
    due, grace = utc(2026, 3, 2, 12), timedelta(minutes=15)

    assert not is_overdue(due, due + grace, grace)
    assert is_overdue(due, due + grace + timedelta(seconds=1), grace)
    assert not is_overdue(due, due - timedelta(hours=1), grace)


def test_overdue_compares_instants_not_wall_clocks():
    """12:00 UTC and 14:00 Helsinki (winter) are the same instant: not overdue."""
    assert not is_overdue(utc(2026, 2, 2, 12), helsinki(2026, 2, 2, 14), timedelta(0))


# --- Properties ----------------------------------------------------------------------------------

ZONES = [
    "Europe/Helsinki",
    "America/New_York",
    "UTC",
    "Asia/Kolkata",
    "Australia/Sydney",
    "Pacific/Auckland",
]

interview_ends = st.datetimes(
    min_value=datetime(2024, 1, 1),
    max_value=datetime(2030, 12, 31),
    timezones=st.sampled_from([ZoneInfo(zone) for zone in [*ZONES, "Asia/Tokyo"]]),
    allow_imaginary=False,
)
# The first call per country and year builds its holiday table: too slow for a deadline.
property_settings = settings(max_examples=300, deadline=None)
minute_times = st.builds(time, st.integers(0, 23), st.integers(0, 59))
preferences = st.builds(
    Preferences,
    time_zone=st.sampled_from(ZONES),
    country=st.sampled_from(["FI", "US", "GB", "SE", "DE", "IL", "XX"]),
    thank_you_delay=st.integers(0, 48 * 60).map(lambda minutes: timedelta(minutes=minutes)),
    call_delay_business_days=st.integers(1, 10),
    call_time=minute_times,
    quiet_start=minute_times,
    quiet_end=minute_times,
)


def in_quiet_hours(moment: datetime, prefs: Preferences) -> bool:
    clock = moment.astimezone(ZoneInfo(prefs.time_zone)).time()
    start, end = prefs.quiet_start, prefs.quiet_end
    if start <= end:
        return start <= clock < end
    return clock >= start or clock < end


@property_settings
@given(interview_ends, preferences)
def test_thank_you_is_always_within_24_hours_after_the_interview(end, prefs):
    """For any interview end and preferences, end <= thank-you <= end + 24 h (strictly after
    the end whenever there is a delay)."""
    due = thank_you_due(end, prefs)
    # Aware arithmetic in a local zone is wall-clock arithmetic; 24 real hours need UTC.
    end = end.astimezone(UTC)

    assert end <= due <= end + THANK_YOU_MAX_DELAY
    assert due.tzinfo is UTC
    if prefs.thank_you_delay:
        assert due > end


@property_settings
@given(interview_ends, preferences, st.none() | st.dates(date(2024, 1, 1), date(2030, 12, 31)))
def test_call_is_on_a_business_day_outside_quiet_hours(end, prefs, decision_date):
    """For any interview and preferences, the call falls on a later business day, in daytime."""
    due = call_due(end, prefs, decision_date)
    local = due.astimezone(ZoneInfo(prefs.time_zone))

    assert is_business_day(local.date(), prefs.country)
    assert not in_quiet_hours(due, prefs)
    assert local.date() > end.astimezone(ZoneInfo(prefs.time_zone)).date()
    if decision_date is not None:
        assert local.date() > decision_date
    assert due.tzinfo is UTC


@property_settings
@given(interview_ends, preferences)
def test_feedback_request_comes_after_the_outcome(recorded_at, prefs):
    """For any outcome time and preferences, feedback is due later, on a business day."""
    due = feedback_due(recorded_at, prefs)

    assert due > recorded_at
    assert is_business_day(due.astimezone(ZoneInfo(prefs.time_zone)).date(), prefs.country)
    assert not in_quiet_hours(due, prefs)
