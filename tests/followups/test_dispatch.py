"""The dispatch pass: each due reminder emailed once, retried on SMTP failure, never lost."""

import datetime
import functools
import smtplib
import time
import uuid
from zoneinfo import ZoneInfo

import pytest
import time_machine
from celery.exceptions import SoftTimeLimitExceeded
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.core.management import call_command
from django.db import OperationalError

from core import leases
from followups import dispatch
from followups.dispatch import MAX_ATTEMPTS, claim_due, dispatch_due
from followups.models import Followup, Kind, State
from followups.tasks import (
    SAFETY_MARGIN_SECONDS,
    dispatch_due_followups,
    dispatch_time_budget,
    dispatch_until_done,
)
from tests.factories import (
    APPLICATION_KINDS,
    ApplicationFactory,
    ContactFactory,
    FollowupFactory,
    InterviewFactory,
    followup_of_kind,
)

NOW = datetime.datetime(2026, 3, 10, 12, 0, tzinfo=datetime.UTC)
HELSINKI = ZoneInfo("Europe/Helsinki")
MINUTE = datetime.timedelta(minutes=1)
HERE = "tests.followups.test_dispatch"


class RefusingBackend(BaseEmailBackend):
    """An SMTP server that answers every message with a temporary failure."""

    def send_messages(self, email_messages):
        raise smtplib.SMTPException("451 4.3.0 Mail server temporarily rejected message")


class UnreachableBackend(BaseEmailBackend):
    """An SMTP server that is down: the connection itself fails."""

    opened = 0

    def open(self):
        UnreachableBackend.opened += 1
        raise ConnectionRefusedError(111, "Connection refused")

    def send_messages(self, email_messages):
        self.open()


class RefusesBobBackend(LocmemBackend):
    """Delivers to everyone but bob, whose address the server refuses."""

    def send_messages(self, messages):
        for message in messages:
            if "bob@example.com" in message.to:
                raise smtplib.SMTPRecipientsRefused({"bob@example.com": (550, b"No such user")})
        return super().send_messages(messages)


class MarksDoneWhileSendingBackend(LocmemBackend):
    """The user clicks "Mark done" in the app while the reminder is on its way."""

    def send_messages(self, messages):
        Followup.objects.update(state=State.DONE)
        return super().send_messages(messages)


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    # Autouse fixtures run first: alice and bob are made without Argon2's deliberate slowness.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def helsinki(*args: int) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=HELSINKI)


def due(owner, **fields) -> Followup:
    return FollowupFactory(application=ApplicationFactory(owner=owner), **fields)


@pytest.mark.parametrize("kind", APPLICATION_KINDS)
def test_a_due_follow_up_is_emailed_once_and_marked_notified(alice, mailoutbox, kind):
    followup = followup_of_kind(kind, owner=alice, due_at=NOW - MINUTE)

    result = dispatch_due()

    assert (result.claimed, result.sent) == (1, 1)
    assert [m.to for m in mailoutbox] == [["alice@example.com"]]
    followup.refresh_from_db()
    assert followup.state == State.NOTIFIED
    assert followup.notified_at == NOW
    assert (followup.claimed_until, followup.claim_token) == (None, None)
    assert (followup.attempts, followup.sent_late) == (1, False)


@pytest.mark.parametrize("kind", APPLICATION_KINDS)
def test_a_second_pass_sends_nothing(alice, mailoutbox, kind):
    followup_of_kind(kind, owner=alice)
    dispatch_due()

    result = dispatch_due()

    assert result.claimed == 0
    assert len(mailoutbox) == 1


def test_a_follow_up_not_yet_due_waits(alice, mailoutbox, frozen):
    followup = due(alice, due_at=NOW + 10 * MINUTE)

    assert dispatch_due().claimed == 0
    frozen.shift(10 * MINUTE)
    assert dispatch_due().sent == 1
    assert mailoutbox[0].extra_headers["X-Seuranta-Followup"] == str(followup.pk)


