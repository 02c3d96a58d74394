"""Notification channels drawn on the pages of the apps below: preferences, Today, a follow-up.

Those apps know nothing of channels; their templates load this library where a page shows them,
as followups_tags does for the applications' pages.
"""

from django import template
from django.db.models import F

from notifications.forms import ChannelForm
from notifications.models import Channel, Delivery, DeliveryState

register = template.Library()


@register.inclusion_tag("notifications/_channels.html", takes_context=True)
def notification_channels(context) -> dict:
    """`{% notification_channels %}`: the preferences page's "Notification channels" section.

    Email first (the reminders_enabled preference), then the person's channels (one query),
    then "Add channel": the form a refused attempt left in the context, or an empty one.
    """
    request = context["request"]
    user = request.user
    channels = list(Channel.objects.owned_by(user))
    for channel in channels:
        # Decrypted here, once, to a yes or no; the URL itself never reaches the template.
        channel.unreadable = channel.needs_reentering
    return {
        "request": request,
        "user": user,
        "csrf_token": context.get("csrf_token"),
        "channels": channels,
        "channel_form": context.get("channel_form") or ChannelForm(owner=user),
    }


@register.simple_tag
def delivery_notes(*lists) -> str:
    """`{% delivery_notes followups.due followups.failed %}`: set `not_delivered_to` on each.

    The labels of the channels and browsers that gave up on each follow-up's current reminder
    (one query for all the lists; none when they are empty), for Today's "Not delivered to …".
    """
    followups = [followup for rows in lists for followup in rows]
    for followup in followups:
        followup.not_delivered_to = []
    if not followups:
        return ""
    by_id = {followup.pk: followup for followup in followups}
    # Only reminders' deliveries: a digest's that failed is left off the pages (its email went).
    failed = (
        Delivery.objects.filter(
            followup_id__in=list(by_id),
            state=DeliveryState.FAILED,
            # The reminder on screen, not one before a snooze.
            due_at=F("followup__due_at"),
        )
        .select_related("channel", "subscription")
        .order_by("pk")
    )
    for delivery in failed:
        by_id[delivery.followup_id].not_delivered_to.append(delivery.target_label)
    return ""


@register.inclusion_tag("notifications/_followup_deliveries.html")
def followup_deliveries(followup) -> dict:
    """`{% followup_deliveries followup %}`: where the current reminder went, on its page."""
    deliveries = list(
        Delivery.objects.filter(followup=followup, due_at=followup.due_at)
        .select_related("channel", "subscription")
        # Made in one insert per target kind, in the order of enabled_targets.
        .order_by("pk")
    )
    return {"deliveries": deliveries, "followup": followup}
