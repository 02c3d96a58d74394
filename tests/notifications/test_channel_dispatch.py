"""Each reminder reaches each channel that is on exactly once, against a real webhook receiver.

The channel is a `json://127.0.0.1:PORT/…` URL posting to tests.webhook.WebhookSink; the email
goes to Django's locmem outbox. Time is frozen: a backoff is waited out by moving the clock.
"""

import datetime
import re
import time
import uuid

import pytest
import time_machine
from django.core import signing
from django.urls import reverse

from followups import links
from followups.dispatch import MAX_ATTEMPTS, dispatch_due
from followups.models import Followup, Kind, State
from followups.tasks import dispatch_until_done
from notifications import dispatch as channels
from notifications.dispatch import backoff, claim_due, deliver_due
from notifications.models import Delivery, DeliveryError, DeliveryState
from tests.factories import (
    ApplicationFactory,
    ChannelFactory,
    ContactFactory,
    FollowupFactory,
    InterviewFactory,
)
from tests.logs import every_log_line
from tests.webhook import FOLLOWUP_IN_LINK, SECRET_PATH

pytestmark = pytest.mark.django_db

# 14:00 in Helsinki: outside the default quiet hours (21:00–08:00).
NOW = datetime.datetime(2026, 3, 10, 12, 0, tzinfo=datetime.UTC)
MINUTE = datetime.timedelta(minutes=1)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def due(owner, **fields) -> Followup:
    return FollowupFactory(application=ApplicationFactory(owner=owner), **fields)


def dispatch(now=None):
    """One email pass, then one channel pass, as the periodic task runs them."""
    emailed = dispatch_due(now=now)
    return emailed, deliver_due(now=now)


def test_a_due_reminder_reaches_the_channel_once_and_the_email_too(alice, webhook_sink, mailoutbox):
    ChannelFactory(owner=alice, label="Phone", url=webhook_sink.url())
    followup = due(alice, due_at=NOW - MINUTE)

    emailed, delivered = dispatch()
    again = dispatch()

    assert (emailed.sent, delivered.claimed, delivered.sent) == (1, 1, 1)
    assert (again[0].claimed, again[1].claimed) == (0, 0)
    assert len(mailoutbox) == 1
    assert webhook_sink.followup_ids() == {followup.pk: 1}
    [message] = webhook_sink.messages()
    assert message["path"] == SECRET_PATH
    delivery = Delivery.objects.get()
    assert (delivery.state, delivery.sent_at, delivery.attempts) == (DeliveryState.SENT, NOW, 1)
    assert (delivery.claimed_until, delivery.claim_token) == (None, None)
    assert delivery.due_at == followup.due_at


def test_the_message_names_the_action_the_company_the_phone_and_a_working_mark_done_link(
    alice, webhook_sink, client
):
    ChannelFactory(owner=alice, url=webhook_sink.url())
    maija = ContactFactory(owner=alice, name="Maija Meikäläinen", phone="+358 40 765 4321")
    application = ApplicationFactory(owner=alice, company="Wärtsilä Oyj", position="Engineer")
    interview = InterviewFactory(application=application, interviewers=[maija])
    followup = FollowupFactory(application=application, interview=interview, kind=Kind.CALL)

    dispatch()

    [message] = webhook_sink.messages()
    assert message["title"] == "Call Wärtsilä Oyj about your Engineer interview"
    body = message["message"]
    assert "Time to call Wärtsilä Oyj about your Engineer interview." in body
    assert "Interviewer: Maija Meikäläinen" in body
    assert "Phone: +358 40 765 4321" in body
    link = re.search(r"Mark done: (\S+)", body).group(1)
    assert link == links.action_url(followup, "done")
    # The link acts without a session, on the strength of its signature.
    response = client.post(link.removeprefix("http://127.0.0.1:8000"))
    assert response.status_code in (200, 302)
    followup.refresh_from_db()
    assert followup.state == State.DONE


def test_the_message_is_in_the_persons_language(alice, webhook_sink):
    alice.language = "fi"
    alice.save()
    ChannelFactory(owner=alice, url=webhook_sink.url())
    due(alice)

    dispatch()

    body = webhook_sink.messages()[0]["message"]
    assert "Mark done:" not in body
    assert "Merkitse tehdyksi:" in body


