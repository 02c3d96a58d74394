"""Follow-ups kept in step with interviews and outcomes (issue 3, Build 3)."""

import datetime
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import IntegrityError
from django.utils import timezone

from applications import services as app_services
from applications.models import Application, InterviewOutcome, Status
from followups import policy
from followups.models import Followup, Kind, SkipReason, State
from followups.services import (
    FollowupActionError,
    followup_mark_done,
    followup_skip,
    followup_snooze,
    followups_resync_user,
    followups_sync_application,
)

HELSINKI = ZoneInfo("Europe/Helsinki")
UTC = datetime.UTC
# A Tuesday morning in Helsinki; no public holidays in the following two weeks.
NOW = datetime.datetime(2026, 3, 10, 9, 0, tzinfo=HELSINKI)


def hel(*args: int) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=HELSINKI)


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    # Autouse fixtures run first: alice and bob are made without Argon2's deliberate slowness.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def application(alice):
    return app_services.application_create(owner=alice, company="Acme Oy", position="Backend Dev")


def log_interview(application, starts_at, **fields):
    return app_services.interview_create(
        application=application, starts_at=starts_at, duration_minutes=60, **fields
    )


def rows(application, **filters):
    return list(Followup.objects.filter(application=application, **filters).order_by("id"))


def snapshot(application):
    return [
        (f.pk, f.kind, f.state, f.interview_id, f.due_at, f.next_attempt_at, f.attempts)
        for f in rows(application)
    ]


def one(application, **filters) -> Followup:
    found = rows(application, **filters)
    assert len(found) == 1, found
    return found[0]


def test_logging_an_interview_schedules_a_thank_you_and_a_call(application, alice):
    """Wednesday 13:00–14:00: thank-you at 16:00, call three business days later at 10:00."""
    interview = log_interview(application, hel(2026, 3, 11, 13, 0))

    thank_you = one(application, kind=Kind.THANK_YOU)
    call = one(application, kind=Kind.CALL)
    assert thank_you.state == call.state == State.SCHEDULED
    assert thank_you.interview == call.interview == interview
    assert thank_you.owner == call.owner == alice
    assert thank_you.due_at == hel(2026, 3, 11, 16, 0)
    assert call.due_at == hel(2026, 3, 16, 10, 0)
    assert thank_you.next_attempt_at == thank_you.due_at
    assert call.next_attempt_at == call.due_at
    assert not rows(application, kind=Kind.FEEDBACK)


def test_an_announced_decision_date_delays_the_call_until_after_it(alice):
    """Calling before the employer has decided only looks impatient."""
    application = app_services.application_create(
        owner=alice,
        company="Acme Oy",
        position="Backend Dev",
        applied_on=datetime.date(2026, 3, 1),
        decision_expected_on=datetime.date(2026, 3, 20),
    )
    log_interview(application, hel(2026, 3, 11, 13, 0))

    assert one(application, kind=Kind.CALL).due_at == hel(2026, 3, 23, 10, 0)


def test_saving_again_without_changes_changes_no_follow_up(application):
    """Double submits and unchanged re-saves are harmless: the sync is idempotent."""
    interview = log_interview(application, hel(2026, 3, 11, 13, 0))
    before = snapshot(application)

    app_services.interview_update(interview=interview)
    app_services.interview_update(interview=interview, starts_at=hel(2026, 3, 11, 13, 0))
    app_services.application_update(application=application)
    followups_sync_application(application=application)
    followups_sync_application(application=application)

    assert snapshot(application) == before


def test_moving_an_interview_moves_its_scheduled_follow_ups(application):
    """Due time and next attempt move together; a failed attempt's error and count are cleared."""
    interview = log_interview(application, hel(2026, 3, 11, 13, 0))
    Followup.objects.filter(kind=Kind.THANK_YOU).update(attempts=2, last_error="SMTPException")

    app_services.interview_update(interview=interview, starts_at=hel(2026, 3, 12, 9, 0))

    thank_you = one(application, kind=Kind.THANK_YOU)
    call = one(application, kind=Kind.CALL)
    assert thank_you.due_at == thank_you.next_attempt_at == hel(2026, 3, 12, 12, 0)
    assert (thank_you.attempts, thank_you.last_error) == (0, "")
    assert call.due_at == call.next_attempt_at == hel(2026, 3, 17, 10, 0)
    assert thank_you.state == call.state == State.SCHEDULED


