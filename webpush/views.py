"""Subscribing this browser, and the list of notified browsers on the preferences page.

subscribe and unsubscribe are called by static/js/push.js with a JSON body and the CSRF token in
the X-CSRFToken header; remove and send_test are the list's plain forms.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core import untrusted_json
from core.lookups import get_owned_or_404
from core.send_tests import Kind, send_test_queue
from webpush import tasks
from webpush.models import PushSubscription
from webpush.services import (
    push_subscription_remove,
    push_subscription_remove_endpoint,
    push_subscription_save,
)

# A browser's subscription JSON is a few hundred bytes.
MAX_BODY_BYTES = 8 * 1024


def _json_body(request: HttpRequest) -> dict | None:
    if len(request.body) > MAX_BODY_BYTES:
        return None
    try:
        body = untrusted_json.loads(request.body)
    except (ValueError, UnicodeDecodeError):
        return None
    return body if isinstance(body, dict) else None


def _refused(message: str) -> JsonResponse:
    return JsonResponse({"error": message}, status=400)


@require_POST
def subscribe(request: HttpRequest) -> JsonResponse:
    """The browser's PushSubscription.toJSON(): {"endpoint": …, "keys": {"p256dh", "auth"}}."""
    body = _json_body(request)
    keys = body.get("keys") if body else None
    if not body or not isinstance(keys, dict):
        return _refused(_("This browser sent no subscription Seuranta can use."))
    try:
        push_subscription_save(
            owner=request.user,
            endpoint=body.get("endpoint"),
            p256dh=keys.get("p256dh"),
            auth=keys.get("auth"),
            user_agent=request.headers.get("User-Agent", ""),
        )
    except ValidationError as error:
        return _refused(" ".join(error.messages))
    messages.success(request, _("This browser will show your reminders."))
    return JsonResponse({"ok": True})


@require_POST
def unsubscribe(request: HttpRequest) -> JsonResponse:
    """ "Stop notifying this browser": the browser names its own endpoint; only the person's own
    row with it goes."""
    body = _json_body(request)
    endpoint = body.get("endpoint") if body else None
    if not isinstance(endpoint, str):
        return _refused(_("This browser sent no subscription Seuranta can use."))
    push_subscription_remove_endpoint(owner=request.user, endpoint=endpoint)
    messages.success(request, _("This browser no longer shows your reminders."))
    return JsonResponse({"ok": True})


@require_POST
def remove(request: HttpRequest, pk: int) -> HttpResponse:
    subscription = get_owned_or_404(request, PushSubscription, pk)
    push_subscription_remove(subscription=subscription)
    messages.success(
        request, _("%(browser)s no longer shows your reminders.") % {"browser": subscription.label}
    )
    return redirect("preferences")


@require_POST
def send_test(request: HttpRequest, pk: int) -> HttpResponse:
    """Queue a test notification; the page it goes to shows what the push service answered
    (the worker pushes it, up to WEBPUSH_TIMEOUT: core.send_tests says why)."""
    subscription = get_owned_or_404(request, PushSubscription, pk)
    return send_test_queue(
        request,
        kind=Kind.BROWSER,
        target_id=subscription.pk,
        subject=subscription.label,
        task=tasks.send_browser_test,
    )
