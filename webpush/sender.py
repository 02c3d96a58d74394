"""Sending one push to one browser, and what a reminder's push says.

    push_send(subscription=…, payload=reminder_payload(followup), ttl=REMINDER_TTL)

returns when the browser's push service has accepted the message (201), or raises:

- PushGone: the push service says the subscription no longer exists (404 or 410: the person
  unsubscribed, cleared the site's data, or the browser dropped it). The row is already deleted
  (push_subscription_remove); do not retry, and do not count it as a failure of the reminder.
- PushFailed(retryable=True): a 429, a 5xx, a timeout or a refused connection. Try again later;
  `retry_after` holds the push service's Retry-After in seconds when it sent one.
- PushFailed(retryable=False): the push service refused the message itself (400, 401, 403, 413,
  a redirect) or the endpoint is not one Seuranta sends to (webpush.endpoints). Retrying sends
  the same refused message: mark the delivery failed. A 403 usually means the VAPID key changed
  since the browser subscribed (see webpush.keys).

Messages of both exceptions name the push service (https://fcm.googleapis.com/…), never the
endpoint in full: an endpoint is a capability URL, to be kept out of logs like a password.

Plugging into the notification channels' delivery (notifications/): web push is one more kind of
delivery target beside the Apprise channels and email, under the same lease rules, registered by
webpush.target (notifications imports nothing of this app). The design it was built to:

- targets for an owner: their enabled channels + `PushSubscription.objects.filter(owner=owner)`,
  a delivery row per (follow-up, subscription), e.g. a nullable `push_subscription` foreign key
  on Delivery with on_delete=CASCADE (a removed browser takes its pending deliveries with it),
  beside the channel's, and a check constraint that exactly one of them is set;
- sending to one target: `push_send(subscription=delivery.push_subscription,
  payload=reminder_payload(delivery.followup, late=…), ttl=REMINDER_TTL)`; PushGone ends the
  delivery as done-without-sending (the row is gone anyway), PushFailed feeds the channel's
  backoff when retryable and fails the delivery when not;
- the digest: one push with digest_payload(owner, count) when the digest is sent.
WEBPUSH_TIMEOUT (10 s) is below EMAIL_TIMEOUT, so the dispatch lease that covers an email covers
a push too.
"""

import email.utils
import json
import logging
import re
import time
from urllib.parse import urlsplit

import requests
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext, ngettext
from pywebpush import WebPushException, webpush

from core import addresses
from core.text import one_line
from webpush import keys
from webpush.endpoints import EndpointRefused, EndpointUnresolved, check_endpoint, redact
from webpush.models import PushSubscription
from webpush.services import push_subscription_record_success, push_subscription_remove

log = logging.getLogger(__name__)

# How long a push service keeps a reminder for a browser that is offline (a phone switched off
# overnight): past a day the reminder is old news, and the app shows it anyway.
REMINDER_TTL = 24 * 60 * 60
# A push service takes 4096 bytes of encrypted body; aes128gcm adds 86 bytes of header, 16 of
# tag and 1 of padding delimiter (RFC 8291 §4). Titles and bodies are cut well below this.
MAX_PAYLOAD_BYTES = 4096 - 103
TITLE_MAX, BODY_MAX = 120, 400
# RFC 8030 §5.4: a Topic is at most 32 characters of the URL-safe base64 alphabet.
TOPIC_RE = re.compile(r"^[A-Za-z0-9_-]{1,32}$")