def test_moving_an_interview_leaves_sent_and_done_follow_ups_alone(application):
    """Only scheduled rows move: a reminder already sent or acted on is history."""
    interview = log_interview(application, hel(2026, 3, 11, 13, 0))
    Followup.objects.filter(kind=Kind.THANK_YOU).update(state=State.DONE)
    Followup.objects.filter(kind=Kind.CALL).update(state=State.NOTIFIED)
    before = snapshot(application)

    app_services.interview_update(interview=interview, starts_at=hel(2026, 3, 12, 9, 0))

    assert snapshot(application) == before


def test_cancelling_an_interview_cancels_its_scheduled_follow_ups(application):
    interview = log_interview(application, hel(2026, 3, 11, 13, 0))

    app_services.interview_cancel(interview=interview)

    assert {f.state for f in rows(application)} == {State.CANCELLED}
    assert len(rows(application)) == 2


def test_cancelling_an_interview_keeps_a_reminder_already_sent(application):
    interview = log_interview(application, hel(2026, 3, 11, 13, 0))
    Followup.objects.filter(kind=Kind.THANK_YOU).update(state=State.NOTIFIED)

    app_services.interview_cancel(interview=interview)

    assert one(application, kind=Kind.THANK_YOU).state == State.NOTIFIED
    assert one(application, kind=Kind.CALL).state == State.CANCELLED


def test_deleting_an_interview_cancels_its_scheduled_follow_ups(application):
    interview = log_interview(application, hel(2026, 3, 11, 13, 0))

    app_services.interview_delete(interview=interview)

    assert [(f.state, f.interview_id) for f in rows(application)] == [
        (State.CANCELLED, None),
        (State.CANCELLED, None),
    ]


def test_a_later_interview_replaces_the_pending_call_of_the_earlier_one(application):
    """Second round: the first round's unsent call is cancelled, the new round has the call."""
    first = log_interview(application, hel(2026, 3, 11, 13, 0))
    second = log_interview(application, hel(2026, 3, 13, 10, 0))

    calls = rows(application, kind=Kind.CALL)
    assert [(c.interview, c.state) for c in calls] == [
        (first, State.CANCELLED),
        (second, State.SCHEDULED),
    ]
    assert calls[1].due_at == hel(2026, 3, 18, 10, 0)
    # Each round keeps its own thank-you.
    assert len(rows(application, kind=Kind.THANK_YOU, state=State.SCHEDULED)) == 2


def test_a_call_already_reminded_stays_when_a_later_interview_comes(application):
    """The first round's call was made; the second round gets its own one call."""
    first = log_interview(application, hel(2026, 3, 11, 13, 0))
    Followup.objects.filter(kind=Kind.CALL).update(state=State.NOTIFIED)

    second = log_interview(application, hel(2026, 3, 13, 10, 0))

    assert [(c.interview, c.state) for c in rows(application, kind=Kind.CALL)] == [
        (first, State.NOTIFIED),
        (second, State.SCHEDULED),
    ]


def test_cancelling_the_later_interview_gives_the_call_back_to_the_earlier_one(application):
    """The earlier round's call row is re-opened rather than duplicated."""
    first = log_interview(application, hel(2026, 3, 11, 13, 0))
    second = log_interview(application, hel(2026, 3, 13, 10, 0))

    app_services.interview_cancel(interview=second)

    calls = rows(application, kind=Kind.CALL)
    assert [(c.interview, c.state) for c in calls] == [
        (first, State.SCHEDULED),
        (second, State.CANCELLED),
    ]
    assert calls[0].due_at == hel(2026, 3, 16, 10, 0)


def test_recording_a_rejection_cancels_the_pending_call_and_asks_for_feedback(application):
    """The feedback request is due the next business day after the outcome, at 10:00."""
    interview = log_interview(application, hel(2026, 3, 9, 13, 0))

    app_services.interview_update(interview=interview, outcome=InterviewOutcome.REJECTED)

    application.refresh_from_db()
    assert application.status == Status.REJECTED
    assert one(application, kind=Kind.CALL).state == State.CANCELLED
    feedback = one(application, kind=Kind.FEEDBACK)
    assert feedback.state == State.SCHEDULED
    assert feedback.interview == interview
    assert feedback.due_at == hel(2026, 3, 11, 10, 0)
    assert feedback.due_at == policy.feedback_due(
        application.status_changed_at, policy.Preferences.from_user(application.owner)
    )


def test_an_offer_then_its_acceptance_asks_for_feedback_once(application):
    log_interview(application, hel(2026, 3, 9, 13, 0))

    app_services.application_set_status(application=application, status=Status.OFFER)
    app_services.application_set_status(application=application, status=Status.ACCEPTED)
    app_services.application_update(application=application)

    assert len(rows(application, kind=Kind.FEEDBACK)) == 1
    assert one(application, kind=Kind.FEEDBACK).state == State.SCHEDULED


