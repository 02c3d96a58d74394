"""Today (the dashboard): what is due now, the next interviews, what has gone quiet, then
counts by status and recent activity.

The follow-ups and "Gone quiet" are drawn by the follow-ups app (followups_tags), which knows
both the applications and their follow-ups.
"""

import datetime
import functools

from django.contrib import messages
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from applications import services
from applications.models import Application, Interview, Status, StatusChange
from core.lookups import get_owned_or_404

UPCOMING_DAYS = 14
# The page shows this many of the coming interviews and links to the interview list for the
# rest: a busy account has hundreds in a fortnight, and rendering them all made the dashboard
# cost grow with the number of applications.
UPCOMING_LIMIT = 10
RECENT_ACTIVITY = 10


class _Sections:
    """The dashboard's own sections, each queried only when the page draws it.

    The template caches them per version of the person's data and per day, so on most visits
    none of these queries runs.
    """

    def __init__(self, user, today: datetime.date):
        self.user = user
        # "The next 14 days" as the user counts them: from the start of their today, so that
        # an interview earlier today still shows, to the end of the fourteenth day.
        tz = timezone.get_current_timezone()
        self.start = datetime.datetime.combine(today, datetime.time.min, tzinfo=tz)
        self.end = datetime.datetime.combine(
            today + datetime.timedelta(days=UPCOMING_DAYS + 1), datetime.time.min, tzinfo=tz
        )

    @functools.cached_property
    def _upcoming(self) -> list[Interview]:
        return list(
            Interview.objects.owned_by(self.user)
            .filter(cancelled=False, starts_at__gte=self.start, starts_at__lt=self.end)
            .select_related("application")
            # "2 of 3 prepared": counted in the same query, however many interviews.
            .annotate(
                prep_total=Count("prep_items"),
                prep_done=Count("prep_items", filter=Q(prep_items__done=True)),
            )
            .order_by("starts_at", "id")[: UPCOMING_LIMIT + 1]
        )

    @property
    def upcoming(self) -> list[Interview]:
        return self._upcoming[:UPCOMING_LIMIT]

    @property
    def more_upcoming(self) -> bool:
        return len(self._upcoming) > UPCOMING_LIMIT

    @functools.cached_property
    def _counts(self) -> dict[str, int]:
        # COUNT(*), not COUNT(id): only the (owner, status) index is read, never the rows.
        return dict(
            Application.objects.owned_by(self.user)
            .order_by()
            .values_list("status")
            .annotate(n=Count("*"))
        )

    @property
    def status_counts(self) -> list[tuple[str, str, int]]:
        return [(value, label, self._counts.get(value, 0)) for value, label in Status.choices]

    @property
    def application_total(self) -> int:
        return sum(self._counts.values())

    @functools.cached_property
    def recent(self) -> list[StatusChange]:
        return list(
            StatusChange.objects.owned_by(self.user)
            .select_related("application")
            .order_by("-changed_at", "-id")[:RECENT_ACTIVITY]
        )


@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    context = {
        "sections": _Sections(request.user, today),
        "upcoming_days": UPCOMING_DAYS,
        "today": today,
    }
    return render(request, "applications/dashboard.html", context)


@require_POST
def application_no_response(request: HttpRequest, pk: int) -> HttpResponse:
    """Today's "Mark no response": an application gone quiet is given up on.

    Only from "applied": if it moved on meanwhile (an answer came, another tab), it stays.
    """
    application = get_owned_or_404(request, Application, pk)
    if application.status == Status.APPLIED:
        services.application_set_status(application=application, status=Status.NO_RESPONSE)
        messages.success(
            request,
            _("Marked as no response: %(application)s.") % {"application": application},
        )
    else:
        messages.info(
            request,
            _("This application is no longer waiting for an answer (%(status)s); nothing changed.")
            % {"status": application.get_status_display()},
        )
    return redirect("applications:dashboard")
