"""When each follow-up is due: the timing rules of Seuranta as pure functions.

Interview times and preferences go in, UTC datetimes come out. Nothing here reads the database
or the clock; callers pass `now` where it matters, so every rule can be tested with plain values.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays

DEFAULT_TIME_ZONE = "Europe/Helsinki"
THANK_YOU_MAX_DELAY = timedelta(hours=24)
# "Give the interviewer time to answer: no nudge about the same request for at least 7 days"
# (design.md) needs no delay of its own: a reminder is sent once and never repeated, and each
# application has at most one feedback request (a database constraint), so Seuranta never nudges
# twice about the same request at all. Only the user's own Snooze brings a reminder back.
# A thank-you note sent days later reads as an afterthought; such a reminder is skipped instead.
STALE_THANK_YOU_AFTER = timedelta(days=3)
# The seed says to call a few days to a week after the interview. A call reminder that would
# already be two weeks late when it is scheduled (an interview logged long after the fact) is of
# no use; it is recorded as skipped. The dispatcher never skips a call: after downtime a late
# call reminder is still worth sending.
STALE_CALL_AFTER = timedelta(days=14)
# Asking for feedback weeks after the outcome (an old rejection imported or logged late) only
# puzzles the employer: such a request is skipped, whether it is scheduled or dispatched late.
STALE_FEEDBACK_AFTER = timedelta(days=14)
KINDS = frozenset({"thank_you", "call", "feedback", "check_in", "obligation", "apply_by"})
# An application not yet sent is reminded of its deadline this many business days before it.
APPLY_BY_LEAD_BUSINESS_DAYS = 2

_SATURDAY_AND_SUNDAY = frozenset({5, 6})


@dataclass(frozen=True)
class Preferences:
    time_zone: str = DEFAULT_TIME_ZONE
    country: str = "FI"
    thank_you_delay: timedelta = timedelta(hours=2)
    call_delay_business_days: int = 3
    call_time: time = time(10, 0)
    quiet_start: time = time(21, 0)
    quiet_end: time = time(8, 0)
    thank_you_enabled: bool = True
    call_enabled: bool = True
    feedback_enabled: bool = True
    # The job-search obligation (followups.obligation.Rule holds the period arithmetic).
    applications_required: int = 0
    review_period_months: int = 1
    review_period_start: date | None = None
    obligation_reminder_days: int = 5
    apply_by_enabled: bool = True
    # The morning digest (followups.digest): one email a day instead of each reminder.
    digest_enabled: bool = False
    digest_time: time = time(8, 0)

    @classmethod
    def from_user(cls, user: Any) -> Preferences:
        """Preferences from any object with the user's preference fields; missing ones default."""
        values = {}
        for attr, (name, convert) in USER_FIELDS.items():
            value = getattr(user, attr, None)
            if value is not None:
                values[name] = convert(value)
        return cls(**values)


def _same(value: Any) -> Any:
    return value


def _minutes(value: int) -> timedelta:
    return timedelta(minutes=value)


# The user's preference attributes that decide when follow-ups are due, each with the
# Preferences field it fills and how. Declared once: the preferences form, the JSON export and
# the rule "a timing preference changed, so reschedule" all read this.
USER_FIELDS: dict[str, tuple[str, Any]] = {
    "time_zone": ("time_zone", _same),
    "country": ("country", _same),
    "thank_you_enabled": ("thank_you_enabled", _same),
    "thank_you_delay_minutes": ("thank_you_delay", _minutes),
    "call_enabled": ("call_enabled", _same),
    "call_delay_business_days": ("call_delay_business_days", _same),
    "call_time": ("call_time", _same),
    "feedback_enabled": ("feedback_enabled", _same),
    "apply_by_enabled": ("apply_by_enabled", _same),
    "quiet_hours_start": ("quiet_start", _same),
    "quiet_hours_end": ("quiet_end", _same),
    "applications_required": ("applications_required", _same),
    "review_period_months": ("review_period_months", _same),
    "review_period_start": ("review_period_start", _same),
    "obligation_reminder_days": ("obligation_reminder_days", _same),
    "digest_enabled": ("digest_enabled", _same),
    "digest_time": ("digest_time", _same),
}
# The digest decides how reminders reach the person, not when anything is due: changing it
# reschedules nothing.
TIMING_FIELDS = frozenset(USER_FIELDS) - {"digest_enabled", "digest_time"}