def test_an_outcome_taken_back_cancels_the_feedback_request_and_restores_the_call(application):
    """Setting the status back from rejected re-opens the same rows; nothing is duplicated."""
    log_interview(application, hel(2026, 3, 11, 13, 0))
    app_services.application_set_status(application=application, status=Status.REJECTED)

    app_services.application_set_status(application=application, status=Status.INTERVIEWING)

    assert one(application, kind=Kind.FEEDBACK).state == State.CANCELLED
    assert one(application, kind=Kind.CALL).state == State.SCHEDULED

    app_services.application_set_status(application=application, status=Status.REJECTED)

    assert one(application, kind=Kind.FEEDBACK).state == State.SCHEDULED
    assert one(application, kind=Kind.CALL).state == State.CANCELLED


def test_a_feedback_request_already_sent_is_never_asked_again(application):
    log_interview(application, hel(2026, 3, 9, 13, 0))
    app_services.application_set_status(application=application, status=Status.REJECTED)
    Followup.objects.filter(kind=Kind.FEEDBACK).update(state=State.NOTIFIED)

    app_services.application_set_status(application=application, status=Status.INTERVIEWING)
    app_services.application_set_status(application=application, status=Status.REJECTED)

    assert [f.state for f in rows(application, kind=Kind.FEEDBACK)] == [State.NOTIFIED]


@pytest.mark.parametrize("status", [Status.WITHDRAWN, Status.NO_RESPONSE])
def test_an_application_that_ended_cancels_its_scheduled_follow_ups(application, status):
    log_interview(application, hel(2026, 3, 11, 13, 0))

    app_services.application_set_status(application=application, status=status)

    assert {f.state for f in rows(application)} == {State.CANCELLED}


def test_a_kind_turned_off_is_not_created(alice, application):
    alice.call_enabled = False
    alice.save()

    log_interview(application, hel(2026, 3, 11, 13, 0))

    assert [f.kind for f in rows(application)] == [Kind.THANK_YOU]


def test_a_preference_change_resyncs_every_application_of_the_user(alice, application):
    """Kinds turned off are cancelled, a new delay moves the rest; turning back on re-opens."""
    log_interview(application, hel(2026, 3, 11, 13, 0))
    alice.thank_you_enabled = False
    alice.call_time = datetime.time(14, 0)
    alice.save()

    followups_resync_user(user=alice)

    assert one(application, kind=Kind.THANK_YOU).state == State.CANCELLED
    assert one(application, kind=Kind.CALL).due_at == hel(2026, 3, 16, 14, 0)

    alice.thank_you_enabled = True
    alice.save()
    followups_resync_user(user=alice)

    assert one(application, kind=Kind.THANK_YOU).state == State.SCHEDULED


def test_a_thank_you_for_an_interview_long_past_is_recorded_as_skipped(application):
    """Logging last week's interview: a thank-you note now would read oddly, so none is sent."""
    log_interview(application, hel(2026, 3, 2, 13, 0))

    thank_you = one(application, kind=Kind.THANK_YOU)
    assert thank_you.state == State.SKIPPED
    assert thank_you.skip_reason == SkipReason.STALE_THANK_YOU == "stale_thank_you"
    # The call (due 5 March) is still worth a late reminder.
    assert one(application, kind=Kind.CALL).state == State.SCHEDULED


def test_a_thank_you_a_day_late_is_still_scheduled(application):
    log_interview(application, hel(2026, 3, 9, 9, 0))

    assert one(application, kind=Kind.THANK_YOU).state == State.SCHEDULED


def test_a_call_for_an_interview_weeks_ago_is_recorded_as_skipped(application):
    log_interview(application, hel(2026, 2, 2, 13, 0))

    call = one(application, kind=Kind.CALL)
    assert (call.state, call.skip_reason) == (State.SKIPPED, "stale_call")


def test_a_feedback_request_for_an_outcome_weeks_old_is_recorded_as_skipped(alice):
    """An old rejection (imported, or logged late) asks for no feedback now."""
    application = app_services.application_create(
        owner=alice, company="Acme Oy", position="Backend Dev", status=Status.APPLIED
    )
    app_services.application_set_status(
        application=application, status=Status.REJECTED, at=hel(2026, 2, 9, 12, 0)
    )

    feedback = one(application, kind=Kind.FEEDBACK)
    assert (feedback.state, feedback.skip_reason) == (State.SKIPPED, "stale_feedback")
    assert feedback.completed_at == NOW


