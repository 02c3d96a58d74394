"""Read-only follow-up queries for pages: a fixed number of SQL queries whatever the row count."""

from __future__ import annotations

import functools
from datetime import date, datetime, time, timedelta, tzinfo

from django.db.models import Case, Exists, F, IntegerField, OuterRef, Q, QuerySet, Value, When
from django.utils import timezone

from applications.models import Application, Interview, Status
from followups import announce, policy
from followups.models import OPEN_STATES, Digest, DigestState, Followup, Kind, State

DASHBOARD_LIMIT = 10
# Waiting on the user, and the reminder either still to come or already sent. Failed ones are
# open too but get their own dashboard list, so that an unsent reminder is never missed.
_PENDING_STATES = [State.SCHEDULED, State.NOTIFIED]
# What a dashboard row (followups/_dashboard_rows.html) shows of a follow-up.
DASHBOARD_ROW_FIELDS = (
    "kind",
    "state",
    "due_at",
    "next_attempt_at",  # "Held until 08:00, your quiet hours" (followups_tags.quiet_hold)
    "application__company",
    "application__position",
    "application__apply_by",  # an apply-by card names the deadline
    "interview",  # its id: a call card names the interviewers (_attach_interviewers)
    # A job-search obligation's sentence (Followup.obligation_text) and its report link.
    "owner_id",
    "period_first",
    "period_last",
)
# Today's "Gone quiet" shows this many applications, the longest silent first.
GONE_QUIET_LIMIT = 10


def overdue_before(tz: tzinfo, now: datetime) -> datetime:
    """The start of the local day: a follow-up still open and due before it is overdue.

    "Overdue" means "this was for an earlier day", as people read a to-do list, rather than
    "its minute has passed", which would flag every reminder the moment it arrives.
    """
    return datetime.combine(now.astimezone(tz).date(), time(0), tzinfo=tz)


def _mark_overdue(followups: list[Followup], threshold: datetime) -> list[Followup]:
    for followup in followups:
        followup.overdue = followup.is_open and followup.due_at < threshold
    return followups


def _with_relations(queryset: QuerySet) -> QuerySet:
    return queryset.select_related("application", "interview")


class DashboardFollowups:
    """dashboard_followups, queried only when the section is drawn (not on a cache hit)."""

    def __init__(self, user, now: datetime):
        self.user, self.now = user, now

    @functools.cached_property
    def lists(self) -> dict[str, list[Followup]]:
        return dashboard_followups(self.user, self.now)

    @property
    def due(self) -> list[Followup]:
        return self.lists["followups_due"]

    @property
    def upcoming(self) -> list[Followup]:
        return self.lists["followups_upcoming"]

    @property
    def failed(self) -> list[Followup]:
        return self.lists["followups_failed"]

    @functools.cached_property
    def digest_problem(self) -> Digest | None:
        return digest_problem(self.user, timezone.localdate(self.now, self.user.tzinfo))


# A morning digest that did not reach the person is said on Today for this many days.
DIGEST_PROBLEM_DAYS = 7


def digest_problem(user, today: date) -> Digest | None:
    """The person's latest digest (of the last DIGEST_PROBLEM_DAYS) if it did not reach them
    everywhere, with `undelivered` set: the labels of the channels and browsers that gave up on
    it (empty when its email failed, since then none got it). None when it did, or when a later
    day's digest went, or when there is none (the common case: one query).

    Today says so because nothing else would: a reminder that failed shows on its card, but a
    digest's follow-ups go back to waiting for the next one.
    """
    latest = (
        Digest.objects.filter(owner=user, day__gte=today - timedelta(days=DIGEST_PROBLEM_DAYS))
        .exclude(state=DigestState.PENDING)
        .order_by("-day")
        .only("day", "state", "last_error")
        .first()
    )
    if latest is None or latest.state == DigestState.EMPTY:
        return None
    latest.undelivered = []
    if latest.state == DigestState.SENT:
        # Asked of the delivery apps (followups.announce): notifications' failed deliveries.
        latest.undelivered = announce.undelivered(latest)
        if not latest.undelivered:
            return None
    return latest


def dashboard_followups(user, now: datetime) -> dict[str, list[Followup]]:
    """The dashboard's three lists, DASHBOARD_LIMIT rows each, in three queries.

    - followups_due: open and due by now, the oldest (the overdue ones) first;
    - followups_upcoming: open and due later, soonest first;
    - followups_failed: the reminder email could not be sent; the user can still act.
    Each row has `overdue` set (see overdue_before).
    """
    # Only what a row draws: a dozen columns instead of three models' worth of fields.
    base = (
        Followup.objects.owned_by(user)
        .select_related("application")
        .only(*DASHBOARD_ROW_FIELDS)
        .order_by("due_at", "id")
    )
    threshold = overdue_before(user.tzinfo, now)
    due = list(base.filter(state__in=_PENDING_STATES, due_at__lte=now)[:DASHBOARD_LIMIT])
    upcoming = list(base.filter(state__in=_PENDING_STATES, due_at__gt=now)[:DASHBOARD_LIMIT])
    failed = list(base.filter(state=State.FAILED)[:DASHBOARD_LIMIT])
    _attach_interviewers(due + failed)
    return {
        "followups_due": _mark_overdue(due, threshold),
        "followups_upcoming": _mark_overdue(upcoming, threshold),
        "followups_failed": _mark_overdue(failed, threshold),
    }


