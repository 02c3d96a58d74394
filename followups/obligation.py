"""The job-search obligation, in one place: review periods, the applications that count in them,
the person's progress and the reminder that keeps them in step.

A person's plan with the employment services asks for a number of applications in each review
period: a calendar month, or N months from the date the plan names. The period arithmetic and
the count are pure functions of dates (the clock and the time zone are the caller's); the query
helpers read one person's applications for them (Today's progress, the insights page and the
job-search report); the sync at the end keeps the period's reminder follow-up in step.
"""

from __future__ import annotations

import calendar
import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from applications.models import Application, Status
from followups import policy
from followups.models import Followup, Kind, State

# Periods without a start date of their own count from here: with one month, calendar months;
# with three, calendar quarters.
CALENDAR_ANCHOR = datetime.date(2000, 1, 1)


@dataclass(frozen=True)
class Period:
    """A review period, both days included."""

    first: datetime.date
    last: datetime.date

    def __contains__(self, day: datetime.date) -> bool:
        return self.first <= day <= self.last

    def days_left(self, today: datetime.date) -> int:
        """Days from today to the end, today included (0 once the period is over)."""
        return max((self.last - today).days + 1, 0)


@dataclass(frozen=True)
class Rule:
    """What the person's plan asks: `required` applications per period of `months` months
    counted from `start` (calendar months when None). `required` 0 means no obligation."""

    required: int = 0
    months: int = 1
    start: datetime.date | None = None

    @classmethod
    def from_user(cls, user) -> Rule:
        return cls(
            required=user.applications_required or 0,
            months=max(user.review_period_months or 1, 1),
            start=user.review_period_start,
        )

    @property
    def active(self) -> bool:
        return self.required > 0


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later (or earlier), on the month's last day when it is shorter."""
    year, month = divmod(day.month - 1 + months, 12)
    year += day.year
    return day.replace(
        year=year, month=month + 1, day=min(day.day, calendar.monthrange(year, month + 1)[1])
    )


def _boundary(rule: Rule, index: int) -> datetime.date:
    # Each boundary from the anchor itself, so that a period starting on the 31st keeps
    # starting on the last day of shorter months instead of drifting to the 28th for good.
    return add_months(rule.start or CALENDAR_ANCHOR, index * rule.months)


def period_containing(day: datetime.date, rule: Rule) -> Period:
    """The review period `day` falls in (before the plan's start date too: periods run back)."""
    anchor = rule.start or CALENDAR_ANCHOR
    index = ((day.year - anchor.year) * 12 + day.month - anchor.month) // rule.months
    while _boundary(rule, index) > day:
        index -= 1
    while _boundary(rule, index + 1) <= day:
        index += 1
    return Period(_boundary(rule, index), _boundary(rule, index + 1) - datetime.timedelta(days=1))


def periods_between(first_day: datetime.date, last_day: datetime.date, rule: Rule) -> list[Period]:
    """The periods from the one holding first_day to the one holding last_day, oldest first."""
    periods = [period_containing(first_day, rule)]
    while periods[-1].last < last_day:
        periods.append(period_containing(periods[-1].last + datetime.timedelta(days=1), rule))
    return periods


@dataclass(frozen=True)
class Counted:
    """What the count needs of one application."""

    applied_on: datetime.date | None
    saved: bool = False
    not_counted: bool = False


def counts(applications: Iterable[Counted], period: Period) -> int:
    """How many applications count in the period: applied in it, neither saved nor left out."""
    return sum(
        1
        for a in applications
        if a.applied_on is not None and a.applied_on in period and not a.saved and not a.not_counted
    )


@dataclass(frozen=True)
class Progress:
    period: Period
    done: int
    required: int
    today: datetime.date

    @property
    def met(self) -> bool:
        return self.done >= self.required

    @property
    def missing(self) -> int:
        return max(self.required - self.done, 0)

    @property
    def days_left(self) -> int:
        return self.period.days_left(self.today)

    @property
    def is_calendar_month(self) -> bool:
        return self.period.first.day == 1 and self.period.last == add_months(
            self.period.first, 1
        ) - datetime.timedelta(days=1)


# --- Queries -------------------------------------------------------------------------------------


def counting_applications(owner, period: Period):
    """The owner's applications that count in the period (a queryset), by date applied."""
    return (
        Application.objects.owned_by(owner)
        .filter(applied_on__gte=period.first, applied_on__lte=period.last, not_counted=False)
        .exclude(status=Status.SAVED)
    )


def count_in(owner, period: Period) -> int:
    """counts() in the database: one COUNT query."""
    return counting_applications(owner, period).count()


def progress_for(owner, today: datetime.date) -> Progress | None:
    """The owner's progress in the period holding `today` (their local date); None when off."""
    rule = Rule.from_user(owner)
    if not rule.active:
        return None
    period = period_containing(today, rule)
    return Progress(period, count_in(owner, period), rule.required, today)