# --- Business days -------------------------------------------------------------------------------


@lru_cache(maxsize=512)
def _calendar(country: str, year: int) -> tuple[frozenset[date], frozenset[int]]:
    """(public holidays, weekend weekdays) of a country for one year."""
    try:
        table = holidays.country_holidays(country, years=year)
    except NotImplementedError:
        # A country the holidays package does not know must not stop reminders: weekends only.
        return frozenset(), _SATURDAY_AND_SUNDAY
    # The weekend is the country's own (Friday and Saturday in Israel, for one).
    return frozenset(table), frozenset(getattr(table, "weekend", _SATURDAY_AND_SUNDAY))


def is_business_day(day: date, country: str) -> bool:
    days_off, weekend = _calendar((country or "").strip().upper(), day.year)
    return day.weekday() not in weekend and day not in days_off


def next_business_day_on_or_after(day: date, country: str) -> date:
    while not is_business_day(day, country):
        day += timedelta(days=1)
    return day


def add_business_days(day: date, n: int, country: str) -> date:
    """The n-th business day after `day`; for n < 1, the first business day on or after it."""
    if n < 1:
        return next_business_day_on_or_after(day, country)
    remaining = n
    while remaining:
        day += timedelta(days=1)
        if is_business_day(day, country):
            remaining -= 1
    return day


# --- Time zones and quiet hours ------------------------------------------------------------------


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, TypeError, OSError):
        # A stale or mistyped zone name must not stop reminders; fall back to the product default.
        return ZoneInfo(DEFAULT_TIME_ZONE)


def _utc(moment: datetime) -> datetime:
    # A naive datetime would silently be read as the server's local time; refuse it instead.
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"expected a timezone-aware datetime, got {moment!r}")
    return moment.astimezone(UTC)


def _local(day: date, wall: time, tz: ZoneInfo, fold: int = 0) -> datetime:
    """The UTC instant of a wall-clock time on a local date.

    An ambiguous time (the repeated autumn hour) takes its first occurrence (fold=0). A time in
    the spring-forward gap does not exist; with fold=0 it is read with the offset in force before
    the change, so the UTC round trip moves it forward by the length of the gap (02:30 becomes
    03:30 in New York), the same choice java.time makes.
    """
    naive = wall.replace(tzinfo=None, fold=fold)
    return datetime.combine(day, naive, tzinfo=tz).astimezone(UTC)


def _quiet_period(local: datetime, prefs: Preferences) -> tuple[date, date] | None:
    """The local (start date, end date) of the quiet hours containing `local`, or None."""
    start, end, clock, today = prefs.quiet_start, prefs.quiet_end, local.time(), local.date()
    if start == end:
        return None
    if start < end:
        return (today, today) if start <= clock < end else None
    if clock >= start:
        return today, today + timedelta(days=1)
    if clock < end:
        return today - timedelta(days=1), today
    return None


def out_of_quiet_hours(moment: datetime, prefs: Preferences) -> datetime:
    """`moment` in UTC, moved to the end of the quiet hours if it falls inside them."""
    moment = _utc(moment)
    tz = _zone(prefs.time_zone)
    period = _quiet_period(moment.astimezone(tz), prefs)
    if period is None:
        return moment
    end = _local(period[1], prefs.quiet_end, tz)
    if end <= moment:
        # The quiet hours end inside the repeated autumn hour and `moment` is in its second
        # pass: the first occurrence is already behind it, the second one is the real end.
        end = _local(period[1], prefs.quiet_end, tz, fold=1)
    return end


# --- Due times -----------------------------------------------------------------------------------


