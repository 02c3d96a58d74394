"""Browsers as a notifications target (notifications.targets): a reminder or a digest that the
engine announces reaches each subscribed browser as one Delivery, sent by the channel pass.

Registered by WebpushConfig.ready(); notifications imports nothing of this app.
"""

from __future__ import annotations

from collections.abc import Iterable

from notifications.models import Delivery, DeliveryError
from notifications.sending import Message, SendFailed
from notifications.targets import TargetGone, TargetKind, register
from webpush.models import PushSubscription
from webpush.sender import (
    REMINDER_TTL,
    PushFailed,
    PushGone,
    digest_payload,
    push_send,
    reminder_payload,
)


def enabled_subscriptions(owner_ids: list[int]) -> Iterable[tuple[int, int]]:
    # Served by webpush_owner_idx. A subscription has no on/off: the person removes it.
    rows = PushSubscription.objects.filter(owner_id__in=owner_ids)
    return rows.values_list("owner_id", "pk").order_by("created_at", "pk")


def send_to_browser(delivery: Delivery, message: Message | None = None, timeout=None) -> None:
    """One push (within WEBPUSH_TIMEOUT, below the lease as a channel's timeout is): the
    delivery's own follow-up or digest, not the channels' `message`."""
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


def register_browsers() -> None:
    register(TargetKind("subscription_id", enabled_subscriptions, send_to_browser))
