"""Channel deliveries through real processes: a Celery worker SIGKILLed while a webhook channel
is in the middle of answering, and a webhook answering 500 while the SMTP server takes the
emails. Each reminder reaches each channel once, and the email goes on time regardless.

`make faults` runs the long version (thousands of reminders, a flapping channel, workers
killed at random moments) with its figures: bench/faults/channels.py.
"""

import datetime
from collections import Counter

import pytest
from django.utils import timezone

from followups.models import Followup, State
from notifications.models import Delivery, DeliveryState
from tests.factories import ApplicationFactory, ChannelFactory, FollowupFactory, UserFactory
from tests.integration.conftest import wait_for

pytestmark = [
    pytest.mark.integration,
    pytest.mark.redis,
    pytest.mark.django_db(transaction=True),
]

# Short timeouts, so that the shortest lease the settings accept is half a minute.
FAST = {"EMAIL_TIMEOUT": "5", "CHANNELS_SEND_TIMEOUT": "5", "FOLLOWUP_DISPATCH_LEASE": "30"}


def due_with_channels(count: int, sink) -> list[int]:
    """count due follow-ups, each of its own person with a webhook channel, no quiet hours."""
    ids = []
    for _ in range(count):
        owner = UserFactory(
            quiet_hours_start=datetime.time(0, 0), quiet_hours_end=datetime.time(0, 0)
        )
        ChannelFactory(owner=owner, label="Hook", url=sink.url())
        followup = FollowupFactory(
            application=ApplicationFactory(owner=owner), due_at=timezone.now()
        )
        ids.append(followup.pk)
    return ids


def emails_by_followup(inbox) -> Counter:
    return Counter(int(m["X-Seuranta-Followup"]) for m in inbox.snapshot())


def passes(stack) -> int:
    return stack.log("worker-2").count("dispatch_due_followups") + stack.log("worker").count(
        "dispatch_due_followups"
    )


def test_a_worker_killed_while_a_channel_is_answering_loses_and_doubles_nothing(
    celery_stack, smtp_server, webhook_sink
):
    """The webhook holds the first message it gets; the worker, parent and pool, is SIGKILLed
    while it waits for the answer. The message was never answered (so never received); the
    deliveries the dead worker had claimed wait out the lease, and a new worker sends each
    of them once. The emails, sent before the channel pass, arrive once each too."""
    celery_stack.env.update(FAST)
    ids = due_with_channels(5, webhook_sink)
    webhook_sink.hold.clear()
    celery_stack.start_worker("worker")
    celery_stack.start_beat()

    wait_for(lambda: webhook_sink.held >= 1, 30, 0.05, "a channel message in flight")
    claimed = Delivery.objects.filter(state=DeliveryState.PENDING, claimed_until__isnull=False)
    assert claimed.exists()
    celery_stack.kill_group("worker")
    webhook_sink.discard_held = True
    webhook_sink.hold.set()
    wait_for(lambda: webhook_sink.held == 0, 10, 0.05, "the held request to be dropped")
    webhook_sink.discard_held = False
    assert webhook_sink.messages() == []
    assert emails_by_followup(smtp_server) == Counter(ids)

    celery_stack.start_worker("worker-2")
    # After the lease (30 s) the dead worker's claims are taken over.
    wait_for(lambda: set(webhook_sink.followup_ids()) == set(ids), 90, 0.2, "every channel message")
    seen = passes(celery_stack)
    wait_for(lambda: passes(celery_stack) >= seen + 4, 20, 0.2, "two more dispatch passes")

    assert webhook_sink.followup_ids() == Counter(ids)
    assert emails_by_followup(smtp_server) == Counter(ids)
    assert set(Delivery.objects.values_list("state", flat=True)) == {DeliveryState.SENT}
    # At least the delivery in flight was claimed twice.
    assert Delivery.objects.filter(attempts__gt=1).exists()
    assert set(Followup.objects.values_list("state", flat=True)) == {State.NOTIFIED}


def test_a_channel_answering_500_does_not_delay_the_email(celery_stack, smtp_server, webhook_sink):
    """The emails reach the SMTP server within two dispatch intervals while the webhook refuses
    everything; once it answers again, the retry after the backoff delivers each message once."""
    celery_stack.env.update(FAST)
    webhook_sink.fail_with = 500
    ids = due_with_channels(3, webhook_sink)
    celery_stack.start_worker("worker")
    celery_stack.start_beat()

    wait_for(
        lambda: set(emails_by_followup(smtp_server)) == set(ids),
        2 * celery_stack.interval + 10,
        0.1,
        "the emails",
    )
    wait_for(
        lambda: Delivery.objects.filter(error="http", error_status=500).count() == len(ids),
        20,
        0.1,
        "the refused deliveries",
    )
    assert webhook_sink.messages() == []
    # The retry is a minute away (dispatch.backoff): bring it forward rather than wait for it.
    webhook_sink.fail_with = None
    Delivery.objects.update(next_attempt_at=timezone.now())
    wait_for(lambda: set(webhook_sink.followup_ids()) == set(ids), 20, 0.1, "the retries")
    seen = passes(celery_stack)
    wait_for(lambda: passes(celery_stack) >= seen + 4, 20, 0.2, "two more dispatch passes")

    assert webhook_sink.followup_ids() == Counter(ids)
    assert emails_by_followup(smtp_server) == Counter(ids)
    refused = [a for a in webhook_sink.attempts if a[1] == "500"]
    assert len(refused) >= len(ids)
