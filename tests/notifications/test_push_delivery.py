"""A browser subscribed to web push is a delivery target beside the channels (issue 14):
each reminder reaches it once, through the same channel pass, against a real local push
service (tests.webpush.standin) and a real webhook receiver, with time frozen."""

import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from followups.dispatch import dispatch_due
from followups.models import Followup
from notifications.dispatch import backoff, deliver_due
from notifications.models import Delivery, DeliveryError, DeliveryState
from notifications.templatetags.notifications_tags import delivery_notes
from tests.factories import ApplicationFactory, ChannelFactory, FollowupFactory
from tests.webpush.standin import decrypt
from webpush.models import PushSubscription
from webpush.services import push_subscription_save

pytestmark = pytest.mark.django_db

# 14:00 in Helsinki: outside the default quiet hours.
NOW = datetime.datetime(2026, 3, 10, 12, 0, tzinfo=datetime.UTC)
MINUTE = datetime.timedelta(minutes=1)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def due(owner, **fields) -> Followup:
    fields.setdefault("due_at", NOW - MINUTE)
    return FollowupFactory(
        application=ApplicationFactory(owner=owner, company="Kone Oyj"), **fields
    )


def dispatch():
    """One email pass, then one channel pass, as the periodic task runs them."""
    return dispatch_due(), deliver_due()


def test_a_reminder_reaches_the_channel_and_the_browser_once_each(
    alice, subscription, push_service, browser_keys, webhook_sink, mailoutbox
):
    ChannelFactory(owner=alice, label="Phone", url=webhook_sink.url())
    followup = due(alice)

    emailed, delivered = dispatch()
    again = dispatch()

    assert (emailed.sent, delivered.claimed, delivered.sent) == (1, 2, 2)
    assert (again[0].claimed, again[1].claimed) == (0, 0)
    assert len(mailoutbox) == 1
    assert webhook_sink.followup_ids() == {followup.pk: 1}
    [push] = push_service.received
    payload = decrypt(push, browser_keys)
    assert "Kone Oyj" in payload["title"]
    assert payload["tag"] == f"followup-{followup.pk}"
    assert payload["url"].endswith(followup.get_absolute_url())
    rows = Delivery.objects.order_by("pk")
    assert [(d.channel_id is not None, d.subscription_id) for d in rows] == [
        (True, None),
        (False, subscription.pk),
    ]
    assert {d.state for d in rows} == {DeliveryState.SENT}
    assert rows[1].target_label == "Firefox on Android"


def test_a_gone_browser_is_removed_and_holds_back_neither_the_channel_nor_the_email(
    alice, subscription, push_service, webhook_sink, mailoutbox
):
    ChannelFactory(owner=alice, url=webhook_sink.url())
    followup = due(alice)
    push_service.status = 410

    emailed, delivered = dispatch()
    again = dispatch()

    assert (emailed.sent, delivered.sent, delivered.gone) == (1, 1, 1)
    assert again[1].claimed == 0
    assert len(mailoutbox) == 1
    assert webhook_sink.followup_ids() == {followup.pk: 1}
    assert len(push_service.received) == 1
    assert not PushSubscription.objects.exists()
    # The browser's delivery went with it; the channel's is recorded sent.
    assert list(Delivery.objects.values_list("state", flat=True)) == [DeliveryState.SENT]


def test_a_busy_push_service_is_tried_again_after_the_backoff(
    alice, subscription, push_service, browser_keys, frozen
):
    followup = due(alice)
    push_service.status = 503

    dispatch()
    delivery = Delivery.objects.get()
    assert (delivery.state, delivery.error, delivery.error_status) == (
        DeliveryState.PENDING,
        DeliveryError.HTTP,
        503,
    )
    assert delivery.next_attempt_at == NOW + backoff(1)

    push_service.status = 201
    frozen.move_to(delivery.next_attempt_at)
    assert deliver_due().sent == 1
    assert [decrypt(r, browser_keys)["tag"] for r in push_service.received] == [
        f"followup-{followup.pk}"
    ] * 2


def test_a_push_service_asking_to_wait_is_left_alone_that_long(
    alice, subscription, push_service, browser_keys, frozen
):
    """A 429 with Retry-After: 600 is tried again after ten minutes, not the first backoff's
    one; a Retry-After of a day is held to the backoff's cap (an hour)."""
    due(alice)
    push_service.status = 429
    push_service.reply_headers = {"Retry-After": "600"}

    dispatch()
    delivery = Delivery.objects.get()
    assert delivery.next_attempt_at == NOW + datetime.timedelta(minutes=10)
    frozen.move_to(NOW + backoff(1))
    assert deliver_due().claimed == 0

    frozen.move_to(delivery.next_attempt_at)
    push_service.reply_headers = {"Retry-After": str(24 * 3600)}
    assert deliver_due().retrying == 1
    delivery.refresh_from_db()
    assert delivery.next_attempt_at == NOW + datetime.timedelta(minutes=10, hours=1)

    push_service.status = 201
    frozen.move_to(delivery.next_attempt_at)
    assert deliver_due().sent == 1


def test_a_refused_push_fails_at_once_and_is_named_on_today(alice, subscription, push_service):
    followup = due(alice)
    push_service.status = 400

    assert dispatch()[1].failed == 1

    delivery = Delivery.objects.get()
    assert (delivery.state, delivery.attempts) == (DeliveryState.FAILED, 1)
    delivery_notes([followup])
    assert followup.not_delivered_to == ["Firefox on Android"]
    # Not a gone browser: it stays subscribed.
    assert PushSubscription.objects.filter(pk=subscription.pk).exists()


def test_the_channel_pass_reads_the_same_whatever_the_number_of_reminders(
    alice, push_service, browser_keys, vapid_settings, webhook_sink
):
    """Writes are one per row (its result, the browser's last success); reads are per pass."""
    ChannelFactory(owner=alice, url=webhook_sink.url())
    push_subscription_save(
        owner=alice,
        endpoint=push_service.endpoint(),
        p256dh=browser_keys.p256dh,
        auth=browser_keys.auth,
        user_agent="Firefox/133.0",
    )

    def reads(count: int) -> int:
        for _ in range(count):
            due(alice)
        dispatch_due()
        with CaptureQueriesContext(connection) as captured:
            assert deliver_due().sent == 2 * count
        return sum(q["sql"].lstrip().upper().startswith("SELECT") for q in captured)

    assert reads(1) == reads(4)