def test_a_feedback_request_for_an_outcome_a_week_old_is_still_scheduled(alice):
    application = app_services.application_create(
        owner=alice, company="Acme Oy", position="Backend Dev", status=Status.APPLIED
    )
    app_services.application_set_status(
        application=application, status=Status.REJECTED, at=hel(2026, 3, 2, 12, 0)
    )

    assert one(application, kind=Kind.FEEDBACK).state == State.SCHEDULED


def test_another_users_follow_ups_are_untouched(application, bob):
    other = app_services.application_create(owner=bob, company="Bob Oy", position="Chef")
    log_interview(other, hel(2026, 3, 11, 13, 0))
    before = snapshot(other)

    log_interview(application, hel(2026, 3, 11, 13, 0))
    followups_resync_user(user=application.owner)

    assert snapshot(other) == before
    assert {f.owner_id for f in rows(other)} == {bob.pk}


def test_a_constraint_violation_during_sync_is_logged_not_raised(application, caplog):
    """The unique constraints are the last line of defence; a user's save never becomes a 500."""
    with mock.patch("followups.services._reconcile", side_effect=IntegrityError("dup")) as rec:
        followups_sync_application(application=application)
    assert rec.call_count == 2
    assert "failed twice" in caplog.text


# --- User actions -------------------------------------------------------------------------------


def test_marking_done_closes_the_follow_up_before_its_reminder(application):
    log_interview(application, hel(2026, 3, 11, 13, 0))
    call = one(application, kind=Kind.CALL)

    followup_mark_done(followup=call)

    assert (call.state, call.completed_at) == (State.DONE, NOW)
    assert one(application, kind=Kind.CALL).state == State.DONE
    followup_mark_done(followup=call)  # Twice is harmless.


def test_skipping_closes_the_follow_up(application):
    log_interview(application, hel(2026, 3, 11, 13, 0))
    thank_you = one(application, kind=Kind.THANK_YOU)

    followup_skip(followup=thank_you)

    assert one(application, kind=Kind.THANK_YOU).state == State.SKIPPED
    with pytest.raises(FollowupActionError):
        followup_snooze(followup=thank_you)


def test_a_cancelled_follow_up_cannot_be_marked_done(application):
    interview = log_interview(application, hel(2026, 3, 11, 13, 0))
    app_services.interview_cancel(interview=interview)

    with pytest.raises(FollowupActionError):
        followup_mark_done(followup=one(application, kind=Kind.CALL))


def test_snoozing_a_sent_reminder_schedules_it_again_the_next_business_morning(application, frozen):
    """The one second reminder allowed: the user asked for it."""
    log_interview(application, hel(2026, 3, 11, 13, 0))
    thank_you = one(application, kind=Kind.THANK_YOU)
    Followup.objects.filter(pk=thank_you.pk).update(
        state=State.NOTIFIED, attempts=1, notified_at=hel(2026, 3, 11, 16, 0)
    )
    frozen.move_to(hel(2026, 3, 11, 17, 30))

    followup_snooze(followup=thank_you)

    thank_you.refresh_from_db()
    assert thank_you.state == State.SCHEDULED
    assert thank_you.due_at == thank_you.next_attempt_at == hel(2026, 3, 12, 10, 0)
    assert thank_you.attempts == 0


def test_a_snooze_landing_in_quiet_hours_moves_to_their_end(application, frozen):
    owner = application.owner
    owner.call_time = datetime.time(7, 0)  # Inside the default quiet hours (21:00-08:00).
    owner.save()
    log_interview(application, hel(2026, 3, 11, 13, 0))
    call = one(application, kind=Kind.CALL)
    frozen.move_to(hel(2026, 3, 16, 22, 15))

    followup_snooze(followup=call)

    assert one(application, kind=Kind.CALL).due_at == hel(2026, 3, 17, 8, 0)


def test_an_unrelated_edit_does_not_undo_a_snooze(application):
    log_interview(application, hel(2026, 3, 11, 13, 0))
    call = one(application, kind=Kind.CALL)
    followup_snooze(followup=call, choice=policy.SNOOZE_WEEK)
    snoozed_due = one(application, kind=Kind.CALL).due_at

    app_services.application_update(application=application, notes="Called the recruiter.")

    # Due Monday 16 March; a week on from that.
    assert snoozed_due == hel(2026, 3, 23, 10, 0)
    assert one(application, kind=Kind.CALL).due_at == snoozed_due


