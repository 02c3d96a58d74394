"""The dashboard: upcoming interviews, counts by status and recent activity.

Its follow-ups section is drawn by the follow-ups app (followups_tags.followups_dashboard).
"""

import datetime

from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from applications.models import Application, Interview, Status, StatusChange

UPCOMING_DAYS = 14
# The page shows this many of the coming interviews and links to the interview list for the
# rest: a busy account has hundreds in a fortnight, and rendering them all made the dashboard
# cost grow with the number of applications.
UPCOMING_LIMIT = 10
RECENT_ACTIVITY = 10


@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    user, now = request.user, timezone.now()
    # "The next 14 days" as the user counts them: from the start of their today, so that an
    # interview earlier today still shows, to the end of the fourteenth day.
    tz = timezone.get_current_timezone()
    today = timezone.localdate(now, tz)
    start = datetime.datetime.combine(today, datetime.time.min, tzinfo=tz)
    end = datetime.datetime.combine(
        today + datetime.timedelta(days=UPCOMING_DAYS + 1), datetime.time.min, tzinfo=tz
    )
    upcoming = list(
        Interview.objects.owned_by(user)
        .filter(cancelled=False, starts_at__gte=start, starts_at__lt=end)
        .select_related("application")
        .order_by("starts_at", "id")[: UPCOMING_LIMIT + 1]
    )
    # COUNT(*), not COUNT(id): only the (owner, status) index is read, never the rows.
    counts = dict(
        Application.objects.owned_by(user).order_by().values_list("status").annotate(n=Count("*"))
    )
    status_counts = [(value, label, counts.get(value, 0)) for value, label in Status.choices]
    recent = (
        StatusChange.objects.owned_by(user)
        .select_related("application")
        .order_by("-changed_at", "-id")[:RECENT_ACTIVITY]
    )
    context = {
        "upcoming": upcoming[:UPCOMING_LIMIT],
        "more_upcoming": len(upcoming) > UPCOMING_LIMIT,
        "upcoming_days": UPCOMING_DAYS,
        "status_counts": status_counts,
        "application_total": sum(counts.values()),
        "recent": recent,
    }
    return render(request, "applications/dashboard.html", context)
