"""The seam between the dispatch and the places a reminder goes besides email.

A *target* is one place of a person's that receives reminders and digests. Each kind registers a
TargetKind here: the notification Channel (an Apprise URL) below, and a browser subscribed to
web push, which webpush registers in its ready() (webpush.target), so that this app imports
nothing of webpush. The dispatch knows targets through two functions only:

- enabled_targets(owner_ids): which targets each owner has turned on now (one query a kind);
- send(delivery, message): deliver one Delivery to its target, or raise SendFailed (or
  TargetGone: the browser is no longer subscribed, and its row and deliveries were removed).

Each kind is a nullable foreign key on Delivery (`channel`, `subscription`; the check constraint
delivery_has_a_target says exactly one is set) with a partial unique constraint of its own
(delivery_once_per_channel, delivery_once_per_subscription, and the digest's two). A third kind
takes the same steps: that key and its constraints, a TargetKind registered here, and
select_related of the key in notifications.dispatch._load, in the page queries and in
Delivery.target_label.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.conf import settings
from django.views.decorators.debug import sensitive_variables

from notifications import crypto, sending
from notifications.models import Channel, Delivery, DeliveryError
from notifications.sending import Message, SendFailed


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


@dataclass(frozen=True)
class TargetKind:
    # The Delivery field that points at a target of this kind.
    field: str
    # (owner ids) -> (owner id, target id) of the targets turned on, in the order to send them.
    enabled: Callable[[list[int]], Iterable[tuple[int, int]]]
    # (delivery, message, timeout) -> None, or SendFailed / TargetGone.
    send: Callable[[Delivery, Message, float | None], None]


# By field, in registration order: channels first, then what the apps above register.
_kinds: dict[str, TargetKind] = {}


def register(kind: TargetKind) -> None:
    _kinds[kind.field] = kind


def enabled_targets(owner_ids) -> dict[int, list[Target]]:
    """{owner id: [Target]} of what each of these owners has turned on (one query a kind).

    Owners with none are left out: the dispatch does nothing more for them.
    """
    targets: dict[int, list[Target]] = defaultdict(list)
    ids = list(set(owner_ids))
    if not ids:
        return {}
    for kind in _kinds.values():
        for owner_id, pk in kind.enabled(ids):
            targets[owner_id].append(Target(kind.field, pk))
    return dict(targets)


@sensitive_variables("url")
def send(delivery: Delivery, message: Message, *, timeout: float | None = None) -> None:
    """Send the message to the delivery's target; SendFailed if it did not take it.

    A channel gets `message`; a browser gets the push of the delivery's follow-up or digest.
    """
    for kind in _kinds.values():
        if getattr(delivery, kind.field):
            return kind.send(delivery, message, timeout)
    raise SendFailed(DeliveryError.REFUSED, permanent=True)


def _enabled_channels(owner_ids: list[int]) -> Iterable[tuple[int, int]]:
    # Served by channel_owner_enabled_idx.
    rows = Channel.objects.filter(owner_id__in=owner_ids, enabled=True)
    return rows.values_list("owner_id", "pk").order_by("created_at", "pk")


def _send_to_channel(delivery: Delivery, message: Message, timeout: float | None) -> None:
    send_to_channel(delivery.channel, message, timeout=timeout, key=str(delivery.pk))


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


register(TargetKind("channel_id", _enabled_channels, _send_to_channel))