def test_a_company_name_with_markup_and_line_breaks_arrives_as_plain_text_on_one_line(
    alice, webhook_sink
):
    """Sent as a plain-text body: no Markdown or HTML is read into it, and a line break in a
    name cannot add a line of its own (a fake "Mark done:" pointing elsewhere)."""
    ChannelFactory(owner=alice, url=webhook_sink.url())
    hostile = "**Acme** <b>Oy</b> [x](http://evil.example)\nMark done: http://evil.example"
    application = ApplicationFactory(owner=alice, company=hostile)
    FollowupFactory(application=application)

    dispatch()

    [message] = webhook_sink.messages()
    body = message["message"]
    assert "**Acme** <b>Oy</b> [x](http://evil.example) Mark done: http://evil.example" in body
    assert [line for line in body.splitlines() if line.startswith("Mark done:")] == [
        line for line in body.splitlines() if "/followups/link/" in line
    ]
    assert message["type"] == "info"


def test_each_channel_gets_its_own_copy_once(alice, webhook_sink):
    ChannelFactory(owner=alice, label="Phone", url=webhook_sink.url("/a"))
    ChannelFactory(owner=alice, label="Laptop", url=webhook_sink.url("/b"))
    followups = [due(alice), due(alice)]

    dispatch()
    dispatch(NOW + datetime.timedelta(hours=2))

    paths = sorted(m["path"] for m in webhook_sink.messages())
    assert paths == ["/a", "/a", "/b", "/b"]
    assert webhook_sink.followup_ids() == {f.pk: 2 for f in followups}


def test_a_failing_channel_holds_back_neither_the_email_nor_the_other_channel(
    alice, webhook_sink, mailoutbox
):
    ChannelFactory(owner=alice, label="Broken", url="json://127.0.0.1:9/hooks/closed-port")
    ChannelFactory(owner=alice, label="Phone", url=webhook_sink.url())
    followup = due(alice)

    emailed, delivered = dispatch()

    assert (emailed.sent, delivered.sent, delivered.retrying) == (1, 1, 1)
    assert [m.extra_headers["X-Seuranta-Followup"] for m in mailoutbox] == [str(followup.pk)]
    assert webhook_sink.followup_ids() == {followup.pk: 1}
    broken = Delivery.objects.get(channel__label="Broken")
    assert (broken.state, broken.error) == (DeliveryState.PENDING, DeliveryError.CONNECT)
    assert broken.next_attempt_at == NOW + backoff(1)
    followup.refresh_from_db()
    assert followup.state == State.NOTIFIED


def test_a_channel_answering_500_for_a_minute_gets_the_reminder_once_when_it_recovers(
    alice, webhook_sink, frozen, mailoutbox
):
    """Each pass after the backoff tries again; the first 2xx answer is the one delivery."""
    ChannelFactory(owner=alice, url=webhook_sink.url())
    followup = due(alice)
    webhook_sink.fail_with = 500
    recovers_at = NOW + MINUTE + datetime.timedelta(seconds=1)

    passes = 0
    while not webhook_sink.messages():
        assert passes < 10, "the channel never got the reminder"
        if datetime.datetime.now(datetime.UTC) >= recovers_at:
            webhook_sink.fail_with = None
        dispatch_until_done()
        passes += 1
        if not webhook_sink.messages():
            frozen.move_to(Delivery.objects.get().next_attempt_at)

    assert len(mailoutbox) == 1
    assert webhook_sink.followup_ids() == {followup.pk: 1}
    refused = [outcome for _path, outcome in webhook_sink.attempts if outcome == "500"]
    delivery = Delivery.objects.get()
    assert delivery.state == DeliveryState.SENT
    assert delivery.attempts == len(refused) + 1
    # Backoff 1 and 2 minutes: refused at 0 and 1 min, delivered at 3 min.
    assert len(refused) == 2
    assert delivery.sent_at == NOW + 3 * MINUTE
    dispatch_until_done()
    assert webhook_sink.followup_ids() == {followup.pk: 1}


