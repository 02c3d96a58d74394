"""The job-search obligation: review periods and the applications that count in them.

A person's plan with the employment services asks for a number of applications in each review
period: a calendar month, or N months from the date the plan names. The period arithmetic and
the count are pure functions of dates (the clock and the time zone are the caller's); the two
query helpers at the end read one person's applications for them.
"""

from __future__ import annotations

import calendar
import datetime
from collections.abc import Iterable
from dataclasses import dataclass

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
    from applications.models import Application, Status

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
    from applications.models import Application

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
        Counted(applied_on, status == "saved", not_counted)
        for applied_on, status, not_counted in Application.objects.owned_by(owner)
        .filter(applied_on__gte=periods[0].first, applied_on__lte=periods[-1].last)
        .values_list("applied_on", "status", "not_counted")
    ]
    return [Progress(p, counts(rows, p), rule.required, today) for p in reversed(periods)]