def thank_you_due(interview_end: datetime, prefs: Preferences) -> datetime:
    """Interview end + the delay (capped at 24 h), out of quiet hours, always within 24 h.

    Any day will do: a thank-you note is not a business-day matter.
    """
    end = _utc(interview_end)
    latest = end + THANK_YOU_MAX_DELAY
    due = end + min(max(prefs.thank_you_delay, timedelta(0)), THANK_YOU_MAX_DELAY)
    moved = out_of_quiet_hours(due, prefs)
    if moved <= latest:
        return moved
    # Waiting for the quiet hours to end would break the 24-hour promise, so the reminder comes
    # one minute before they begin instead: an evening nudge beats a note that arrives late.
    tz = _zone(prefs.time_zone)
    period = _quiet_period(due.astimezone(tz), prefs)
    assert period is not None  # only a moment inside quiet hours gets moved
    before_quiet = _local(period[0], prefs.quiet_start, tz) - timedelta(minutes=1)
    if before_quiet > end:
        return before_quiet
    # The quiet hours cover (nearly) the whole day after the interview, leaving no quiet-free
    # moment after it: the 24-hour promise wins and the plain delayed time stands.
    return due


def _business_moment(day: date, prefs: Preferences) -> datetime:
    """`call_time` on `day`, out of quiet hours, still on a business day."""
    tz = _zone(prefs.time_zone)
    moment = out_of_quiet_hours(_local(day, prefs.call_time, tz), prefs)
    local = moment.astimezone(tz)
    if is_business_day(local.date(), prefs.country):
        return moment
    # Quiet hours pushed the moment past midnight onto a weekend or holiday. Keep it simple:
    # same wall-clock time (the end of the quiet hours) on the next business day.
    return _local(next_business_day_on_or_after(local.date(), prefs.country), local.time(), tz)


def call_due(
    interview_end: datetime, prefs: Preferences, decision_date: date | None = None
) -> datetime:
    """`call_delay_business_days` business days after the interview day, at `call_time` local.

    When the employer named a decision date, the call waits for the first business day after it:
    calling before they have decided only looks impatient.
    """
    tz = _zone(prefs.time_zone)
    # Count from the date the user lived the interview on, not from the UTC date.
    interview_day = _utc(interview_end).astimezone(tz).date()
    day = add_business_days(interview_day, prefs.call_delay_business_days, prefs.country)
    if decision_date is not None:
        day = max(day, add_business_days(decision_date, 1, prefs.country))
    return _business_moment(day, prefs)


def feedback_due(outcome_recorded_at: datetime, prefs: Preferences) -> datetime:
    """The next business day after the outcome was recorded (local date), at `call_time` local."""
    tz = _zone(prefs.time_zone)
    recorded_day = _utc(outcome_recorded_at).astimezone(tz).date()
    return _business_moment(add_business_days(recorded_day, 1, prefs.country), prefs)


def check_in_due(now: datetime, prefs: Preferences) -> datetime:
    """When the reminder to check on an application gone quiet comes, asked for at `now`.

    At the person's call time on a business day: today if today is one and that hour is still
    ahead, else the next business day (a Friday evening's "Follow up" comes on Monday, the eve
    of a holiday's after it), then out of quiet hours, still on a business day. The person
    chose to follow up, so it comes at the hour they set for acting on follow-ups, not at once.
    """
    tz = _zone(prefs.time_zone)
    now = _utc(now)
    day = next_business_day_on_or_after(now.astimezone(tz).date(), prefs.country)
    due = _business_moment(day, prefs)
    if due < now:
        due = _business_moment(add_business_days(day, 1, prefs.country), prefs)
    return due


def gone_quiet_before(today: date, quiet_after_days: int) -> date:
    """An application applied for on or before this date and still unanswered has gone quiet.

    `quiet_after_days` full days: with 14, one sent on the 1st has gone quiet on the 15th.
    """
    return today - timedelta(days=max(quiet_after_days, 1))


