"""How the job search is going, computed from plain rows: no database, no clock.

insights.queries reads the rows (a fixed number of queries); this module only counts, so tests
can check every number against a hand-computed fixture.

Definitions (the page says them too):
- An application reached "applied" if it has a date applied or its history has any status past
  "saved" other than "withdrawn"; "interview" if its history has interviewing, offer or accepted
  or it has an interview that was not cancelled; "offer" if its history has offer or accepted.
  Later stages count in the earlier ones, so the funnel never widens.
- A response is any sign from the employer: an interview, an offer, a rejection. The response
  rate is applications with a response / applications that reached "applied".
- Days to first response: from the date applied (or, without one, the first "applied" step) to
  the first interviewing/offer/accepted/rejected step or interview, whichever came first.
- Days from interview to outcome: from the first interview (not cancelled) to the first
  offer/accepted/rejected step after it.
- Follow-ups done on time: done no later than one day after due, out of all closed ones (done or
  skipped; cancelled ones were withdrawn by Seuranta, not the user, and do not count).
"""

from __future__ import annotations

import datetime
import statistics
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

APPLIED_STATUSES = {"applied", "interviewing", "offer", "accepted", "rejected", "no_response"}
INTERVIEW_STATUSES = {"interviewing", "offer", "accepted"}
OFFER_STATUSES = {"offer", "accepted"}
RESPONSE_STATUSES = {"interviewing", "offer", "accepted", "rejected"}
OUTCOME_STATUSES = {"offer", "accepted", "rejected"}
ON_TIME_GRACE = datetime.timedelta(days=1)
WEEKS = 12


@dataclass(frozen=True)
class AppRow:
    id: int
    applied_on: datetime.date | None


@dataclass(frozen=True)
class ChangeRow:
    application_id: int
    status: str
    changed_at: datetime.datetime


@dataclass(frozen=True)
class InterviewRow:
    application_id: int
    starts_at: datetime.datetime
    cancelled: bool


@dataclass(frozen=True)
class FollowupRow:
    state: str
    due_at: datetime.datetime
    completed_at: datetime.datetime | None


@dataclass(frozen=True)
class Week:
    start: datetime.date
    applications: int
    interviews: int


@dataclass(frozen=True)
class Insights:
    total: int
    applied: int
    interviewed: int
    offered: int
    responded: int
    response_rate: float | None
    median_days_to_response: float | None
    median_days_interview_to_outcome: float | None
    weeks: list[Week]
    followups_closed: int
    followups_on_time: int
    on_time_rate: float | None

    @property
    def funnel(self) -> list[tuple[str, int]]:
        return [("applied", self.applied), ("interview", self.interviewed), ("offer", self.offered)]


def _ratio(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def _median(values: list[int]) -> float | None:
    return float(statistics.median(values)) if values else None


def week_start(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=day.weekday())


def compute(
    *,
    applications: Iterable[AppRow],
    changes: Iterable[ChangeRow],
    interviews: Iterable[InterviewRow],
    followups: Iterable[FollowupRow],
    today: datetime.date,
    tz: datetime.tzinfo,
    weeks: int = WEEKS,
) -> Insights:
    def local(moment: datetime.datetime) -> datetime.date:
        return moment.astimezone(tz).date()

    history: dict[int, list[ChangeRow]] = defaultdict(list)
    for change in changes:
        history[change.application_id].append(change)
    met: dict[int, list[datetime.date]] = defaultdict(list)  # interview dates per application
    for interview in interviews:
        if not interview.cancelled:
            met[interview.application_id].append(local(interview.starts_at))

    first_week = week_start(today) - datetime.timedelta(weeks=weeks - 1)
    per_week_apps: dict[datetime.date, int] = defaultdict(int)
    per_week_interviews: dict[datetime.date, int] = defaultdict(int)
    for dates in met.values():
        for day in dates:
            per_week_interviews[week_start(day)] += 1

    total = applied = interviewed = offered = responded = 0
    to_response: list[int] = []
    to_outcome: list[int] = []
    for app in applications:
        total += 1
        steps = sorted(history.get(app.id, []), key=lambda c: c.changed_at)
        statuses = {s.status for s in steps}
        interview_dates = sorted(met.get(app.id, []))

        applied_on = app.applied_on
        if applied_on is None:
            applied_on = next(
                (local(s.changed_at) for s in steps if s.status in APPLIED_STATUSES), None
            )
        reached_offer = bool(statuses & OFFER_STATUSES)
        reached_interview = (
            reached_offer or bool(statuses & INTERVIEW_STATUSES) or bool(interview_dates)
        )
        reached_applied = (
            reached_interview or applied_on is not None or bool(statuses & APPLIED_STATUSES)
        )
        applied += reached_applied
        interviewed += reached_interview
        offered += reached_offer
        if applied_on is not None:
            per_week_apps[week_start(applied_on)] += 1

        responses = [local(s.changed_at) for s in steps if s.status in RESPONSE_STATUSES]
        responses += interview_dates
        if reached_applied and responses:
            responded += 1
            if applied_on is not None:
                to_response.append(max(0, (min(responses) - applied_on).days))

        if interview_dates:
            first_interview = interview_dates[0]
            outcome = next(
                (
                    local(s.changed_at)
                    for s in steps
                    if s.status in OUTCOME_STATUSES and local(s.changed_at) >= first_interview
                ),
                None,
            )
            if outcome is not None:
                to_outcome.append((outcome - first_interview).days)

    closed = on_time = 0
    for followup in followups:
        if followup.state not in ("done", "skipped"):
            continue
        closed += 1
        if (
            followup.state == "done"
            and followup.completed_at is not None
            and followup.completed_at <= followup.due_at + ON_TIME_GRACE
        ):
            on_time += 1

    week_list = []
    for n in range(weeks):
        start = first_week + datetime.timedelta(weeks=n)
        week_list.append(
            Week(start, per_week_apps.get(start, 0), per_week_interviews.get(start, 0))
        )

    return Insights(
        total=total,
        applied=applied,
        interviewed=interviewed,
        offered=offered,
        responded=responded,
        response_rate=_ratio(responded, applied),
        median_days_to_response=_median(to_response),
        median_days_interview_to_outcome=_median(to_outcome),
        weeks=week_list,
        followups_closed=closed,
        followups_on_time=on_time,
        on_time_rate=_ratio(on_time, closed),
    )