def test_an_old_rounds_call_cannot_be_snoozed_while_a_newer_call_waits(application):
    """Never two call reminders waiting for one application."""
    log_interview(application, hel(2026, 3, 11, 13, 0))
    Followup.objects.filter(kind=Kind.CALL).update(state=State.NOTIFIED)
    log_interview(application, hel(2026, 3, 13, 10, 0))
    old_call = rows(application, kind=Kind.CALL)[0]

    with pytest.raises(FollowupActionError):
        followup_snooze(followup=old_call)

    assert len(rows(application, kind=Kind.CALL, state=State.SCHEDULED)) == 1


# --- Corrections, races and in-flight reminders ---------------------------------------------------


def test_a_sync_of_an_application_deleted_in_another_tab_does_nothing(application):
    Application.objects.filter(pk=application.pk).delete()

    followups_sync_application(application=application)

    assert not Followup.objects.exists()


@pytest.mark.parametrize("action", [followup_mark_done, followup_skip, followup_snooze])
def test_acting_on_a_follow_up_whose_application_was_just_deleted_says_so(application, action):
    log_interview(application, hel(2026, 3, 11, 13, 0))
    thank_you = one(application, kind=Kind.THANK_YOU)
    Application.objects.filter(pk=application.pk).delete()

    with pytest.raises(FollowupActionError, match="no longer exists"):
        action(followup=thank_you)


def test_moving_an_interview_while_its_reminder_is_being_sent_keeps_the_new_time(
    application, frozen, settings, mailoutbox
):
    """The pass that claimed the old time cannot mark the moved follow-up notified."""
    from followups import dispatch

    interview = log_interview(application, hel(2026, 3, 10, 6, 0))  # thank-you due 09:00, now
    [(pk, token)] = dispatch.claim_due(
        now=timezone.now(), batch_size=10, lease=datetime.timedelta(minutes=5)
    )

    app_services.interview_update(interview=interview, starts_at=hel(2026, 3, 11, 13, 0))
    # The pass finishes sending the reminder about the old time and records its result.
    assert not dispatch._finish(pk, token, state=State.NOTIFIED, notified_at=timezone.now())

    thank_you = one(application, kind=Kind.THANK_YOU)
    assert thank_you.pk == pk
    assert (thank_you.state, thank_you.claimed_until, thank_you.claim_token) == (
        State.SCHEDULED,
        None,
        None,
    )
    assert thank_you.due_at == thank_you.next_attempt_at == hel(2026, 3, 11, 16, 0)
    assert dispatch.dispatch_due().claimed == 0
    frozen.move_to(hel(2026, 3, 11, 16, 0))
    assert dispatch.dispatch_due().sent == 1
    frozen.move_to(hel(2026, 3, 11, 18, 0))
    assert dispatch.dispatch_due().claimed == 0
    assert [m.extra_headers["X-Seuranta-Followup"] for m in mailoutbox] == [str(pk)]
    assert one(application, kind=Kind.THANK_YOU).state == State.NOTIFIED


def test_correcting_a_mistyped_interview_date_brings_back_the_follow_ups_skipped_as_stale(
    application,
):
    """February instead of March: both follow-ups are skipped as stale, then come back."""
    interview = log_interview(application, hel(2026, 2, 11, 13, 0))
    assert {f.state for f in rows(application)} == {State.SKIPPED}

    app_services.interview_update(interview=interview, starts_at=hel(2026, 3, 11, 13, 0))

    thank_you = one(application, kind=Kind.THANK_YOU)
    call = one(application, kind=Kind.CALL)
    assert (thank_you.state, thank_you.skip_reason, thank_you.completed_at) == (
        State.SCHEDULED,
        "",
        None,
    )
    assert thank_you.due_at == thank_you.next_attempt_at == hel(2026, 3, 11, 16, 0)
    assert (call.state, call.due_at) == (State.SCHEDULED, hel(2026, 3, 16, 10, 0))


def test_a_date_corrected_to_another_stale_date_leaves_the_follow_ups_skipped(application):
    interview = log_interview(application, hel(2026, 2, 11, 13, 0))
    before = snapshot(application)

    app_services.interview_update(interview=interview, starts_at=hel(2026, 2, 12, 13, 0))

    assert snapshot(application) == before


def test_a_follow_up_the_user_skipped_stays_skipped_when_the_interview_moves(application):
    interview = log_interview(application, hel(2026, 3, 11, 13, 0))
    followup_skip(followup=one(application, kind=Kind.THANK_YOU))

    app_services.interview_update(interview=interview, starts_at=hel(2026, 3, 12, 13, 0))

    assert one(application, kind=Kind.THANK_YOU).state == State.SKIPPED
