"""The seam between the dispatch and the places a reminder goes besides email.

A *target* is one place of a person's that receives reminders. Today there is one kind, a
notification Channel (an Apprise URL). The dispatch knows targets through two functions only:

- enabled_targets(owner_ids): which targets each owner has turned on now (one query a kind);
- send(delivery, message): deliver one message to one Delivery's target, or raise SendFailed.

Adding a second kind (browser push: webpush.PushSubscription) takes
1. a nullable foreign key on Delivery beside `channel` (say `subscription`), the check
   constraint delivery_has_a_target turned into "exactly one of them", and a partial unique
   constraint (followup, subscription, due_at) like delivery_once_per_channel;
2. one query more in enabled_targets, yielding Target("subscription_id", pk);
3. one branch more in send(), calling that app's function that sends one push (a 404/410
   answer there removes the subscription, and its deliveries with it);
4. select_related of the new key in notifications.dispatch._load and in the page queries, and
   Delivery.target_label.
Nothing else in the dispatch, the lease or the pages changes.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.views.decorators.debug import sensitive_variables

from notifications import crypto, sending
from notifications.models import Channel, Delivery, DeliveryError
from notifications.sending import Message, SendFailed


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
    return dict(targets)


@sensitive_variables("url")
def send(delivery: Delivery, message: Message, *, timeout: float | None = None) -> None:
    """Send the message to the delivery's target; SendFailed if it did not take it."""
    if delivery.channel_id:
        return send_to_channel(delivery.channel, message, timeout=timeout, key=str(delivery.pk))
    raise SendFailed(DeliveryError.REFUSED, permanent=True)


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
