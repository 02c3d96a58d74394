"""Today says when the latest morning digest did not reach the person: its email failed for
good, or a channel gave up on it. Nothing else would: a digest's follow-ups go back to waiting
for the next one, and a digest's failed delivery has no card of its own."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from followups import queries
from followups.digest import send_digests
from followups.dispatch import MAX_ATTEMPTS
from followups.models import Digest, DigestState, Kind
from notifications.dispatch import deliver_due
from notifications.models import Delivery, DeliveryState
from tests.factories import ChannelFactory, UserFactory, followup_of_kind

pytestmark = pytest.mark.django_db

HERE = "tests.followups.test_digest"
HELSINKI = ZoneInfo("Europe/Helsinki")
# Tuesday 10 March 2026, the digest's time; no public holiday that week.
DIGEST_TIME = datetime.datetime(2026, 3, 10, 8, 0, tzinfo=HELSINKI)


@pytest.fixture
def frozen():
    with time_machine.travel(DIGEST_TIME, tick=False) as traveller:
        yield traveller


@pytest.fixture
def carol(db):
    return UserFactory(
        email="carol@example.com",
        language="en",
        digest_enabled=True,
        digest_time=datetime.time(8, 0),
    )


def today_html(client, user) -> str:
    client.force_login(user)
    response = client.get(reverse("applications:dashboard"))
    assert response.status_code == 200
    return response.content.decode()


def fail_every_attempt(frozen, step) -> None:
    for _ in range(MAX_ATTEMPTS):
        step()
        pending = Digest.objects.filter(state=DigestState.PENDING).first() or (
            Delivery.objects.filter(state=DeliveryState.PENDING).first()
        )
        if pending is None:
            return
        frozen.move_to(pending.next_attempt_at)


def test_a_digest_whose_email_failed_for_good_is_said_on_today_until_the_next_one_goes(
    carol, bob, client, settings, frozen
):
    followup_of_kind(Kind.CALL, owner=carol, due_at=DIGEST_TIME - datetime.timedelta(hours=1))
    settings.EMAIL_BACKEND = f"{HERE}.RefusingBackend"
    fail_every_attempt(frozen, send_digests)
    assert Digest.objects.get().state == DigestState.FAILED

    page = today_html(client, carol)
    assert "Your digest of 10 Mar 2026 could not be emailed: SMTPException: 451" in page
    assert "goes in your next digest" in page
    carol.language = "fi"
    carol.save()
    assert "Päivän 10.3.2026 koostetta ei voitu lähettää" in today_html(client, carol)
    # Only its owner's Today.
    assert "Your digest of" not in today_html(client, bob)

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    frozen.move_to(DIGEST_TIME + datetime.timedelta(days=1))
    assert send_digests().sent == 1
    assert "koostetta" not in today_html(client, carol)


def test_a_channel_that_gave_up_on_the_digest_is_named_on_today(
    carol, client, webhook_sink, frozen
):
    ChannelFactory(owner=carol, label="Phone <ntfy>", url=webhook_sink.url())
    ChannelFactory(owner=carol, label="Desk", url=webhook_sink.url("/desk"))
    followup_of_kind(Kind.CALL, owner=carol, due_at=DIGEST_TIME - datetime.timedelta(hours=1))
    assert send_digests().sent == 1
    webhook_sink.fail_with = 500
    fail_every_attempt(frozen, deliver_due)
    assert Delivery.objects.filter(state=DeliveryState.FAILED).count() == 2

    page = today_html(client, carol)
    assert "Your digest of 10 Mar 2026 was not delivered to Phone &lt;ntfy&gt;, Desk." in page
    assert f'href="{reverse("preferences")}#channels"' in page


def test_a_digest_that_reached_everywhere_says_nothing_in_one_query(
    carol, webhook_sink, frozen, django_assert_num_queries
):
    ChannelFactory(owner=carol, url=webhook_sink.url())
    followup_of_kind(Kind.CALL, owner=carol, due_at=DIGEST_TIME - datetime.timedelta(hours=1))
    with django_assert_num_queries(1):
        assert queries.digest_problem(carol, DIGEST_TIME.date()) is None
    send_digests()
    deliver_due()
    with django_assert_num_queries(2):
        assert queries.digest_problem(carol, DIGEST_TIME.date()) is None


def test_a_failed_digest_is_said_for_a_week_only(carol, client, settings, frozen):
    followup_of_kind(Kind.CALL, owner=carol, due_at=DIGEST_TIME - datetime.timedelta(hours=1))
    settings.EMAIL_BACKEND = f"{HERE}.RefusingBackend"
    fail_every_attempt(frozen, send_digests)
    carol.digest_enabled = False
    carol.save()

    day = DIGEST_TIME.date()
    assert queries.digest_problem(carol, day + datetime.timedelta(days=7)) is not None
    assert queries.digest_problem(carol, day + datetime.timedelta(days=8)) is None