class PushError(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class PushGone(PushError):
    """The push service no longer knows this browser; its subscription row was deleted."""


class PushFailed(PushError):
    def __init__(
        self,
        message: str,
        *,
        retryable: bool,
        status: int | None = None,
        retry_after: int | None = None,
    ):
        super().__init__(message)
        self.retryable = retryable
        self.status = status
        self.retry_after = retry_after


class _NoRedirects(requests.Session):
    """A push service answers 201; a redirect is never part of the protocol, and following one
    would take the POST to an address check_endpoint never saw."""

    def request(self, *args, **kwargs):
        kwargs["allow_redirects"] = False
        return super().request(*args, **kwargs)


def _retry_after(response) -> int | None:
    value = (response.headers.get("Retry-After") or "").strip()
    if value.isdigit():
        return int(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(int((when - timezone.now()).total_seconds()), 0) if when.tzinfo else None


def _origin(endpoint: str) -> str:
    parts = urlsplit(endpoint)
    return f"{parts.scheme}://{parts.netloc}"


def push_send(*, subscription: PushSubscription, payload: dict, ttl: int) -> None:
    """Encrypt `payload` (JSON) to the browser and hand it to its push service. See the module
    docstring for what each outcome raises."""
    endpoint = subscription.endpoint
    where = f"browser subscription {subscription.pk} at {redact(endpoint)}"
    try:
        check_endpoint(endpoint, resolve=True)
    except EndpointRefused:
        raise PushFailed(f"{where}: not a push service address", retryable=False) from None
    except EndpointUnresolved:
        raise PushFailed(f"{where}: the host name does not resolve", retryable=True) from None
    data = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
    if len(data) > MAX_PAYLOAD_BYTES:
        raise PushFailed(f"{where}: a payload of {len(data)} bytes is too long", retryable=False)
    headers = {}
    tag = str(payload.get("tag", ""))
    if TOPIC_RE.match(tag):
        # A push service that still holds an undelivered message of the same topic replaces it.
        headers["Topic"] = tag
    claims = {
        "sub": keys.subject(),
        "aud": _origin(endpoint),
        # RFC 8292 allows at most 24 hours; 12 leaves room for clocks that are off.
        "exp": int(time.time()) + 12 * 60 * 60,
    }
    policy = addresses.policy(allow_private=settings.WEBPUSH_ALLOW_INSECURE_ENDPOINTS)
    with _NoRedirects() as session, addresses.outbound_guard(policy) as guard:
        try:
            webpush(
                subscription_info=subscription.subscription_info,
                data=data,
                vapid_private_key=keys.vapid(),
                vapid_claims=claims,
                content_encoding="aes128gcm",
                timeout=settings.WEBPUSH_TIMEOUT,
                ttl=ttl,
                headers=headers,
                requests_session=session,
            )
        except WebPushException as error:
            # str(error) holds the push service's response body: not passed on.
            response = error.response
            if response is None:
                raise PushFailed(f"{where}: cannot encrypt to it", retryable=False) from None
            status = response.status_code
            if status in (404, 410):
                push_subscription_remove(subscription=subscription)
                log.info("%s is gone (%s): removed", where, status)
                raise PushGone(f"{where}: gone ({status}), removed") from None
            message = f"{where}: {status} {response.reason or ''}".rstrip()
            if status == 403:
                message += " (signed with another VAPID key than the browser subscribed with?)"
            retryable = status == 429 or status >= 500
            log.warning("push failed: %s", message)
            raise PushFailed(
                message, retryable=retryable, status=status, retry_after=_retry_after(response)
            ) from None
        except requests.Timeout:
            log.warning("push failed: %s: timed out", where)
            raise PushFailed(f"{where}: timed out", retryable=True) from None
        except requests.RequestException as error:
            if guard.refused:
                # The name resolved to a public address when checked and to another one now.
                log.warning("push refused: %s: not at a public address", where)
                raise PushFailed(f"{where}: not at a public address", retryable=False) from None
            # The exception's text names the URL, path included: only its kind is kept.
            log.warning("push failed: %s: %s", where, type(error).__name__)
            raise PushFailed(
                f"{where}: {type(error).__name__}",
                # A malformed URL stays malformed; a refused or reset connection may not.
                retryable=not isinstance(error, ValueError),
            ) from None
        except ValueError:
            # http_ece or cryptography refusing the browser's keys.
            raise PushFailed(f"{where}: cannot encrypt to it", retryable=False) from None
    push_subscription_record_success(subscription=subscription)


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def reminder_payload(followup, *, late: bool = False) -> dict:
    """What the notification about one follow-up says, in its owner's language and time zone.

    {"title": the reminder email's subject ("Call Acme about your Engineer interview"),
     "body": the position, whom to call and at what number, when it is due,
     "url": the follow-up's page, "tag": "followup-<id>" (a second push about the same
     follow-up replaces the first on the screen), "lang"}. Reads the follow-up's application,
     interview and interviewers; no writes.
    """
    user = followup.owner
    language = user.message_language
    with translation.override(language), timezone.override(user.tzinfo):
        application = followup.application
        title = one_line(
            render_to_string(
                "emails/reminder_subject.txt",
                {
                    "followup": followup,
                    "kind": followup.kind,
                    "application": application,
                    "late": late,
                },
            )
        )
        lines = []
        if followup.about_detail:
            lines.append(followup.about_detail)
        if followup.kind == "call" and followup.interview is not None:
            for person in followup.interview.interviewers.all():
                if person.phone:
                    lines.append(
                        gettext("Call %(name)s on %(phone)s")
                        % {"name": person.name, "phone": person.phone}
                    )
        due = date_format(timezone.localtime(followup.due_at), "DATETIME_FORMAT")
        lines.append(gettext("Due: %(due)s") % {"due": due})
    return {
        "title": _cut(title, TITLE_MAX),
        "body": _cut("\n".join(lines), BODY_MAX),
        "url": f"{settings.SITE_URL}{followup.get_absolute_url()}",
        "tag": f"followup-{followup.pk}",
        "lang": language,
    }


def digest_payload(owner, count: int) -> dict:
    """The one notification of a morning digest: how many follow-ups, opening Today."""
    with translation.override(owner.message_language):
        title = ngettext(
            "%(count)d follow-up for today", "%(count)d follow-ups for today", count
        ) % {"count": count}
    return {
        "title": title,
        "body": "",
        "url": f"{settings.SITE_URL}{reverse('applications:dashboard')}",
        "tag": "digest",
        "lang": owner.message_language,
    }


def trial_payload(owner) -> dict:
    """The "Send test" notification, opening the preferences page it was sent from."""
    with translation.override(owner.message_language):
        title = gettext("Seuranta test notification")
        body = gettext("This browser will show your reminders like this.")
    return {
        "title": title,
        "body": body,
        "url": f"{settings.SITE_URL}{reverse('preferences')}",
        "tag": "test",
        "lang": owner.message_language,
    }