def test_after_the_last_attempt_the_channel_is_marked_failed_and_the_pages_say_so(
    alice, alice_client, webhook_sink, frozen, mailoutbox
):
    ChannelFactory(owner=alice, label="Work phone", url=webhook_sink.url())
    followup = due(alice, kind=Kind.CALL, interview=None)
    webhook_sink.fail_with = 503

    for _ in range(MAX_ATTEMPTS):
        dispatch_until_done()
        delivery = Delivery.objects.get()
        if delivery.state == DeliveryState.PENDING:
            frozen.move_to(delivery.next_attempt_at)

    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts) == (DeliveryState.FAILED, MAX_ATTEMPTS)
    assert (delivery.error, delivery.error_status) == (DeliveryError.HTTP, 503)
    assert len(mailoutbox) == 1
    assert webhook_sink.messages() == []
    # No further try.
    frozen.shift(datetime.timedelta(days=1))
    assert deliver_due().claimed == 0

    page = alice_client.get(followup.get_absolute_url()).content.decode()
    assert "Not delivered to Work phone" in page
    assert "The channel answered with an error (HTTP 503)." in page
    today = alice_client.get(reverse("applications:dashboard")).content.decode()
    assert "Not delivered to Work phone" in today
    assert webhook_sink.url() not in page + today
    assert SECRET_PATH not in page + today


def test_a_channel_turned_off_gets_no_delivery_and_one_turned_off_later_is_skipped(
    alice, webhook_sink
):
    ChannelFactory(owner=alice, label="Off", url=webhook_sink.url("/off"), enabled=False)
    later = ChannelFactory(owner=alice, label="Later off", url=webhook_sink.url("/later"))
    due(alice)

    dispatch_due()
    later.enabled = False
    later.save()
    delivered = deliver_due()

    assert list(Delivery.objects.values_list("channel__label", "state")) == [
        ("Later off", DeliveryState.SKIPPED)
    ]
    assert delivered.skipped == 1
    assert webhook_sink.messages() == []


def test_a_channel_added_after_the_reminder_went_does_not_get_it(alice, webhook_sink):
    due(alice)
    dispatch()
    ChannelFactory(owner=alice, url=webhook_sink.url())

    dispatch(NOW + datetime.timedelta(hours=1))

    assert webhook_sink.messages() == []
    assert not Delivery.objects.exists()


def test_a_channel_added_while_the_email_is_retried_gets_the_reminder(
    alice, webhook_sink, settings, frozen
):
    settings.EMAIL_BACKEND = "tests.followups.test_dispatch.RefusingBackend"
    followup = due(alice)
    dispatch()
    ChannelFactory(owner=alice, url=webhook_sink.url())

    frozen.move_to(Followup.objects.get().next_attempt_at)
    dispatch()

    assert webhook_sink.followup_ids() == {followup.pk: 1}


def test_with_reminder_emails_off_the_channel_still_gets_the_reminder(
    alice, webhook_sink, mailoutbox
):
    alice.reminders_enabled = False
    alice.save()
    ChannelFactory(owner=alice, url=webhook_sink.url())
    followup = due(alice)

    emailed, delivered = dispatch()

    assert (emailed.not_emailed, delivered.sent) == (1, 1)
    assert mailoutbox == []
    assert webhook_sink.followup_ids() == {followup.pk: 1}


def test_nothing_reaches_a_channel_in_quiet_hours(alice, webhook_sink, frozen, mailoutbox):
    """At 23:00 in Helsinki the reminder waits for 08:00, on the channel as in the inbox."""
    ChannelFactory(owner=alice, url=webhook_sink.url())
    night = datetime.datetime(2026, 3, 10, 21, 0, tzinfo=datetime.UTC)
    frozen.move_to(night)
    due(alice, due_at=night - MINUTE)

    emailed, delivered = dispatch()

    assert (emailed.deferred, delivered.claimed) == (1, 0)
    assert webhook_sink.messages() == [] and mailoutbox == []
    morning = datetime.datetime(2026, 3, 11, 6, 0, tzinfo=datetime.UTC)
    frozen.move_to(morning)
    emailed, delivered = dispatch()
    assert (emailed.sent, delivered.sent) == (1, 1)


