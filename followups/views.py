"""Follow-up pages: the list, one follow-up, its actions, and the signed links from emails.

Views stay thin: state changes go through followups.services, lists through followups.queries.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import ExitStack

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from accounts.services import user_preferences_update
from applications.models import Application
from core import undo
from core.lookups import get_owned_or_404
from core.pagination import paginate
from followups import links, policy, queries, services
from followups.forms import FollowupFilterForm
from followups.models import Followup

PAGE_SIZE = 25


def _short_datetime(value) -> str:
    return formats.date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")


# --- In-app pages --------------------------------------------------------------------------------


@require_http_methods(["GET", "HEAD"])
def followup_list(request: HttpRequest) -> HttpResponse:
    # Always bound, so that no filter at all means the defaults (open follow-ups of every kind)
    # and an unknown value is reported next to its field instead of silently ignored.
    form = FollowupFilterForm(request.GET)
    form.is_valid()
    now = timezone.now()
    queryset = queries.followup_list_queryset(
        request.user, now, states=form.selected_states(), kind=form.selected_kind()
    )
    page = paginate(request, queryset, PAGE_SIZE)
    followups = queries.mark_overdue(page.object_list, request.user, now)
    return render(
        request,
        "followups/followup_list.html",
        {"form": form, "page_obj": page, "followups": followups},
    )


def snooze_choices(followup: Followup, user) -> list[tuple[str, object]]:
    """(choice, when it would land) for each snooze the person may pick, for the buttons."""
    prefs = policy.Preferences.from_user(user)
    now = timezone.now()
    return [
        (choice, policy.snooze_due(choice, due_at=followup.due_at, now=now, prefs=prefs))
        for choice in policy.SNOOZE_CHOICES
    ]


@require_http_methods(["GET", "HEAD"])
def followup_detail(request: HttpRequest, pk: int) -> HttpResponse:
    followup = get_owned_or_404(
        request, Followup.objects.select_related("owner", "application", "interview"), pk
    )
    queries.mark_overdue([followup], request.user, timezone.now())
    # The people to call or thank, with what it takes to reach them.
    interviewers = list(followup.interview.interviewers.all()) if followup.interview else []
    context = {"followup": followup, "interviewers": interviewers}
    if followup.is_open:
        context["snooze_choices"] = snooze_choices(followup, request.user)
    return render(request, "followups/followup_detail.html", context)


def _redirect_back(request: HttpRequest, followup: Followup) -> HttpResponse:
    """Back to the page the button was on (dashboard, list, application), if it is ours."""
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect(followup)


def _act(
    request: HttpRequest,
    pk: int,
    action: Callable[[Followup, str], str],
    *,
    undoable: bool = False,
) -> HttpResponse:
    followup = get_owned_or_404(
        request, Followup.objects.select_related("application", "interview"), pk
    )
    if not followup.is_open:
        messages.info(
            request,
            _("This follow-up is already closed (%(state)s); nothing was changed.")
            % {"state": followup.get_state_display()},
        )
    else:
        before = followup.undo_snapshot()
        try:
            text = action(followup, request.POST.get("choice", ""))
        except services.FollowupActionError as exc:
            # A rule of the follow-up engine said no (a call already waiting, say); its
            # message is written for the user.
            messages.error(request, str(exc))
        else:
            if undoable:
                undo.offer(
                    request,
                    kind="followup",
                    pk=followup.pk,
                    record=services.followup_undo_record(followup=followup, before=before),
                    url=reverse("followups:followup_undo", args=[followup.pk]),
                    text=text,
                )
            else:
                messages.success(request, text)
    return _redirect_back(request, followup)


def _mark_done(followup: Followup, choice: str = "") -> str:
    services.followup_mark_done(followup=followup)
    return _("Marked as done: %(followup)s.") % {"followup": _describe(followup)}


def _snooze(followup: Followup, choice: str = "") -> str:
    # The service updates `followup` in place, new due time included. A form from before the
    # choices were offered sends none: it meant the next business day.
    services.followup_snooze(followup=followup, choice=choice or policy.SNOOZE_NEXT_BUSINESS_DAY)
    # No full stop after the date: an English time ends in "a.m." or "p.m." already.
    return _("Snoozed: %(followup)s, now due %(due)s") % {
        "followup": _describe(followup),
        "due": _short_datetime(followup.due_at),
    }


def _skip(followup: Followup, choice: str = "") -> str:
    services.followup_skip(followup=followup)
    return _("Skipped: %(followup)s.") % {"followup": _describe(followup)}


def _describe(followup: Followup) -> str:
    # Messages are auto-escaped when shown, so user data may go into them as plain text.
    return _("%(kind)s for %(company)s") % {
        "kind": followup.get_kind_display(),
        "company": followup.about,
    }


@require_POST
def followup_done(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, _mark_done, undoable=True)


@require_POST
def followup_snooze(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, _snooze)


@require_POST
def followup_skip(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, _skip, undoable=True)


@require_POST
def followup_undo(request: HttpRequest, pk: int) -> HttpResponse:
    """The Undo of the message after Mark done or Skip: the follow-up back as it was."""
    followup = get_owned_or_404(
        request, Followup.objects.select_related("application", "interview"), pk
    )
    record = undo.take(request, kind="followup", pk=followup.pk)
    if record is None:
        messages.info(request, _("There is nothing to undo: it was undone already."))
        return _redirect_back(request, followup)
    try:
        services.followup_undo(followup=followup, record=record)
    except services.FollowupActionError as exc:
        messages.info(request, str(exc))
    else:
        messages.success(
            request, _("Undone: %(followup)s is open again.") % {"followup": _describe(followup)}
        )
    return _redirect_back(request, followup)


# --- Signed links from reminder emails -----------------------------------------------------------
#
# They work without logging in: the signed token is the authority (see followups.links). GET only
# ever shows a confirmation page, because mail scanners and link previews fetch every link in an
# email; only the POST from that page acts.

_LINK_ACTIONS: dict[str, Callable[[Followup, str], str]] = {"done": _mark_done, "snooze": _snooze}


def _as_owner(owner) -> ExitStack:
    """Show the page in the owner's time zone and language, as their reminder email was.

    Someone opening the link without a session would otherwise get UTC times.
    """
    stack = ExitStack()
    stack.enter_context(timezone.override(owner.tzinfo))
    if owner.language:
        stack.enter_context(translation.override(owner.language))
    return stack


def _link_problem(request: HttpRequest, reason: str, status: int) -> HttpResponse:
    return render(request, "followups/link_problem.html", {"reason": reason}, status=status)


@login_not_required
@require_http_methods(["GET", "HEAD", "POST"])
def signed_action(request: HttpRequest, pk: int, action: str, token: str) -> HttpResponse:
    if action not in _LINK_ACTIONS:
        raise Http404("Unknown follow-up link action.")
    try:
        token_followup_id, token_action, owner_id = links.read_action_token(token)
    except links.LinkExpired:
        return _link_problem(request, "expired", status=400)
    except links.LinkInvalid:
        return _link_problem(request, "invalid", status=400)
    # A genuine token only works in the URL it was made for: not for another follow-up, and
    # a "snooze" token cannot be replayed as "done".
    if token_followup_id != pk or token_action != action:
        return _link_problem(request, "invalid", status=400)
    followup = (
        Followup.objects.select_related("application", "interview", "owner")
        .filter(pk=pk, owner_id=owner_id)
        .first()
    )
    if followup is None:
        return _link_problem(request, "gone", status=404)
    if request.user.is_authenticated and request.user.pk != owner_id:
        # Someone else's reminder, opened while logged in as another user: act for nobody.
        return _link_problem(request, "other_account", status=404)

    with _as_owner(followup.owner):
        context = {"followup": followup, "action": action}
        if not followup.is_open:
            return render(request, "followups/link_closed.html", context)
        if request.method == "POST":
            choice = request.POST.get("choice", "")
            try:
                # Acts once: a replayed POST of the same link (Back and resend, a mail client
                # fetching twice) changes nothing and says so.
                context["message"] = services.followup_link_use(
                    followup=followup,
                    token=token,
                    act=lambda: _LINK_ACTIONS[action](followup, choice),
                )
            except services.LinkAlreadyUsed:
                followup.refresh_from_db()
                return render(request, "followups/link_used.html", context, status=409)
            except services.FollowupActionError as exc:
                context["error"] = str(exc)
                return render(request, "followups/link_result.html", context, status=409)
            return render(request, "followups/link_result.html", context)
        if action == "snooze":
            context["snooze_choices"] = snooze_choices(followup, followup.owner)
        return render(request, "followups/link_confirm.html", context)


# CSRF-exempt on purpose, and only this view: RFC 8058 one-click unsubscribe has the mail client
# POST "List-Unsubscribe=One-Click" to this URL with no cookies and no form, so there is no CSRF
# token to send. What CSRF protection would add is already here: the URL holds a signed token
# that only the recipient's email contains, so another site cannot forge the request for a user,
# and the worst it could do is turn reminder emails off, which the preferences page undoes.
@csrf_exempt
@login_not_required
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    try:
        user_id = links.read_unsubscribe_token(token)
    except links.LinkInvalid:
        return _link_problem(request, "invalid", status=400)
    user = get_user_model().objects.filter(pk=user_id).first()
    if user is None:
        return _link_problem(request, "gone_account", status=404)
    if request.user.is_authenticated and request.user.pk != user.pk:
        return _link_problem(request, "other_account", status=404)

    with _as_owner(user):
        if request.method == "POST":
            user_preferences_update(user=user, reminders_enabled=False)
            return render(request, "followups/unsubscribe_done.html", {"account": user})
        return render(request, "followups/unsubscribe_confirm.html", {"account": user})


@require_POST
def application_check_in(request: HttpRequest, application_id: int) -> HttpResponse:
    """Today's "Follow up": the application's one check-in, asked for once however often."""
    application = get_owned_or_404(request, Application, application_id)
    followup, created = services.followup_check_in(application=application)
    if followup is None:
        messages.info(
            request, _("This application is no longer waiting for an answer; nothing was added.")
        )
        return redirect(application)
    if not created:
        messages.info(request, _("A check-in is already planned: %(due)s") % _when(followup))
    else:
        messages.success(
            request,
            _("Check-in planned for %(company)s: %(due)s")
            % {"company": application.company, **_when(followup)},
        )
    return redirect("applications:dashboard")


def _when(followup: Followup) -> dict:
    return {"due": _short_datetime(followup.due_at)}