@pytest.mark.parametrize("kind", APPLICATION_KINDS)
@pytest.mark.parametrize("state", [State.NOTIFIED, State.DONE, State.SKIPPED, State.CANCELLED])
def test_only_scheduled_follow_ups_are_sent(alice, mailoutbox, state, kind):
    followup_of_kind(kind, owner=alice, state=state)

    assert dispatch_due().claimed == 0
    assert mailoutbox == []


@pytest.mark.parametrize("kind", APPLICATION_KINDS)
def test_a_dead_workers_claim_is_taken_over_after_the_lease(alice, mailoutbox, frozen, kind):
    """A worker claimed the row and died: nothing is sent until the lease runs out, then once."""
    followup = followup_of_kind(kind, owner=alice)
    [(pk, dead_token)] = claim_due(now=NOW, batch_size=10, lease=5 * MINUTE)

    assert dispatch_due().claimed == 0
    frozen.shift(5 * MINUTE + datetime.timedelta(seconds=1))
    result = dispatch_due()

    assert (result.claimed, result.sent) == (1, 1)
    assert len(mailoutbox) == 1
    followup.refresh_from_db()
    assert (followup.state, followup.attempts) == (State.NOTIFIED, 2)
    # The dead worker waking up cannot overwrite the result: its claim token is stale.
    assert not dispatch._finish(pk, dead_token, state=State.FAILED)
    followup.refresh_from_db()
    assert followup.state == State.NOTIFIED


@pytest.mark.parametrize("kind", APPLICATION_KINDS)
def test_an_smtp_failure_is_recorded_and_retried_with_backoff(alice, settings, frozen, kind):
    """The row stays unsent with the error; the next try waits 1, then 2 minutes; then it goes."""
    followup = followup_of_kind(kind, owner=alice)
    settings.EMAIL_BACKEND = f"{HERE}.RefusingBackend"

    result = dispatch_due()

    assert (result.claimed, result.retrying) == (1, 1)
    followup.refresh_from_db()
    assert followup.state == State.SCHEDULED
    assert followup.last_error.startswith("SMTPException: 451 4.3.0")
    assert followup.next_attempt_at == NOW + MINUTE
    assert (followup.claimed_until, followup.attempts) == (None, 1)

    assert dispatch_due().claimed == 0  # Still backing off.
    frozen.shift(MINUTE)
    assert dispatch_due().retrying == 1
    followup.refresh_from_db()
    assert followup.next_attempt_at == NOW + 3 * MINUTE

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    frozen.shift(2 * MINUTE)
    assert dispatch_due().sent == 1
    assert len(mail.outbox) == 1
    followup.refresh_from_db()
    assert (followup.state, followup.attempts, followup.last_error) == (State.NOTIFIED, 3, "")


