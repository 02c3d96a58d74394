"""Notifications' subscription to the follow-up engine (followups.announce).

The engine announces a reminder or a digest going out; this turns each announcement into one
Delivery per target the person has on (a channel, or a browser subscribed to web push), which
the channel pass (notifications.dispatch) sends after each email pass. Registered by
NotificationsConfig.ready().
"""

from __future__ import annotations

import datetime

from followups.announce import Subscriber
from notifications import dispatch, services, targets
from notifications.models import Delivery, DeliveryState


class ChannelsSubscriber(Subscriber):
    name = "channels"

    def prepare(self, owner_ids: set[int]) -> dict[int, list[targets.Target]]:
        # One query a kind of target for the whole batch, whoever has channels.
        return targets.enabled_targets(owner_ids)

    def reminder_going_out(self, followup, *, not_before: datetime.datetime, prepared) -> None:
        services.deliveries_create(
            followup=followup, to=prepared.get(followup.owner_id, []), not_before=not_before
        )

    def digest_going_out(self, digest, *, now: datetime.datetime) -> None:
        owner_id = digest.owner_id
        services.digest_deliveries_create(
            digest=digest, to=targets.enabled_targets([owner_id]).get(owner_id, []), now=now
        )

    def has_due(self, now: datetime.datetime) -> bool:
        return dispatch.has_due(now)

    def deliver_due(
        self, *, batch_size: int, deadline: float | None, lease: datetime.timedelta
    ) -> dispatch.DeliveryResult:
        return dispatch.deliver_due(batch_size=batch_size, deadline=deadline, lease=lease)

    def undelivered(self, digest) -> list[str]:
        """The labels of the channels and browsers that gave up on the digest."""
        failed = (
            Delivery.objects.filter(digest=digest, state=DeliveryState.FAILED)
            .select_related("channel", "subscription")
            .order_by("pk")
        )
        return [delivery.target_label for delivery in failed]