def past_progress(owner, today: datetime.date, *, limit: int = 12) -> list[Progress]:
    """Each finished period since the first dated application (at most `limit`), newest first."""
    rule = Rule.from_user(owner)
    if not rule.active:
        return []
    current = period_containing(today, rule)
    first = (
        Application.objects.owned_by(owner)
        .filter(applied_on__isnull=False)
        .order_by("applied_on")
        .values_list("applied_on", flat=True)
        .first()
    )
    if first is None or first >= current.first:
        return []
    periods = periods_between(first, current.first - datetime.timedelta(days=1), rule)
    periods = periods[-limit:]
    rows = [
        Counted(applied_on, status == Status.SAVED, not_counted)
        for applied_on, status, not_counted in Application.objects.owned_by(owner)
        .filter(applied_on__gte=periods[0].first, applied_on__lte=periods[-1].last)
        .values_list("applied_on", "status", "not_counted")
    ]
    return [Progress(p, counts(rows, p), rule.required, today) for p in reversed(periods)]


# --- The job-search report's periods -------------------------------------------------------------

# How many past periods the report's picker offers besides the current one.
PICKER_PERIODS = 24


def period_from(value: str | None, user, today: datetime.date) -> Period:
    """The period a picker value (any ISO date in it) names; the current one by default.

    Calendar months when the person set no target, so the report still serves anyone asked for
    proof of applying (Rule's defaults).
    """
    try:
        day = datetime.date.fromisoformat(value or "")
    except ValueError:
        day = today
    return period_containing(day, Rule.from_user(user))


def picker_periods(user, today: datetime.date) -> list[Period]:
    """The current period and the PICKER_PERIODS before it, newest first."""
    rule = Rule.from_user(user)
    periods = [period_containing(today, rule)]
    for _ in range(PICKER_PERIODS):
        periods.append(period_containing(periods[-1].first - datetime.timedelta(days=1), rule))
    return periods


# --- The reminder: the obligation's follow-up ---------------------------------------------------


def _close_obligation(row: Followup, state: str, now: datetime.datetime) -> None:
    row.save(update_fields=[*row.close(state, now=now), "updated_at"])


def followups_sync_obligation(
    *, owner_id: int, now: datetime.datetime | None = None, user=None
) -> None:
    """Bring the person's job-search obligation reminder in step with their count and plan.

    The reminder of the review period holding today (the person's date) is wanted while the
    count is below the target; policy.obligation_due says when. One row per period (a
    constraint): created once, moved while scheduled, cancelled when the target is met before
    it goes and re-opened if the count falls short again. A reminder already sent is never
    sent again for the same period; meeting the target marks it done. Scheduled rows of other
    periods (the plan changed) are cancelled. Idempotent, like the application sync.

    The person's row is locked first, so two syncs of one person take turns. With no target,
    a reminder still waiting is cancelled. `user`: the caller's row, locked already (a
    preference change); one UPDATE then when there is no target. Runs in the caller's
    transaction (every caller has one: an application's or the preferences' service).
    """
    now = now or timezone.now()
    if user is None:
        user = get_user_model().objects.select_for_update().filter(pk=owner_id).first()
        if user is None:
            return
    rule = Rule.from_user(user)
    if not rule.active:
        Followup.objects.filter(
            owner_id=owner_id, kind=Kind.OBLIGATION, state=State.SCHEDULED
        ).update(state=State.CANCELLED, completed_at=now, updated_at=now)
        return
    rows = list(
        Followup.objects.select_for_update().filter(owner_id=owner_id, kind=Kind.OBLIGATION)
    )
    prefs = policy.Preferences.from_user(user)
    period = period_containing(now.astimezone(user.tzinfo).date(), rule)
    row = next((r for r in rows if r.period_first == period.first), None)
    for other in rows:
        if other is not row and other.state == State.SCHEDULED:
            _close_obligation(other, State.CANCELLED, now)
    met = count_in(owner_id, period) >= rule.required
    due = None if met else policy.obligation_due(period.last, prefs, now)
    if due is None:
        if row is not None and row.state == State.SCHEDULED:
            _close_obligation(row, State.CANCELLED, now)
        elif row is not None and met and row.state in (State.NOTIFIED, State.FAILED):
            # The person did what the reminder asked: it is done, not left waiting.
            _close_obligation(row, State.DONE, now)
        return
    if row is None:
        row = Followup(
            owner_id=owner_id,
            kind=Kind.OBLIGATION,
            period_first=period.first,
            period_last=period.last,
        )
        row.schedule(due, now=now)
        row.save()
        return
    if row.state == State.CANCELLED or row.skipped_as_stale:
        row.period_last = period.last
        row.save(update_fields=[*row.reopen(due, now=now), "period_last", "updated_at"])
        return
    if row.state != State.SCHEDULED:
        return  # Sent, done, skipped or failed: once per period.
    if row.snoozed_until:
        due = max(due, policy.snooze_release(row.snoozed_until, prefs))
    if row.due_at <= now and due <= now:
        due = row.due_at  # Due already: the dispatcher takes it as it is, not a minute later.
    if row.due_at == due and row.period_last == period.last:
        return
    row.period_last = period.last
    fields = row.schedule(due, now=now) if row.due_at != due else []
    row.save(update_fields=[*fields, *row.release_claim(), "period_last", "updated_at"])


def followups_sync_obligations(*, now: datetime.datetime | None = None) -> int:
    """followups_sync_obligation for everyone with a target (the periodic task): a new period
    wants its reminder even when nothing else happens. How many people it looked at."""
    owner_ids = list(
        get_user_model()
        .objects.filter(applications_required__gt=0, is_active=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    for owner_id in owner_ids:
        with transaction.atomic():
            followups_sync_obligation(owner_id=owner_id, now=now)
    return len(owner_ids)
