"""Writes of the notifications app: channels, and the deliveries of a reminder or a digest."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.views.decorators.debug import sensitive_variables

from notifications import messages, targets
from notifications.models import Channel, Delivery
from notifications.sending import SendFailed

# A person's channels, at most: each reminder is one message per channel, and the dispatch
# sends them one after another.
MAX_CHANNELS = 10


@sensitive_variables("url")
@transaction.atomic
def channel_create(*, owner, label: str, url: str, enabled: bool = True) -> Channel:
    """A new channel (channel_urls.Refused if the URL is not one Seuranta accepts)."""
    channel = Channel(owner=owner, label=label, enabled=enabled)
    channel.set_url(url)
    channel.save()
    return channel


@sensitive_variables("url")
@transaction.atomic
def channel_update(
    *,
    channel: Channel,
    label: str | None = None,
    enabled: bool | None = None,
    url: str | None = None,
) -> Channel:
    """Change what is given: the label, on/off, a new URL (channel_urls.Refused if refused).

    Turning a channel off stops what is still waiting for it: each of its pending deliveries
    is skipped when its turn comes (notifications.dispatch), not sent late after it is on again.
    """
    fields = []
    if label is not None and label != channel.label:
        channel.label = label
        fields.append("label")
    if enabled is not None and enabled != channel.enabled:
        channel.enabled = enabled
        fields.append("enabled")
    if url:
        fields += channel.set_url(url)
    if fields:
        channel.save(update_fields=[*fields, "updated_at"])
    return channel


@transaction.atomic
def channel_delete(*, channel: Channel) -> None:
    """Remove the channel and its deliveries (the history of what it was sent goes with it)."""
    channel.delete()


def channel_send_test(*, channel: Channel) -> SendFailed | None:
    """Send the test message now; None if the channel took it, else why not.

    A network call of up to CHANNELS_SEND_TIMEOUT: the worker's (notifications.send_tests),
    never a web request's.
    """
    try:
        targets.send_to_channel(channel, messages.channel_test_message(channel.owner))
    except SendFailed as failure:
        return failure
    return None


def deliveries_create(*, followup, to: list[targets.Target], not_before: datetime.datetime) -> None:
    """One pending delivery of the follow-up's reminder per target.

    Called by the dispatch pass each time it handles the follow-up's reminder, with the
    targets enabled at that moment: the unique constraint delivery_once_per_channel makes
    every call after the first for the same reminder (its email retried, a dead worker's
    claim taken over) add nothing. So a channel added while the email is still being retried
    gets the reminder; one added after the reminder went does not, nor does one turned on
    again later. Nothing is sent before not_before (the end of the person's quiet hours).
    No transaction: one INSERT, committed before the email goes out.
    """
    if not to:
        return
    rows = [
        Delivery(
            owner_id=followup.owner_id,
            followup_id=followup.pk,
            due_at=followup.due_at,
            next_attempt_at=not_before,
            **target.delivery_fields(),
        )
        for target in to
    ]
    Delivery.objects.bulk_create(rows, ignore_conflicts=True)


def digest_deliveries_create(*, digest, to: list[targets.Target], now: datetime.datetime) -> None:
    """One pending delivery of a sent digest per target, due now.

    Called by the digest pass in the transaction that records the digest sent, which only the
    pass holding its claim can do, once; digest_delivery_once_per_channel and …_subscription
    make a second call add nothing all the same.
    """
    if not to:
        return
    rows = [
        Delivery(
            owner_id=digest.owner_id,
            digest_id=digest.pk,
            next_attempt_at=now,
            **target.delivery_fields(),
        )
        for target in to
    ]
    Delivery.objects.bulk_create(rows, ignore_conflicts=True)
