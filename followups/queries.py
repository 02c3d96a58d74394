"""Read-only follow-up queries for pages: a fixed number of SQL queries whatever the row count."""

from __future__ import annotations

import functools
from datetime import datetime, time, tzinfo

from django.db.models import Case, F, IntegerField, QuerySet, Value, When
from django.utils import timezone

from followups.models import OPEN_STATES, Followup, State

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
    # A job-search obligation's sentence (Followup.obligation_text) and its report link.
    "owner_id",
    "period_first",
    "period_last",
)


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


def last_change(user) -> datetime | None:
    """When any of the user's follow-ups last changed (every write sets updated_at).

    The dashboard's follow-ups are cached under it: a reminder the worker sends, a snooze or a
    sync changes it, so the cached section is never older than the rows.
    """
    return (
        Followup.objects.filter(owner=user)
        .order_by("-updated_at")
        .values_list("updated_at", flat=True)
        .first()
    )


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
    return {
        "followups_due": _mark_overdue(due, threshold),
        "followups_upcoming": _mark_overdue(upcoming, threshold),
        "followups_failed": _mark_overdue(failed, threshold),
    }


def followups_for_application(application, now: datetime | None = None) -> list[Followup]:
    """An application's follow-ups, by due time, for its timeline (one query)."""
    followups = list(
        _with_relations(Followup.objects.filter(application=application)).order_by("due_at", "id")
    )
    # The page is the owner's, shown in their time zone (activated by UserPreferencesMiddleware).
    threshold = overdue_before(timezone.get_current_timezone(), now or timezone.now())
    return _mark_overdue(followups, threshold)


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