def test_a_retry_that_falls_in_quiet_hours_waits_for_them_to_end(alice, webhook_sink, frozen):
    ChannelFactory(owner=alice, url=webhook_sink.url())
    evening = datetime.datetime(2026, 3, 10, 18, 59, tzinfo=datetime.UTC)  # 20:59 local
    frozen.move_to(evening)
    due(alice, due_at=evening)
    webhook_sink.fail_with = 500
    dispatch()
    webhook_sink.fail_with = None

    frozen.move_to(Delivery.objects.get().next_attempt_at)  # 21:00 local: quiet
    delivered = deliver_due()

    assert (delivered.deferred, delivered.sent) == (1, 0)
    delivery = Delivery.objects.get()
    assert delivery.next_attempt_at == datetime.datetime(2026, 3, 11, 6, 0, tzinfo=datetime.UTC)
    assert delivery.attempts == 1


def test_a_follow_up_done_before_the_channels_retry_is_not_sent_to_it(alice, webhook_sink, frozen):
    ChannelFactory(owner=alice, url=webhook_sink.url())
    followup = due(alice)
    webhook_sink.fail_with = 500
    dispatch()
    Followup.objects.filter(pk=followup.pk).update(state=State.DONE)
    webhook_sink.fail_with = None

    frozen.move_to(Delivery.objects.get().next_attempt_at)
    delivered = deliver_due()

    assert delivered.skipped == 1
    assert webhook_sink.messages() == []


def test_a_snoozed_reminder_reaches_the_channel_again_when_it_comes_back(
    alice, webhook_sink, frozen
):
    ChannelFactory(owner=alice, url=webhook_sink.url())
    followup = due(alice)
    dispatch()
    later = NOW + datetime.timedelta(days=1)
    followup.refresh_from_db()
    followup.snooze(later)
    followup.save()

    frozen.move_to(later)
    dispatch()

    assert webhook_sink.followup_ids() == {followup.pk: 2}
    assert Delivery.objects.filter(state=DeliveryState.SENT).count() == 2


def test_a_dead_workers_claim_is_taken_over_after_the_lease(alice, webhook_sink, frozen):
    ChannelFactory(owner=alice, url=webhook_sink.url())
    followup = due(alice)
    dispatch_due()
    [(_pk, _dead_token)] = claim_due(now=NOW, batch_size=10, lease=5 * MINUTE)

    assert deliver_due().claimed == 0
    frozen.shift(5 * MINUTE + datetime.timedelta(seconds=1))
    delivered = deliver_due()

    assert (delivered.claimed, delivered.sent) == (1, 1)
    assert webhook_sink.followup_ids() == {followup.pk: 1}
    assert Delivery.objects.get().attempts == 2


def test_a_pass_whose_claim_was_taken_over_does_not_overwrite_the_new_owner(alice, webhook_sink):
    ChannelFactory(owner=alice, url=webhook_sink.url())
    due(alice)
    dispatch_due()
    [(pk, token)] = claim_due(now=NOW, batch_size=10, lease=5 * MINUTE)
    Delivery.objects.filter(pk=pk).update(claim_token=uuid.uuid4())

    assert channels._finish(pk, token, state=DeliveryState.SENT) is False
    assert Delivery.objects.get().state == DeliveryState.PENDING


def test_an_unreadable_url_fails_at_once_and_asks_for_it_again(alice, settings, webhook_sink):
    ChannelFactory(owner=alice, url=webhook_sink.url())
    due(alice)
    dispatch_due()
    settings.SECRET_KEY = "a-new-key-without-the-old-one-" + "y" * 30

    delivered = deliver_due()

    assert delivered.failed == 1
    delivery = Delivery.objects.get()
    assert (delivery.state, delivery.error, delivery.attempts) == (
        DeliveryState.FAILED,
        DeliveryError.UNREADABLE,
        1,
    )


def test_with_nothing_due_the_channel_pass_is_one_query(alice, django_assert_num_queries):
    due(alice, due_at=NOW + datetime.timedelta(hours=1))
    with django_assert_num_queries(1):
        assert deliver_due().claimed == 0
    assert channels.has_due(NOW) is False


def test_the_email_pass_asks_once_per_batch_which_channels_are_on(
    alice, bob, webhook_sink, django_assert_num_queries
):
    """One query for the batch's owners, however many rows and channels."""
    ChannelFactory(owner=alice, url=webhook_sink.url())
    for _ in range(3):
        due(alice)
        due(bob)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        dispatch_due()
    channel_reads = [q for q in captured if 'FROM "notifications_channel"' in q["sql"]]
    assert len(channel_reads) == 1
    assert Delivery.objects.count() == 3