def subtract_business_days(day: date, n: int, country: str) -> date:
    """The n-th business day counting back from `day`, `day` itself the first if it is one.

    With n = 5 and a period ending on Wednesday 31 December in Finland: 31, 30, 29, then 23 and
    22 December (24 to 26 are public holidays, 27 and 28 a weekend), so Monday the 22nd.
    """
    remaining = max(n, 1)
    while True:
        if is_business_day(day, country):
            remaining -= 1
            if not remaining:
                return day
        day -= timedelta(days=1)


def obligation_due(period_last: date, prefs: Preferences, now: datetime) -> datetime | None:
    """When the reminder about a short review period is due; None once the period is over.

    `obligation_reminder_days` business days before the period's last day (that day counted,
    so "5 business days left" includes the last one), at `call_time`, out of quiet hours, on a
    business day. A period already past that day (a target set late in the month) is due now,
    out of quiet hours: there is still time to act, and less of it every day.
    """
    tz = _zone(prefs.time_zone)
    today = _utc(now).astimezone(tz).date()
    if today > period_last:
        return None
    day = subtract_business_days(period_last, prefs.obligation_reminder_days, prefs.country)
    due = _business_moment(day, prefs)
    if due >= _utc(now):
        return due
    return out_of_quiet_hours(now, prefs)


def _business_days_before(day: date, n: int, country: str) -> date:
    """The n-th business day before `day` (`day` itself not counted, whatever it is)."""
    for _ in range(max(n, 1)):
        day -= timedelta(days=1)
        while not is_business_day(day, country):
            day -= timedelta(days=1)
    return day


def apply_by_due(deadline: date, prefs: Preferences, now: datetime) -> datetime | None:
    """When the reminder to apply before a posting's deadline is due; None once it is too late.

    APPLY_BY_LEAD_BUSINESS_DAYS business days before the deadline, the deadline itself not
    counted (a Friday deadline is reminded of on Wednesday, a Monday one on the Thursday
    before, Midsummer Eve and the weekend skipped), at `call_time`, out of quiet hours, on a
    business day: the hour the person set for acting on follow-ups. The deadline is a date in
    the person's calendar and lasts until the end of that local day.

    With less than that left (a posting saved the day before it closes), the reminder is due
    now, out of quiet hours, on any day: a deadline does not wait for a business day, and
    there is still time to apply. The sync then leaves it where it is once it is due
    (followups.services), rather than moving it on by a minute with every save.

    None when the deadline has passed, or when the end of the quiet hours would already be
    past it (a deadline of today, seen at 23:00): the reminder would only tell the person what
    they can no longer do.
    """
    tz = _zone(prefs.time_zone)
    now = _utc(now)
    if now.astimezone(tz).date() > deadline:
        return None
    day = _business_days_before(deadline, APPLY_BY_LEAD_BUSINESS_DAYS, prefs.country)
    due = _business_moment(day, prefs)
    if due >= now:
        return due
    due = out_of_quiet_hours(now, prefs)
    return due if due.astimezone(tz).date() <= deadline else None


def apply_by_passed(deadline: date, prefs: Preferences, now: datetime) -> bool:
    """Whether the deadline's local day is over (the dispatcher skips such a reminder)."""
    return _utc(now).astimezone(_zone(prefs.time_zone)).date() > deadline


# --- The morning digest --------------------------------------------------------------------------


def digest_moment(day: date, prefs: Preferences) -> datetime:
    """When the digest of the local date `day` may go: at `digest_time` that day.

    A digest time inside the quiet hours is read as the end of the quiet hours on the morning
    of that day: with quiet hours 21:00–08:00, a digest set for 07:00 (or for 22:00) comes at
    08:00 the same day. The same day, rather than the end of the quiet period a late evening
    time falls in (the next morning): a digest belongs to its own business day, and the next
    morning may be a Saturday. A time that does not exist that day (the spring-forward gap) is
    moved forward by the gap, as everywhere here (_local).
    """
    tz = _zone(prefs.time_zone)
    moment = _local(day, prefs.digest_time, tz)
    if _quiet_period(moment.astimezone(tz), prefs) is None:
        return moment
    return _local(day, prefs.quiet_end, tz)


