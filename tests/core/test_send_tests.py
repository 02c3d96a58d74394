"""The Send test buttons (core.send_tests): queued by the request, sent by the worker, the answer on
a page only its owner sees; the worker sends to the owner's channel as it is then; ten a minute."""

import datetime
import time

import pytest
import time_machine
from django.test import Client, TestCase
from django.urls import reverse

from notifications import send_tests as notification_tests
from notifications.tasks import send_channel_test, send_email_test
from tests.factories import ChannelFactory
from tests.send_test import press_send_test, queue_send_test

pytestmark = pytest.mark.django_db

PREFERENCES = reverse("preferences")
EMAIL_TEST = reverse("notifications:email_test")


def channel_test(channel) -> str:
    return reverse("notifications:channel_test", args=[channel.pk])


def page(token: str) -> str:
    return reverse("send_test", args=[token])


def status(token: str) -> str:
    return reverse("send_test_status", args=[token])


@pytest.fixture
def phone(alice, webhook_sink):
    return ChannelFactory(owner=alice, label="Phone", url=webhook_sink.url())


def test_the_button_only_queues_the_test_and_answers_at_once(alice_client, phone, webhook_sink):
    """The request does no network work: a channel that would hang holds no web process."""
    webhook_sink.hold.clear()
    started = time.monotonic()
    with TestCase.captureOnCommitCallbacks() as queued:
        queue_send_test(alice_client, channel_test(phone))
    assert time.monotonic() - started < 1
    assert len(queued) == 1
    assert webhook_sink.attempts == [] and webhook_sink.held == 0


def test_the_page_waits_for_the_worker_then_shows_the_channels_answer(
    alice_client, phone, webhook_sink
):
    token = queue_send_test(alice_client, channel_test(phone))

    waiting = alice_client.get(page(token))
    assert waiting.status_code == 200
    assert waiting["Cache-Control"].startswith("max-age=0")
    html = waiting.content.decode()
    assert "Sending a test message to “Phone”…" in html
    assert '<noscript><meta http-equiv="refresh" content="2"></noscript>' in html
    assert f'href="{page(token)}">Check again</a>' in html
    assert f'href="{PREFERENCES}#channels">Back to your preferences</a>' in html
    assert "js/waiting.js" in html
    assert alice_client.get(status(token)).json() == {
        "finished": False,
        "text": "Sending a test message to “Phone”…",
        "hint": "",
    }
    assert webhook_sink.messages() == []

    send_channel_test.apply(args=[token])  # the worker

    assert alice_client.get(status(token)).json()["finished"] is True
    done = alice_client.get(page(token)).content.decode()
    assert "Test message sent to “Phone”: the channel accepted it." in done
    assert "Check again" not in done and "waiting.js" not in done and "refresh" not in done
    assert f'href="{PREFERENCES}#channels">Back to your preferences</a>' in done
    assert len(webhook_sink.messages()) == 1


def test_a_test_no_worker_took_within_ten_seconds_says_the_worker_may_not_run(alice_client, phone):
    token = queue_send_test(alice_client, channel_test(phone))
    with time_machine.travel(time.time() + 9):
        assert alice_client.get(status(token)).json()["hint"] == ""
    with time_machine.travel(time.time() + 11):
        hint = alice_client.get(status(token)).json()["hint"]
        html = alice_client.get(page(token)).content.decode()
    assert "the background worker may not be running" in hint
    assert "the background worker may not be running" in html


def test_a_test_the_worker_is_sending_is_late_only_after_two_minutes(
    alice_client, phone, monkeypatch
):
    """A channel may take its whole timeout to answer: the worker is there, only slow."""
    seen = []

    def slow_channel(**kwargs):
        for seconds in (30, 121):
            with time_machine.travel(time.time() + seconds):
                seen.append(alice_client.get(status(token)).json())
        return None

    monkeypatch.setattr(notification_tests, "channel_send_test", slow_channel)
    token = queue_send_test(alice_client, channel_test(phone))
    send_channel_test.apply(args=[token], throw=True)

    assert [answer["finished"] for answer in seen] == [False, False]
    assert seen[0]["hint"] == ""
    assert "the background worker may not be running" in seen[1]["hint"]
    assert alice_client.get(status(token)).json()["finished"] is True


def test_another_persons_test_is_a_404(alice_client, phone, bob):
    token = queue_send_test(alice_client, channel_test(phone))
    bob_client = Client()
    bob_client.force_login(bob)

    response = bob_client.get(page(token))
    assert response.status_code == 404
    assert "Phone" not in response.content.decode()
    assert "This test is no longer here" in response.content.decode()
    assert bob_client.get(status(token)).status_code == 404
    assert alice_client.get(page(token)).status_code == 200


