"""The morning digest reaches the person's channels and browsers too (issue 14): one message
each with the digest's content, sent by the channel pass once the email is recorded sent."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail

from followups.digest import send_digests
from followups.models import Digest, DigestState, Kind, State
from notifications.dispatch import deliver_due
from notifications.models import Delivery, DeliveryState
from tests.factories import ChannelFactory, UserFactory, followup_of_kind
from tests.webhook import FOLLOWUP_IN_LINK
from tests.webpush.standin import decrypt
from webpush.services import push_subscription_save

pytestmark = pytest.mark.django_db

HELSINKI = ZoneInfo("Europe/Helsinki")
# Tuesday 10 March 2026, 07:00 in Helsinki: an hour before Carol's digest.
NOW = datetime.datetime(2026, 3, 10, 7, 0, tzinfo=HELSINKI)
DIGEST_TIME = datetime.datetime(2026, 3, 10, 8, 0, tzinfo=HELSINKI)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def carol(db):
    return UserFactory(
        email="carol@example.com",
        display_name="Carol Example",
        digest_enabled=True,
        digest_time=datetime.time(8, 0),
    )


def passes():
    """The digest task's pass, then the dispatch task's channel pass."""
    return send_digests(), deliver_due()


def test_at_the_digest_time_one_email_and_one_webhook_message_list_the_due_items(
    carol, frozen, webhook_sink, mailoutbox
):
    ChannelFactory(owner=carol, label="Phone", url=webhook_sink.url())
    call = followup_of_kind(
        Kind.CALL, owner=carol, due_at=DIGEST_TIME + datetime.timedelta(hours=2)
    )
    overdue = followup_of_kind(Kind.THANK_YOU, owner=carol, due_at=NOW - datetime.timedelta(days=1))

    assert passes()[1].claimed == 0  # Before its time: nothing.
    frozen.move_to(DIGEST_TIME)
    digests, delivered = passes()
    again = passes()

    assert (digests.sent, digests.listed, delivered.sent) == (1, 2, 1)
    assert (again[0].sent, again[1].claimed) == (0, 0)
    [email] = mailoutbox
    [message] = webhook_sink.messages()
    assert message["title"] == email.subject
    assert message["message"] == email.body.strip()
    # Each item with its signed "Mark done" link.
    linked = {int(pk) for pk in FOLLOWUP_IN_LINK.findall(message["message"])}
    assert linked == {call.pk, overdue.pk}
    delivery = Delivery.objects.get()
    assert (delivery.followup_id, delivery.due_at, delivery.state) == (
        None,
        None,
        DeliveryState.SENT,
    )
    assert delivery.digest == Digest.objects.get(owner=carol)
    assert str(delivery) == f"digest {delivery.digest_id} → Phone: sent"


def test_the_digest_reaches_a_subscribed_browser_once_in_the_persons_language(
    carol, frozen, webhook_sink, push_service, browser_keys, vapid_settings
):
    carol.language = "fi"
    carol.save()
    ChannelFactory(owner=carol, url=webhook_sink.url())
    push_subscription_save(
        owner=carol,
        endpoint=push_service.endpoint(),
        p256dh=browser_keys.p256dh,
        auth=browser_keys.auth,
        user_agent="Firefox/133.0",
    )
    for hours in (1, 2):
        followup_of_kind(
            Kind.CALL, owner=carol, due_at=DIGEST_TIME + datetime.timedelta(hours=hours)
        )

    frozen.move_to(DIGEST_TIME)
    assert passes()[1].sent == 2
    assert passes()[1].claimed == 0

    [push] = push_service.received
    payload = decrypt(push, browser_keys)
    assert (payload["tag"], payload["lang"]) == ("digest", "fi")
    assert payload["title"].startswith("2 ")
    [message] = webhook_sink.messages()
    assert "Merkitse tehdyksi" in message["message"]


def test_a_digest_whose_email_failed_reaches_no_channel_until_it_goes(
    carol, frozen, settings, webhook_sink
):
    ChannelFactory(owner=carol, url=webhook_sink.url())
    followup_of_kind(Kind.CALL, owner=carol, due_at=DIGEST_TIME)
    settings.EMAIL_BACKEND = "tests.followups.test_digest.RefusingBackend"

    frozen.move_to(DIGEST_TIME)
    assert passes()[0].retrying == 1
    assert not Delivery.objects.exists()

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    frozen.move_to(Digest.objects.get().next_attempt_at)
    digests, delivered = passes()

    assert (digests.sent, delivered.sent) == (1, 1)
    assert len(mail.outbox) == 1
    assert len(webhook_sink.messages()) == 1
    assert Digest.objects.get().state == DigestState.SENT


def test_a_digests_delivery_still_goes_after_its_items_are_done(carol, frozen, webhook_sink):
    """It says what the email said; a follow-up marked done meanwhile does not cancel it."""
    ChannelFactory(owner=carol, url=webhook_sink.url())
    followup = followup_of_kind(Kind.CALL, owner=carol, due_at=DIGEST_TIME)

    frozen.move_to(DIGEST_TIME)
    send_digests()
    type(followup).objects.filter(pk=followup.pk).update(state=State.DONE)

    assert deliver_due().sent == 1