def digest_day(now: datetime, prefs: Preferences) -> date | None:
    """The local date whose digest is to go at `now`, or None when no digest may go now.

    Only on a business day (weekends and the country's public holidays have none), from its
    digest_moment on, and outside quiet hours. A digest missed because no worker ran at its
    hour goes once one runs again the same day, out of quiet hours; a day whose digest did not
    go by the evening's quiet hours has none. Whatever it would have listed is still due or
    overdue, so the next business day's digest lists it: after any number of missed days
    there is one digest, never one per missed day.
    """
    tz = _zone(prefs.time_zone)
    now = _utc(now)
    local = now.astimezone(tz)
    day = local.date()
    if not is_business_day(day, prefs.country) or now < digest_moment(day, prefs):
        return None
    if _quiet_period(local, prefs) is not None:
        return None
    return day


def day_end(day: date, prefs: Preferences) -> datetime:
    """The UTC instant the person's local day `day` ends (midnight after it, local)."""
    return _local(day + timedelta(days=1), time(0), _zone(prefs.time_zone))


# --- Snooze --------------------------------------------------------------------------------------

# What a person may ask for when they snooze a reminder, in the order the page offers them.
SNOOZE_TOMORROW = "tomorrow"
SNOOZE_NEXT_BUSINESS_DAY = "next_business_day"
SNOOZE_WEEK = "week"
SNOOZE_CHOICES = (SNOOZE_TOMORROW, SNOOZE_NEXT_BUSINESS_DAY, SNOOZE_WEEK)


def snooze_due(choice: str, *, due_at: datetime, now: datetime, prefs: Preferences) -> datetime:
    """When a snoozed reminder comes back: a business day, at the person's call time, local.

    Every kind comes back at `call_time`, the one hour of the day the person set for acting on
    follow-ups: a reminder snoozed at 22:09 returns the next morning, not 24 hours later at
    22:09. Every kind comes back on a business day, the thank-you note too: a snoozed note is
    one the person put off, and they pick it up with the rest of their working day.
    The day counts from today, or from the due day if that is still ahead, so a snooze never
    brings a reminder earlier:
    - "tomorrow": the next day, or the first business day after it when that is a weekend or a
      public holiday (a Friday snooze lands on Monday; the page shows the day it lands on);
    - "next_business_day": the next business day (after a Thursday before Good Friday, Tuesday);
    - "week": seven days later, or the first business day on or after that.
    Then out of quiet hours, still on a business day (see _business_moment).
    """
    return snooze_release(snooze_requested(choice, due_at=due_at, now=now, prefs=prefs), prefs)


def snooze_requested(
    choice: str, *, due_at: datetime, now: datetime, prefs: Preferences
) -> datetime:
    """The moment a snooze asks for, before quiet hours have their say (see snooze_due).

    Kept as the follow-up's snoozed_until, so that when the quiet hours change later the
    reminder lands where the new ones end, earlier or later (snooze_release).
    """
    if choice not in SNOOZE_CHOICES:
        raise ValueError(f"unknown snooze choice {choice!r}")
    tz = _zone(prefs.time_zone)
    start = max(_utc(now), _utc(due_at)).astimezone(tz).date()
    if choice == SNOOZE_WEEK:
        day = next_business_day_on_or_after(start + timedelta(days=7), prefs.country)
    elif choice == SNOOZE_TOMORROW:
        day = next_business_day_on_or_after(start + timedelta(days=1), prefs.country)
    else:
        day = add_business_days(start, 1, prefs.country)
    return _local(day, prefs.call_time, tz)


def snooze_release(snoozed_until: datetime, prefs: Preferences) -> datetime:
    """Where a snooze that asked for `snoozed_until` lands under the person's preferences.

    Out of quiet hours, still on a business day. The sync calls it again with the current
    preferences, so a snoozed reminder follows quiet hours, a time zone or a country changed
    after the snooze (unchanged preferences change nothing).
    """
    tz = _zone(prefs.time_zone)
    moment = out_of_quiet_hours(snoozed_until, prefs)
    local = moment.astimezone(tz)
    if is_business_day(local.date(), prefs.country):
        return moment
    return _business_moment(next_business_day_on_or_after(local.date(), prefs.country), prefs)