def test_a_reminder_that_cannot_be_sent_is_marked_failed_after_the_last_attempt(
    alice, settings, frozen
):
    followup = due(alice)
    settings.EMAIL_BACKEND = f"{HERE}.RefusingBackend"
    waits = []

    for _ in range(MAX_ATTEMPTS):
        frozen.move_to(Followup.objects.get().next_attempt_at)
        before = datetime.datetime.now(tz=datetime.UTC)
        assert dispatch_due().claimed == 1
        waits.append(Followup.objects.get().next_attempt_at - before)

    followup.refresh_from_db()
    assert followup.state == State.FAILED
    assert followup.attempts == MAX_ATTEMPTS
    assert "SMTPException" in followup.last_error
    assert [w // MINUTE for w in waits[:-1]] == [1, 2, 4, 8, 16, 32, 60]
    frozen.shift(datetime.timedelta(days=1))
    assert dispatch_due().claimed == 0


def test_an_unreachable_server_fails_the_batch_without_waiting_once_per_row(alice, bob, settings):
    settings.EMAIL_BACKEND = f"{HERE}.UnreachableBackend"
    UnreachableBackend.opened = 0
    due(alice)
    due(bob)

    result = dispatch_due()

    assert (result.claimed, result.retrying) == (2, 2)
    assert UnreachableBackend.opened == 1
    assert {f.last_error for f in Followup.objects.all()} == {
        "ConnectionRefusedError: [Errno 111] Connection refused"
    }


def test_one_refused_recipient_does_not_stop_the_batch(alice, bob, settings):
    settings.EMAIL_BACKEND = f"{HERE}.RefusesBobBackend"
    for_bob = due(bob, due_at=NOW - 2 * MINUTE)
    for_alice = due(alice, due_at=NOW - MINUTE)

    result = dispatch_due()

    assert (result.sent, result.retrying) == (1, 1)
    assert [m.to for m in mail.outbox] == [["alice@example.com"]]
    for_alice.refresh_from_db()
    for_bob.refresh_from_db()
    assert for_alice.state == State.NOTIFIED
    assert (for_bob.state, for_bob.last_error[:22]) == (State.SCHEDULED, "SMTPRecipientsRefused:")


def test_a_reminder_later_than_two_intervals_says_it_is_overdue(alice, mailoutbox, settings):
    settings.FOLLOWUP_DISPATCH_INTERVAL = 60
    late = due(alice, kind=Kind.CALL, due_at=NOW - 6 * MINUTE)
    on_time = due(alice, due_at=NOW - 4 * MINUTE)

    dispatch_due()

    late.refresh_from_db()
    on_time.refresh_from_db()
    assert (late.sent_late, on_time.sent_late) == (True, False)
    by_id = {m.extra_headers["X-Seuranta-Followup"]: m for m in mailoutbox}
    assert "overdue" in by_id[str(late.pk)].body
    assert by_id[str(late.pk)].subject.startswith("Overdue:")
    assert "overdue" not in by_id[str(on_time.pk)].body


def test_the_grace_period_is_two_dispatch_intervals(settings):
    settings.FOLLOWUP_DISPATCH_INTERVAL = 600
    assert dispatch.grace_period() == datetime.timedelta(minutes=20)
    settings.FOLLOWUP_DISPATCH_INTERVAL = 10
    assert dispatch.grace_period() == datetime.timedelta(minutes=5)


def test_a_thank_you_more_than_three_days_late_is_skipped_not_sent(alice, mailoutbox):
    """After a long outage: an old thank-you is skipped visibly; a late call still goes."""
    application = ApplicationFactory(owner=alice)
    interview = InterviewFactory(application=application)
    thank_you = FollowupFactory(
        application=application,
        interview=interview,
        kind=Kind.THANK_YOU,
        due_at=NOW - datetime.timedelta(days=3, minutes=1),
    )
    call = FollowupFactory(
        application=application,
        interview=interview,
        kind=Kind.CALL,
        due_at=NOW - datetime.timedelta(days=4),
    )

    result = dispatch_due()

    assert (result.skipped_stale, result.sent) == (1, 1)
    thank_you.refresh_from_db()
    call.refresh_from_db()
    assert thank_you.state == State.SKIPPED
    assert thank_you.skip_reason == "stale_thank_you"
    assert thank_you.notified_at is None
    assert (call.state, call.sent_late) == (State.NOTIFIED, True)
    assert [m.extra_headers["X-Seuranta-Followup"] for m in mailoutbox] == [str(call.pk)]


def test_a_feedback_request_more_than_two_weeks_late_is_skipped_not_sent(alice, mailoutbox):
    """A feedback request about an outcome weeks old would puzzle the employer."""
    stale = due(alice, kind=Kind.FEEDBACK, due_at=NOW - datetime.timedelta(days=14, minutes=1))
    fresh = due(alice, kind=Kind.FEEDBACK, due_at=NOW - datetime.timedelta(days=13))

    result = dispatch_due()

    assert (result.skipped_stale, result.sent) == (1, 1)
    stale.refresh_from_db()
    assert (stale.state, stale.skip_reason, stale.notified_at) == (
        State.SKIPPED,
        "stale_feedback",
        None,
    )
    assert [m.extra_headers["X-Seuranta-Followup"] for m in mailoutbox] == [str(fresh.pk)]


def test_no_email_goes_to_a_user_who_turned_reminders_off(alice, mailoutbox):
    """The follow-up still falls due (it shows in the app) but no email is sent, now or later."""
    alice.reminders_enabled = False
    alice.save()
    followup = due(alice)

    result = dispatch_due()

    assert (result.claimed, result.not_emailed, result.sent) == (1, 1, 0)
    assert mailoutbox == []
    followup.refresh_from_db()
    assert (followup.state, followup.notified_at) == (State.NOTIFIED, None)


@pytest.mark.parametrize("kind", APPLICATION_KINDS)
def test_a_follow_up_closed_by_the_user_while_its_email_was_sent_stays_closed(
    alice, settings, kind
):
    settings.EMAIL_BACKEND = f"{HERE}.MarksDoneWhileSendingBackend"
    followup = followup_of_kind(kind, owner=alice)

    result = dispatch_due()

    assert result.lost == 1
    followup.refresh_from_db()
    assert followup.state == State.DONE


def test_a_pass_running_past_half_its_lease_hands_the_rest_back(alice, mailoutbox, monkeypatch):
    due(alice)
    due(alice)
    clock = iter([0.0, 0.0, 1000.0])
    monkeypatch.setattr(dispatch, "monotonic", lambda: next(clock))

    result = dispatch_due(lease=5 * MINUTE)

    assert (result.claimed, result.sent, result.released) == (2, 1, 1)
    released = Followup.objects.get(state=State.SCHEDULED)
    assert (released.claimed_until, released.attempts) == (None, 0)
    monkeypatch.undo()
    assert dispatch_due().sent == 1


def test_passes_claim_in_batches_oldest_first(alice, mailoutbox):
    first = due(alice, due_at=NOW - 3 * MINUTE)
    due(alice, due_at=NOW - MINUTE)

    assert dispatch_due(batch_size=1).sent == 1
    first.refresh_from_db()
    assert first.state == State.NOTIFIED


def test_the_periodic_task_repeats_passes_until_nothing_is_due(alice, mailoutbox):
    for minutes in range(5):
        due(alice, due_at=NOW - minutes * MINUTE)

    total = dispatch_until_done(batch_size=2)

    assert (total.claimed, total.sent) == (5, 5)
    assert len(mailoutbox) == 5
    assert dispatch_due_followups()["claimed"] == 0


def test_a_task_that_leaves_reminders_due_starts_the_next_one_at_once(
    alice, mailoutbox, monkeypatch
):
    from followups import tasks

    for minutes in range(2):
        due(alice, due_at=NOW - minutes * MINUTE)
    # One reminder per task, as if a burst had outlasted its batches.
    monkeypatch.setattr(
        tasks,
        "dispatch_until_done",
        functools.partial(dispatch_until_done, max_batches=1, batch_size=1),
    )
    queued = []
    monkeypatch.setattr(
        dispatch_due_followups, "apply_async", lambda **options: queued.append(options)
    )

    assert dispatch_due_followups()["sent"] == 1
    assert len(queued) == 1
    assert queued[0]["expires"] > 0
    assert dispatch_due_followups()["sent"] == 1
    assert len(queued) == 1  # Nothing left: the chain ends.
    assert len(mailoutbox) == 2


def test_the_beat_ticks_on_the_minute_when_reminders_fall_due(settings):
    from celery.beat import ScheduleEntry

    from config.celery_app import app

    entry = ScheduleEntry(
        **settings.CELERY_BEAT_SCHEDULE["dispatch-due-followups"],
        name="dispatch-due-followups",
        app=app,
        last_run_at=datetime.datetime(2026, 3, 10, 9, 59, 23, tzinfo=datetime.UTC),
    )
    at = datetime.datetime(2026, 3, 10, 9, 59, 30, tzinfo=datetime.UTC)
    entry.schedule.nowfun = lambda: at
    assert at + entry.schedule.remaining_estimate(entry.last_run_at) == at.replace(
        minute=0, hour=10, second=0
    )


def test_the_management_command_runs_one_pass_and_prints_counts(alice, mailoutbox, capsys):
    due(alice)
    due(alice)

    call_command("dispatch_followups", "--batch-size", "1")

    out = capsys.readouterr().out
    assert "claimed 1" in out
    assert "sent 1" in out
    assert len(mailoutbox) == 1


def test_a_stale_claim_token_cannot_record_a_result(alice):
    followup = due(alice)
    assert not dispatch._finish(followup.pk, uuid.uuid4(), state=State.NOTIFIED)
    followup.refresh_from_db()
    assert followup.state == State.SCHEDULED


def test_backoff_doubles_up_to_an_hour():
    assert [dispatch.backoff(n) // MINUTE for n in range(1, 10)] == [1, 2, 4, 8, 16, 32, 60, 60, 60]


def test_the_beat_schedule_triggers_the_registered_dispatch_task(settings):
    from config.celery_app import app

    task = settings.CELERY_BEAT_SCHEDULE["dispatch-due-followups"]["task"]
    assert task == "followups.tasks.dispatch_due_followups"
    assert app.tasks[task].run is dispatch_due_followups.run


def test_support_finds_a_failed_reminder_in_the_admin(admin_client, alice):
    due(alice, state=State.FAILED, last_error="SMTPException: 451")

    response = admin_client.get("/admin/followups/followup/?state=failed&q=Acme")

    assert response.status_code == 200
    assert b"Acme" in response.content


# --- Quiet hours at send time ---------------------------------------------------------------------


def test_a_retry_due_at_23_29_is_not_sent_at_23_30_but_at_08_00(alice, mailoutbox, frozen):
    """Alice sleeps 21:00–08:00 in Helsinki: a retry falling then waits, without using a try."""
    followup = due(
        alice,
        kind=Kind.CALL,
        due_at=helsinki(2026, 3, 10, 20, 0),
        next_attempt_at=helsinki(2026, 3, 10, 23, 29),
        attempts=3,
        last_error="SMTPException: 451",
    )
    frozen.move_to(helsinki(2026, 3, 10, 23, 30))

    result = dispatch_due()

    assert (result.claimed, result.deferred, result.sent) == (1, 1, 0)
    assert mailoutbox == []
    followup.refresh_from_db()
    assert followup.state == State.SCHEDULED
    assert followup.next_attempt_at == helsinki(2026, 3, 11, 8, 0)
    assert (followup.attempts, followup.claimed_until, followup.claim_token) == (3, None, None)
    frozen.move_to(helsinki(2026, 3, 11, 7, 59))
    assert dispatch_due().claimed == 0
    frozen.move_to(helsinki(2026, 3, 11, 8, 0))
    assert dispatch_due().sent == 1
    assert len(mailoutbox) == 1
    followup.refresh_from_db()
    assert (followup.state, followup.attempts) == (State.NOTIFIED, 4)


def test_a_catch_up_pass_in_the_night_keeps_each_users_quiet_hours(alice, bob, mailoutbox, frozen):
    """After downtime, the pass at 02:00 Helsinki emails the New Yorker (20:00) only."""
    bob.time_zone = "America/New_York"
    bob.save()
    for_alice = due(alice, kind=Kind.CALL, due_at=helsinki(2026, 3, 10, 10, 0))
    due(bob, kind=Kind.CALL, due_at=helsinki(2026, 3, 10, 10, 0))
    frozen.move_to(helsinki(2026, 3, 11, 2, 0))

    result = dispatch_due()

    assert (result.sent, result.deferred) == (1, 1)
    assert [m.to for m in mailoutbox] == [["bob@example.com"]]
    for_alice.refresh_from_db()
    assert for_alice.next_attempt_at == helsinki(2026, 3, 11, 8, 0)


# --- Mail server down -----------------------------------------------------------------------------


class DropsConnectionBackend(LocmemBackend):
    """The server goes away in the middle of a batch: the send fails and so does the reopen."""

    down = False

    def open(self):
        if DropsConnectionBackend.down:
            raise ConnectionRefusedError(111, "Connection refused")
        return super().open()

    def send_messages(self, messages):
        DropsConnectionBackend.down = True
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


def test_a_two_hour_smtp_outage_uses_up_no_attempt(alice, settings, frozen, mailoutbox):
    """The server cannot be reached: retried with backoff for as long as it takes, then sent."""
    followup = due(alice)
    settings.EMAIL_BACKEND = f"{HERE}.UnreachableBackend"
    waits = []

    while Followup.objects.get().next_attempt_at < NOW + datetime.timedelta(hours=2):
        frozen.move_to(Followup.objects.get().next_attempt_at)
        before = datetime.datetime.now(tz=datetime.UTC)
        assert dispatch_due().retrying == 1
        waits.append(Followup.objects.get().next_attempt_at - before)

    followup.refresh_from_db()
    assert len(waits) > MAX_ATTEMPTS
    assert (followup.state, followup.attempts) == (State.SCHEDULED, 0)
    assert followup.last_error == "ConnectionRefusedError: [Errno 111] Connection refused"
    assert waits[0] == MINUTE
    assert waits == sorted(waits)
    assert max(waits) <= dispatch.UNREACHABLE_BACKOFF_CAP

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    frozen.move_to(followup.next_attempt_at)
    assert dispatch_due().sent == 1
    followup.refresh_from_db()
    assert (followup.state, followup.attempts, followup.last_error) == (State.NOTIFIED, 1, "")
    assert len(mailoutbox) == 1


def test_a_reminder_unsent_a_day_after_it_was_due_is_marked_failed_and_shown(
    alice, alice_client, settings, frozen
):
    """An outage that lasts: retried (quiet hours kept) until a day past due, then failed, and
    listed among the dashboard's failed reminders so the user acts without the email."""
    followup = due(alice)
    settings.EMAIL_BACKEND = f"{HERE}.UnreachableBackend"
    passes = 0
    while Followup.objects.get().state == State.SCHEDULED and passes < 500:
        frozen.move_to(Followup.objects.get().next_attempt_at)
        dispatch_due()
        passes += 1
    followup.refresh_from_db()
    assert followup.state == State.FAILED
    failed_after = datetime.datetime.now(datetime.UTC) - NOW
    give_up = dispatch.UNREACHABLE_GIVE_UP_AFTER
    assert give_up <= failed_after < give_up + dispatch.UNREACHABLE_BACKOFF_CAP
    assert "Connection refused" in followup.last_error
    dashboard = alice_client.get("/")
    assert followup in dashboard.context["followups"].failed


def test_only_messages_the_server_refuses_count_toward_the_last_attempt(alice, settings, frozen):
    followup = due(alice)
    settings.EMAIL_BACKEND = f"{HERE}.UnreachableBackend"
    for _ in range(3):
        frozen.move_to(Followup.objects.get().next_attempt_at)
        dispatch_due()
    settings.EMAIL_BACKEND = f"{HERE}.RefusingBackend"

    for refusals in range(1, MAX_ATTEMPTS + 1):
        frozen.move_to(Followup.objects.get().next_attempt_at)
        assert dispatch_due().claimed == 1
        followup.refresh_from_db()
        assert followup.attempts == refusals

    assert followup.state == State.FAILED
    assert followup.last_error.startswith("SMTPException: 451")


def test_a_server_lost_in_the_middle_of_a_batch_uses_up_no_attempt(alice, bob, settings):
    settings.EMAIL_BACKEND = f"{HERE}.DropsConnectionBackend"
    DropsConnectionBackend.down = False
    due(alice, due_at=NOW - 2 * MINUTE)
    due(bob, due_at=NOW - MINUTE)

    result = dispatch_due()

    assert result.retrying == 2
    assert {(f.state, f.attempts) for f in Followup.objects.all()} == {(State.SCHEDULED, 0)}


# --- Out of time: the task's soft time limit ------------------------------------------------------


class OutOfTimeWhileSendingBackend(LocmemBackend):
    """Celery's soft time limit fires while the first message is on its way."""

    def send_messages(self, messages):
        raise SoftTimeLimitExceeded()


class OutOfTimeWhileConnectingBackend(BaseEmailBackend):
    def open(self):
        raise SoftTimeLimitExceeded()

    def send_messages(self, email_messages):
        return len(email_messages)


def test_running_out_of_time_mid_send_is_no_smtp_failure_and_hands_back_the_rest(
    alice, bob, settings
):
    settings.EMAIL_BACKEND = f"{HERE}.OutOfTimeWhileSendingBackend"
    in_hand = due(alice, due_at=NOW - 2 * MINUTE)
    waiting = due(bob, due_at=NOW - MINUTE)

    with pytest.raises(SoftTimeLimitExceeded):
        dispatch_due()

    in_hand.refresh_from_db()
    waiting.refresh_from_db()
    # Its email may be out: it keeps its claim (sent again only after the lease), no error.
    assert (in_hand.state, in_hand.attempts, in_hand.last_error) == (State.SCHEDULED, 1, "")
    assert in_hand.claim_token is not None
    # Not started: handed back for the next pass.
    assert (waiting.claim_token, waiting.attempts) == (None, 0)


def test_running_out_of_time_while_connecting_is_not_an_unreachable_server(alice, settings):
    settings.EMAIL_BACKEND = f"{HERE}.OutOfTimeWhileConnectingBackend"
    followup = due(alice)

    with pytest.raises(SoftTimeLimitExceeded):
        dispatch_due()

    followup.refresh_from_db()
    assert (followup.claim_token, followup.attempts, followup.last_error) == (None, 0, "")


def test_running_out_of_time_while_recording_a_sent_reminder_still_records_it(
    alice, mailoutbox, monkeypatch
):
    followup = due(alice)
    finish = dispatch._finish
    calls = []

    def out_of_time_once(*args, **kwargs):
        calls.append(kwargs.get("state"))
        if len(calls) == 1:
            raise SoftTimeLimitExceeded()
        return finish(*args, **kwargs)

    monkeypatch.setattr(dispatch, "_finish", out_of_time_once)

    with pytest.raises(SoftTimeLimitExceeded):
        dispatch_due()

    followup.refresh_from_db()
    assert (followup.state, followup.claim_token) == (State.NOTIFIED, None)
    assert len(mailoutbox) == 1


def test_a_sent_reminder_is_recorded_though_the_database_is_briefly_locked(
    alice, mailoutbox, monkeypatch
):
    """SQLite says "database is locked" twice; the third try records it, so no second email."""
    followup = due(alice)
    finish = dispatch._finish
    waits = []
    monkeypatch.setattr(leases, "sleep", waits.append)

    def locked_twice(*args, **kwargs):
        if len(waits) < 2:
            raise OperationalError("database is locked")
        return finish(*args, **kwargs)

    monkeypatch.setattr(dispatch, "_finish", locked_twice)

    result = dispatch_due()

    assert result.sent == 1
    assert waits == [0.2, 0.4]
    followup.refresh_from_db()
    assert followup.state == State.NOTIFIED


def test_a_database_locked_for_good_loses_the_record_but_not_the_batch(
    alice, bob, mailoutbox, monkeypatch
):
    due(alice, due_at=NOW - 2 * MINUTE)
    for_bob = due(bob, due_at=NOW - MINUTE)
    finish = dispatch._finish
    monkeypatch.setattr(leases, "sleep", lambda seconds: None)
    tries = []

    def locked_for_alice(pk, token, **fields):
        if pk != for_bob.pk:
            tries.append(pk)
            raise OperationalError("database is locked")
        return finish(pk, token, **fields)

    monkeypatch.setattr(dispatch, "_finish", locked_for_alice)

    result = dispatch_due()

    assert (result.lost, result.sent, len(tries)) == (1, 1, leases.RECORD_SENT_TRIES)


def test_a_pass_starts_no_row_after_its_deadline(alice, mailoutbox, monkeypatch):
    due(alice, due_at=NOW - 2 * MINUTE)
    due(alice, due_at=NOW - MINUTE)
    clock = iter([0.0, 0.0, 30.0])
    monkeypatch.setattr(dispatch, "monotonic", lambda: next(clock))

    result = dispatch_due(deadline=30.0)

    assert (result.claimed, result.sent, result.released) == (2, 1, 1)
    assert Followup.objects.get(state=State.SCHEDULED).claim_token is None


def test_the_periodic_task_gives_its_passes_a_deadline(alice, monkeypatch):
    deadlines = []

    def spy(**kwargs):
        deadlines.append(kwargs["deadline"])
        return dispatch_due(**kwargs)

    monkeypatch.setattr("followups.tasks.dispatch_due", spy)
    due(alice)
    before = time.monotonic()

    dispatch_until_done(batch_size=1)

    assert len(deadlines) == 2
    budget = dispatch_time_budget()
    assert all(before + budget <= d <= time.monotonic() + budget for d in deadlines)


def test_the_last_row_a_task_starts_ends_before_its_soft_time_limit(settings):
    """budget + lease/2 + EMAIL_TIMEOUT (+ a margin) fits in CELERY_TASK_SOFT_TIME_LIMIT."""
    for email_timeout in (settings.EMAIL_TIMEOUT, 20, 60):
        settings.EMAIL_TIMEOUT = email_timeout
        used = (
            dispatch_time_budget()
            + dispatch.DEFAULT_LEASE.total_seconds() / 2
            + email_timeout
            + SAFETY_MARGIN_SECONDS
        )
        assert used <= settings.CELERY_TASK_SOFT_TIME_LIMIT, email_timeout
    settings.EMAIL_TIMEOUT = 20
    assert dispatch_time_budget() == 60


def test_a_pass_costs_the_same_queries_per_reminder_however_many_are_due(alice, mailoutbox):
    """Claiming is three statements for the batch and the interviewers come in one query for
    all; each reminder then costs the UPDATE that records its result and the renewal of its
    owner's data version (their pages show it sent), one UPDATE with the row as its subquery."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def pass_over(count: int) -> list[str]:
        for _ in range(count):
            interview = InterviewFactory(application=ApplicationFactory(owner=alice))
            interview.interviewers.add(ContactFactory(owner=alice), ContactFactory(owner=alice))
            FollowupFactory(application=interview.application, interview=interview)
        with CaptureQueriesContext(connection) as queries:
            assert dispatch_due().sent == count
        return [q["sql"] for q in queries.captured_queries]

    two, six = pass_over(2), pass_over(6)
    per_reminder = (len(six) - len(two)) / 4
    # The claim (3), its transaction or savepoint (2), the rows and their interviewers (2), and
    # on PostgreSQL turning the wait for the disk off and on for the pass (2).
    assert len(two) - 2 * per_reminder <= 9
    assert per_reminder == 2
    assert sum("interviewers" in sql for sql in six) == 1
    assert all(len(m.to) == 1 for m in mailoutbox)
