"""The "Notification channels" section of the preferences page and its actions.

Views stay thin: writes go through notifications.services. Every view that takes a channel id
looks it up with get_owned_or_404 (another person's channel is a 404), and the ones that read a
URL from the form are marked sensitive, so that Django's error reports leave the URL out.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django.views.decorators.http import require_http_methods, require_POST

from accounts.forms import PreferencesForm
from accounts.services import user_preferences_update
from core.lookups import get_owned_or_404
from core.send_tests import Kind, send_test_queue
from notifications import services, tasks
from notifications.forms import ChannelEditForm, ChannelForm
from notifications.models import Channel


def _back_to_section() -> HttpResponse:
    return redirect(reverse("preferences") + "#channels")


@sensitive_post_parameters("url")
@sensitive_variables("url")
@require_POST
def channel_create(request: HttpRequest) -> HttpResponse:
    form = ChannelForm(request.POST, owner=request.user)
    if form.is_valid():
        channel = services.channel_create(
            owner=request.user, label=form.cleaned_data["label"], url=form.cleaned_data["url"]
        )
        messages.success(
            request,
            _("Channel “%(label)s” added. Send a test to see that it works.")
            % {"label": channel.label},
        )
        return _back_to_section()
    # The preferences page again, with the refused form next to its fields. It shows what was
    # typed, the URL too, to this person in this one response: nothing is saved.
    context = {"form": PreferencesForm(instance=request.user), "channel_form": form}
    return render(request, "accounts/preferences.html", context)


@sensitive_post_parameters("url")
@sensitive_variables("url")
@require_http_methods(["GET", "POST"])
def channel_edit(request: HttpRequest, pk: int) -> HttpResponse:
    channel = get_owned_or_404(request, Channel, pk)
    form = ChannelEditForm(
        request.POST or None,
        channel=channel,
        initial={"label": channel.label, "enabled": channel.enabled},
    )
    if request.method == "POST" and form.is_valid():
        services.channel_update(
            channel=channel,
            label=form.cleaned_data["label"],
            enabled=form.cleaned_data["enabled"],
            url=form.cleaned_data["url"],
        )
        messages.success(request, _("Channel “%(label)s” saved.") % {"label": channel.label})
        return _back_to_section()
    return render(request, "notifications/channel_edit.html", {"form": form, "channel": channel})


def _wanted(request: HttpRequest, *, now: bool) -> bool:
    """The state an on/off button asks for: the one its page showed it would set, so that a
    page left open in another tab turns off what it says it turns off (never flips it back
    on); the other state when a form gives none."""
    asked = request.POST.get("enabled")
    return asked == "1" if asked in {"0", "1"} else not now


@require_POST
def channel_toggle(request: HttpRequest, pk: int) -> HttpResponse:
    channel = get_owned_or_404(request, Channel, pk)
    services.channel_update(channel=channel, enabled=_wanted(request, now=channel.enabled))
    if channel.enabled:
        text = _("Channel “%(label)s” is on.")
    else:
        text = _("Channel “%(label)s” is off: it gets no reminders.")
    messages.success(request, text % {"label": channel.label})
    return _back_to_section()


@require_http_methods(["GET", "POST"])
def channel_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """GET asks; POST deletes."""
    channel = get_owned_or_404(request, Channel, pk)
    if request.method == "POST":
        services.channel_delete(channel=channel)
        messages.success(request, _("Channel “%(label)s” removed.") % {"label": channel.label})
        return _back_to_section()
    context = {
        "title": _("Remove channel"),
        "question": _("Remove the channel “%(label)s”? Reminders stop going there.")
        % {"label": channel.label},
        "cancel_url": reverse("preferences") + "#channels",
        "confirm_label": _("Remove"),
    }
    return render(request, "applications/confirm_delete.html", context)


@require_POST
def channel_test(request: HttpRequest, pk: int) -> HttpResponse:
    """Queue the test message; the page it goes to shows what the channel answered.

    The worker sends it (notifications.send_tests), as it may wait up to CHANNELS_SEND_TIMEOUT
    for the channel: core.send_tests says why.
    """
    channel = get_owned_or_404(request, Channel, pk)
    return send_test_queue(
        request,
        kind=Kind.CHANNEL,
        target_id=channel.pk,
        subject=channel.label,
        task=tasks.send_channel_test,
    )


@require_POST
def email_toggle(request: HttpRequest) -> HttpResponse:
    """The Email row's on/off: the reminders_enabled preference, as the unsubscribe link sets."""
    enabled = _wanted(request, now=request.user.reminders_enabled)
    user_preferences_update(user=request.user, reminders_enabled=enabled)
    if enabled:
        messages.success(request, _("Reminder emails are on."))
    else:
        messages.success(
            request, _("Reminder emails are off. Follow-ups still show here and on your channels.")
        )
    return _back_to_section()


@require_POST
def email_test(request: HttpRequest) -> HttpResponse:
    """Queue a test email to the account's address, through the reminders' mail server; the
    page it goes to shows the server's answer (the worker sends it, up to EMAIL_TIMEOUT)."""
    return send_test_queue(
        request,
        kind=Kind.EMAIL,
        target_id=None,
        subject=request.user.email,
        task=tasks.send_email_test,
    )