@pytest.mark.parametrize("token", ["nope", "0" * 32, "A" * 32])
def test_an_unknown_or_malformed_test_is_a_404(alice_client, token):
    response = alice_client.get(page(token))
    assert response.status_code == 404
    assert f'href="{PREFERENCES}"' in response.content.decode()
    assert alice_client.get(status(token)).json()["finished"] is True


def test_a_test_is_kept_for_an_hour(alice_client, phone):
    token = queue_send_test(alice_client, channel_test(phone))
    later = datetime.datetime.now(datetime.UTC) + datetime.timedelta(minutes=61)
    with time_machine.travel(later, tick=False):
        assert alice_client.get(page(token)).status_code == 404


def test_a_channel_removed_before_the_worker_ran_is_not_sent_to(alice_client, phone, webhook_sink):
    token = queue_send_test(alice_client, channel_test(phone))
    phone.delete()

    send_channel_test.apply(args=[token])

    html = alice_client.get(page(token)).content.decode()
    assert "This channel is no longer there: it was removed." in html
    assert webhook_sink.attempts == []


def test_the_worker_sends_only_to_a_channel_the_person_still_owns(
    alice_client, phone, bob, webhook_sink
):
    token = queue_send_test(alice_client, channel_test(phone))
    phone.owner = bob
    phone.save()

    send_channel_test.apply(args=[token])

    assert "This channel is no longer there" in alice_client.get(page(token)).content.decode()
    assert webhook_sink.attempts == []


def test_a_second_delivery_of_the_task_sends_nothing_more(alice_client, phone, webhook_sink):
    token = queue_send_test(alice_client, channel_test(phone))
    send_channel_test.apply(args=[token])
    send_channel_test.apply(args=[token])
    assert len(webhook_sink.messages()) == 1


def test_a_task_of_another_kind_does_not_take_the_test(alice_client, phone, mailoutbox):
    token = queue_send_test(alice_client, channel_test(phone))
    send_email_test.apply(args=[token])
    assert mailoutbox == []
    assert alice_client.get(status(token)).json()["finished"] is False


def test_the_answer_is_in_the_language_of_the_page(alice_client, alice, phone):
    alice.language = "fi"
    alice.save()
    html = press_send_test(alice_client, channel_test(phone)).content.decode()
    assert "Testiviesti lähetetty kanavaan ”Phone”: kanava otti sen vastaan." in html
    assert "Takaisin asetuksiin" in html


def test_a_worker_that_fails_says_so_instead_of_waiting_for_ever(alice_client, phone, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(notification_tests, "channel_send_test", broken)
    token = queue_send_test(alice_client, channel_test(phone))
    with pytest.raises(RuntimeError):
        send_channel_test.apply(args=[token], throw=True)
    html = alice_client.get(page(token)).content.decode()
    assert "The test could not be sent: something went wrong on the server." in html
    assert "boom" not in html


def test_at_most_ten_tests_a_minute_whichever_the_buttons(alice_client, phone):
    now = datetime.datetime(2026, 3, 2, 9, 0, 5, tzinfo=datetime.UTC)
    with time_machine.travel(now, tick=False):
        for number in range(10):
            url = EMAIL_TEST if number % 2 else channel_test(phone)
            assert alice_client.post(url).status_code == 302, number
        with TestCase.captureOnCommitCallbacks() as queued:
            refused = alice_client.post(channel_test(phone))
        assert queued == []
        assert refused.status_code == 429
        assert refused["Retry-After"] == "55"
        html = refused.content.decode()
        assert "Seuranta sends at most 10 test messages a minute." in html
        assert f'href="{PREFERENCES}#channels">Back to your preferences</a>' in html
        assert alice_client.post(EMAIL_TEST).status_code == 429
    with time_machine.travel(now + datetime.timedelta(minutes=1), tick=False):
        assert alice_client.post(channel_test(phone)).status_code == 302


def test_one_persons_tests_do_not_count_against_anothers(alice, phone, bob):
    alice_client, bob_client = Client(), Client()
    alice_client.force_login(alice)
    bob_client.force_login(bob)
    with time_machine.travel(datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)):
        for _ in range(11):
            alice_client.post(channel_test(phone))
        assert bob_client.post(EMAIL_TEST).status_code == 302