def held_until(moment: datetime, kind: str, prefs: Preferences) -> datetime | None:
    """`moment` if quiet hours held a reminder until then, else None: for "Held until 08:00".

    A reminder is held when it waits at the very end of the quiet hours: the minute before
    was inside them. A call or feedback request due exactly at `call_time` is at its own hour,
    not held, even when that hour is also where the quiet hours end.
    """
    moment = _utc(moment)
    tz = _zone(prefs.time_zone)
    local = moment.astimezone(tz)
    if local.time().replace(tzinfo=None) != prefs.quiet_end:
        return None
    if _quiet_period((moment - timedelta(minutes=1)).astimezone(tz), prefs) is None:
        return None
    if kind != "thank_you" and prefs.call_time == prefs.quiet_end:
        return None
    return moment


# --- What an application should have ------------------------------------------------------------


@dataclass(frozen=True)
class Wanted:
    """A follow-up an application should have: its kind, the interview it is about, when due."""

    kind: str
    interview: Any  # the caller's own handle on the interview (an id, a model), or None
    due_at: datetime


def wanted_followups(
    *,
    interviews: Sequence[tuple[Any, datetime]],
    prefs: Preferences,
    ended: bool = False,
    final: bool = False,
    decision_date: date | None = None,
    outcome_recorded_at: datetime | None = None,
    apply_by: date | None = None,
    now: datetime | None = None,
) -> list[Wanted]:
    """The follow-ups an application should have now, given its live interviews.

    `interviews` are (handle, end) pairs, oldest first. `ended`: the person ended it or the
    employer went quiet, so nothing more is asked; `final`: an offer or a rejection was
    recorded at `outcome_recorded_at`, so feedback is asked for instead of a call.
    `apply_by`: the deadline of an application not sent yet (status "saved"), else None; its
    reminder is wanted while apply_by_due, at `now`, still finds a moment for it.
    """
    if ended:
        return []
    wanted = []
    if apply_by is not None and now is not None and prefs.apply_by_enabled:
        due = apply_by_due(apply_by, prefs, now)
        if due is not None:
            wanted.append(Wanted("apply_by", None, due))
    if prefs.thank_you_enabled:
        wanted += [Wanted("thank_you", ref, thank_you_due(end, prefs)) for ref, end in interviews]
    latest = interviews[-1][0] if interviews else None
    if interviews and not final and prefs.call_enabled:
        # One call per round, and only the latest round's call waits: a later interview
        # replaces the pending call of an earlier one.
        wanted.append(Wanted("call", latest, call_due(interviews[-1][1], prefs, decision_date)))
    if final and prefs.feedback_enabled and outcome_recorded_at is not None:
        wanted.append(Wanted("feedback", latest, feedback_due(outcome_recorded_at, prefs)))
    return wanted


# --- Lateness ------------------------------------------------------------------------------------


_STALE_AFTER = {"thank_you": STALE_THANK_YOU_AFTER, "feedback": STALE_FEEDBACK_AFTER}


def is_stale(kind: str, due_at: datetime, now: datetime) -> bool:
    """Whether a reminder is too late to be worth sending at all.

    A thank-you goes stale after STALE_THANK_YOU_AFTER, a feedback request after
    STALE_FEEDBACK_AFTER; a call never does here (see STALE_CALL_AFTER and is_stale_call).
    """
    if kind not in KINDS:
        raise ValueError(f"unknown follow-up kind {kind!r}")
    limit = _STALE_AFTER.get(kind)
    return limit is not None and _utc(now) - _utc(due_at) > limit


def is_stale_call(due_at: datetime, now: datetime) -> bool:
    """Whether a call reminder is too late to schedule (only when it is created or moved)."""
    return _utc(now) - _utc(due_at) > STALE_CALL_AFTER


def is_overdue(due_at: datetime, now: datetime, grace: timedelta) -> bool:
    """Whether `now` is more than `grace` past `due_at`."""
    return _utc(now) - _utc(due_at) > grace