def _attach_interviewers(followups: list[Followup]) -> None:
    """Set `interviewers` on each call: the people its card offers to call (one query at most).

    Only calls need them, and only the due ones are drawn as cards with a number to dial.
    """
    calls = [f for f in followups if f.kind == Kind.CALL and f.interview_id]
    for followup in followups:
        followup.interviewers = []
    if not calls:
        return
    links = Interview.interviewers.through.objects.filter(
        interview_id__in={f.interview_id for f in calls}
    ).select_related("contact")
    by_interview: dict[int, list] = {}
    for link in links.order_by("contact__name", "contact_id"):
        by_interview.setdefault(link.interview_id, []).append(link.contact)
    for followup in calls:
        followup.interviewers = by_interview.get(followup.interview_id, [])


class GoneQuiet:
    """Today's "Gone quiet", queried only when the section is drawn (not on a cache hit)."""

    def __init__(self, user, today: date):
        self.user, self.today = user, today

    @functools.cached_property
    def _rows(self) -> list[Application]:
        return gone_quiet(self.user, self.today, limit=GONE_QUIET_LIMIT + 1)

    @property
    def applications(self) -> list[Application]:
        return self._rows[:GONE_QUIET_LIMIT]

    @property
    def more(self) -> bool:
        return len(self._rows) > GONE_QUIET_LIMIT


def gone_quiet(user, today: date, *, limit: int) -> list[Application]:
    """Applications still "applied" quiet_after_days after they were sent, nothing pending.

    Sent on applied_on, or when recorded as applied if that date is blank. An application
    with an open follow-up (a check-in asked for, a reminder waiting) is being seen to, so it
    is left out. Each has `checked_in`: its one check-in is used (done or skipped), so only
    "Mark no response" is left to offer. One query, the longest silent first.
    """
    before = policy.gone_quiet_before(today, user.quiet_after_days)
    # Recorded as applied before the start of the day after `before`, in the person's zone.
    recorded_before = datetime.combine(before + timedelta(days=1), time(0), tzinfo=user.tzinfo)
    open_followups = Followup.objects.filter(application=OuterRef("pk"), state__in=OPEN_STATES)
    check_in = Followup.objects.filter(application=OuterRef("pk"), kind=Kind.CHECK_IN).exclude(
        state=State.CANCELLED
    )
    return list(
        Application.objects.owned_by(user)
        .filter(status=Status.APPLIED)
        .filter(
            Q(applied_on__lte=before)
            | Q(applied_on__isnull=True, status_changed_at__lt=recorded_before)
        )
        .exclude(Exists(open_followups))
        .annotate(checked_in=Exists(check_in))
        .only("company", "position", "applied_on", "status_changed_at")
        .order_by(F("applied_on").asc(nulls_last=True), "status_changed_at", "id")[:limit]
    )


def followups_for_application(application, now: datetime | None = None) -> list[Followup]:
    """An application's follow-ups, by due time, for its timeline (one query)."""
    followups = list(
        _with_relations(Followup.objects.filter(application=application)).order_by("due_at", "id")
    )
    # The page is the owner's, shown in their time zone (activated by UserPreferencesMiddleware).
    threshold = overdue_before(timezone.get_current_timezone(), now or timezone.now())
    return _mark_overdue(followups, threshold)


def next_followups(application_ids, now: datetime) -> dict[int, Followup]:
    """The soonest open follow-up of each of these applications, by application id (one query).

    For the board's cards: a page of hundreds of applications asks once, not once a card.
    """
    rows = (
        Followup.objects.filter(application_id__in=list(application_ids), state__in=OPEN_STATES)
        .only("application_id", "kind", "state", "due_at")
        # Latest first, so the soonest of each application is the one a dict keeps.
        .order_by("-due_at", "-id")
    )
    threshold = overdue_before(timezone.get_current_timezone(), now)
    return {followup.application_id: followup for followup in _mark_overdue(list(rows), threshold)}


def followup_list_queryset(user, now: datetime, *, states=None, kind: str = "") -> QuerySet:
    """The follow-ups page: open ones by due time (so the overdue lead), then closed, newest first.

    `states` None means every state. The caller slices (paginates) the result.
    """
    queryset = _with_relations(Followup.objects.owned_by(user))
    if states is not None:
        queryset = queryset.filter(state__in=states)
    if kind:
        queryset = queryset.filter(kind=kind)
    is_open = When(state__in=list(OPEN_STATES), then=Value(0))
    return queryset.annotate(
        closed_rank=Case(is_open, default=Value(1), output_field=IntegerField()),
        open_due=Case(When(state__in=list(OPEN_STATES), then=F("due_at"))),
    ).order_by("closed_rank", F("open_due").asc(nulls_last=True), "-due_at", "-id")


def mark_overdue(followups, user, now: datetime) -> list[Followup]:
    """Set `overdue` on rows fetched elsewhere (a page of the follow-ups list)."""
    return _mark_overdue(list(followups), overdue_before(user.tzinfo, now))
