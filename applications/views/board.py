"""The board: applications as cards in a column per status, moved to change their status.

A move goes through the same service as the status form on an application's page
(services.application_set_status), so the timeline records it and the follow-ups follow. The
page works without JavaScript (a status select and a Move button per card, posting one live
form); static/js/board.js posts the same request with fetch for a drag or a keyboard move and
asks for JSON.
"""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from applications import services
from applications.board import CARDS_PER_COLUMN, Board
from applications.forms import StatusForm
from applications.models import Application
from core.lookups import get_owned_or_404


def card_field_prefix(pk: int) -> str:
    """The prefix of a card's status field: every card's select submits the one live form, so
    each needs its own name (`card-12-status`)."""
    return f"card-{pk}"


# Never from the browser's cache: Back from an application to the board would show the HTML as
# first served, before the moves made on it since (the DOM that board.js changed is gone).
@never_cache
@require_GET
def board(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    context = {
        "board": Board(request.user, today),
        "cards_per_column": CARDS_PER_COLUMN,
        # Days in a column count by the person's calendar: the cached board has the day in its key.
        "today": today,
    }
    return render(request, "applications/board.html", context)


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


@require_POST
def board_move(request: HttpRequest, pk: int) -> HttpResponse:
    application = get_owned_or_404(request, Application, pk)
    form = StatusForm(request.POST, prefix=card_field_prefix(application.pk))
    if not form.is_valid():
        error = _("Choose a status from the list.")
        if _wants_json(request):
            return JsonResponse({"error": error}, status=400)
        messages.error(request, error)
        return redirect("applications:board")
    if form.cleaned_data["status"] != application.status:
        services.application_set_status(application=application, status=form.cleaned_data["status"])
    message = _("%(application)s: the status is now “%(status)s”.") % {
        "application": application,
        "status": application.get_status_display(),
    }
    if _wants_json(request):
        return JsonResponse(
            {
                "status": application.status,
                "label": application.get_status_display(),
                "message": message,
                "timeline": application.get_absolute_url(),
            }
        )
    messages.success(request, message)
    return redirect(f"{reverse('applications:board')}#card-{application.pk}")