def test_a_failed_send_leaves_no_trace_of_the_url_in_any_log(alice, webhook_sink, capfd, frozen):
    """Apprise names the URL, its host and path in its own log lines (the whole of it at debug
    level); none of that reaches a log handler, stderr or the stored error, at any level."""
    secret_down = "json://user:pa55w0rd@127.0.0.1:9/hooks/d0wn-S3CRET"
    ChannelFactory(owner=alice, label="Down", url=secret_down)
    ChannelFactory(owner=alice, label="Refusing", url=webhook_sink.url())
    followup = due(alice)
    webhook_sink.fail_with = 500
    with every_log_line() as stream:
        for _ in range(MAX_ATTEMPTS):
            dispatch_until_done()
            pending = Delivery.objects.filter(state=DeliveryState.PENDING)
            if pending:
                frozen.move_to(max(d.next_attempt_at for d in pending))

    assert set(Delivery.objects.values_list("state", flat=True)) == {DeliveryState.FAILED}
    out, err = capfd.readouterr()
    logged = stream.getvalue() + out + err
    # The handler did see the dispatch's own lines (and their reasons, as codes).
    assert "not sent: http 500" in logged
    assert "not sent: connect" in logged
    for secret in ("d0wn-S3CRET", "pa55w0rd", SECRET_PATH, "s3cr3t", f":{webhook_sink.port}"):
        assert secret not in logged
    stored = list(Delivery.objects.values_list("error", "error_status"))
    assert sorted(stored) == [(DeliveryError.CONNECT, None), (DeliveryError.HTTP, 500)]
    assert followup.pk not in webhook_sink.followup_ids()


def test_the_mark_done_link_in_the_message_is_signed_for_that_follow_up(alice, webhook_sink):
    ChannelFactory(owner=alice, url=webhook_sink.url())
    followup = due(alice)

    dispatch()

    body = webhook_sink.messages()[0]["message"]
    assert int(FOLLOWUP_IN_LINK.search(body).group(1)) == followup.pk
    token = re.search(r"/done/([^/\s]+)/", body).group(1)
    assert links.read_action_token(token) == (followup.pk, "done", alice.pk)
    with pytest.raises(signing.BadSignature):
        signing.loads(token)


def test_a_slow_channel_is_given_up_on_after_the_send_timeout(alice, webhook_sink, settings):
    settings.CHANNELS_SEND_TIMEOUT = 1
    ChannelFactory(owner=alice, url=webhook_sink.url())
    due(alice)
    dispatch_due()
    webhook_sink.hold.clear()

    started = time.monotonic()
    delivered = deliver_due()
    elapsed = time.monotonic() - started
    webhook_sink.discard_held = True
    webhook_sink.hold.set()

    assert delivered.retrying == 1
    assert elapsed < 5
    assert Delivery.objects.get().error == DeliveryError.TIMEOUT


def test_an_exception_from_inside_apprise_becomes_a_refusal_without_its_traceback(
    alice, monkeypatch
):
    """Its message or its frames' variables may hold the URL: only the class goes on."""
    import apprise

    from notifications import sending

    def explode(self, **kwargs):
        raise RuntimeError("cannot reach json://127.0.0.1:9/hooks/s3cr3t")

    monkeypatch.setattr(apprise.Apprise, "notify", explode)
    with pytest.raises(sending.SendFailed) as failed:
        sending.send("json://127.0.0.1:9/hooks/s3cr3t", sending.Message("t", "b"))
    assert failed.value.code == DeliveryError.REFUSED
    assert failed.value.__cause__ is None and failed.value.__suppress_context__
    assert "s3cr3t" not in str(failed.value)


def test_every_attempt_of_a_delivery_carries_the_same_key_for_the_webhook(
    alice, webhook_sink, frozen
):
    """X-Seuranta-Delivery: a receiver can drop the copy a killed worker sends again."""
    ChannelFactory(owner=alice, url=webhook_sink.url())
    due(alice)
    dispatch()
    [(pk, _token)] = [(d.pk, None) for d in Delivery.objects.all()]
    Delivery.objects.update(state=DeliveryState.PENDING, sent_at=None)  # as if never recorded

    deliver_due()

    assert [m["delivery"] for m in webhook_sink.messages()] == [str(pk), str(pk)]
