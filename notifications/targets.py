"""The seam between the dispatch and the places a reminder goes besides email.

A *target* is one place of a person's that receives reminders and digests. There are two
kinds: a notification Channel (an Apprise URL) and a browser subscribed to web push
(webpush.PushSubscription). The dispatch knows targets through two functions only:

- enabled_targets(owner_ids): which targets each owner has turned on now (one query a kind);
- send(delivery, message): deliver one Delivery to its target, or raise SendFailed (or
  TargetGone: the browser is no longer subscribed, and its row and deliveries were removed).

Each kind is a nullable foreign key on Delivery (`channel`, `subscription`; the check constraint
delivery_has_a_target says exactly one is set) with a partial unique constraint of its own
(delivery_once_per_channel, delivery_once_per_subscription, and the digest's two). A third kind
takes the same four steps: that key and its constraints, one query more in enabled_targets, one
branch more in send(), and select_related of the key in notifications.dispatch._load, in the page
queries and in Delivery.target_label.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.views.decorators.debug import sensitive_variables

from notifications import crypto, sending
from notifications.models import Channel, Delivery, DeliveryError
from notifications.sending import Message, SendFailed
from webpush.models import PushSubscription
from webpush.sender import (
    REMINDER_TTL,
    PushFailed,
    PushGone,
    digest_payload,
    push_send,
    reminder_payload,
)


class TargetGone(Exception):
    """The target no longer exists (a browser's push service said so): its row and its
    deliveries are deleted already. Not a failure of the message, and nothing to retry."""


@dataclass(frozen=True)
class Target:
    # The Delivery field that points at it, and its id: Delivery(**{field: pk}).
    field: str
    pk: int

    def delivery_fields(self) -> dict[str, int]:
        return {self.field: self.pk}


def enabled_targets(owner_ids) -> dict[int, list[Target]]:
    """{owner id: [Target]} of what each of these owners has turned on (one query a kind).

    Owners with none are left out: the dispatch does nothing more for them.
    """
    targets: dict[int, list[Target]] = defaultdict(list)
    ids = list(set(owner_ids))
    if not ids:
        return {}
    # Served by channel_owner_enabled_idx.
    rows = Channel.objects.filter(owner_id__in=ids, enabled=True).values_list("owner_id", "pk")
    for owner_id, pk in rows.order_by("created_at", "pk"):
        targets[owner_id].append(Target("channel_id", pk))
    # Served by webpush_owner_idx. A subscription has no on/off: the person removes it.
    rows = PushSubscription.objects.filter(owner_id__in=ids).values_list("owner_id", "pk")
    for owner_id, pk in rows.order_by("created_at", "pk"):
        targets[owner_id].append(Target("subscription_id", pk))
    return dict(targets)


@sensitive_variables("url")
def send(delivery: Delivery, message: Message, *, timeout: float | None = None) -> None:
    """Send the message to the delivery's target; SendFailed if it did not take it.

    A channel gets `message`; a browser gets the push of the delivery's follow-up or digest.
    """
    if delivery.channel_id:
        return send_to_channel(delivery.channel, message, timeout=timeout, key=str(delivery.pk))
    if delivery.subscription_id:
        return send_to_browser(delivery)
    raise SendFailed(DeliveryError.REFUSED, permanent=True)


def send_to_browser(delivery: Delivery) -> None:
    """One push (within WEBPUSH_TIMEOUT, below the lease as a channel's timeout is)."""
    if delivery.digest_id:
        payload = digest_payload(delivery.owner, delivery.digest.item_count)
    else:
        payload = reminder_payload(delivery.followup)
    try:
        push_send(subscription=delivery.subscription, payload=payload, ttl=REMINDER_TTL)
    except PushGone:
        raise TargetGone from None
    except PushFailed as failure:
        # Its message names the push service, never the endpoint; only the code is stored.
        if failure.status:
            code = DeliveryError.HTTP
        elif "timed out" in failure.message:
            code = DeliveryError.TIMEOUT
        elif failure.retryable:
            code = DeliveryError.CONNECT
        else:
            code = DeliveryError.REFUSED
        raise SendFailed(
            code,
            failure.status,
            permanent=not failure.retryable,
            retry_after=failure.retry_after,
        ) from None


@sensitive_variables("url")
def send_to_channel(
    channel: Channel, message: Message, *, timeout: float | None = None, key: str | None = None
) -> None:
    try:
        url = channel.read_url()
    except crypto.Unreadable:
        # The key the URL was stored under is gone: no retry can help, the person must enter
        # the URL again (the preferences page says so).
        raise SendFailed(DeliveryError.UNREADABLE, permanent=True) from None
    sending.send(url, message, timeout=timeout or settings.CHANNELS_SEND_TIMEOUT, key=key)
