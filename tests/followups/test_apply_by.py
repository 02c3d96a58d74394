"""The apply-by follow-up (issue 13, part 4): a saved application's deadline is reminded of once,
through the same engine as the other follow-ups, and kept in step with the application."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from accounts.services import user_preferences_update
from applications import services as app_services
from applications.models import Status
from followups.dispatch import dispatch_due
from followups.models import Followup, Kind, SkipReason, State
from followups.services import followup_mark_done, followups_sync_application

HELSINKI = ZoneInfo("Europe/Helsinki")
# A Tuesday morning in Helsinki; no public holidays in the following two weeks.
NOW = datetime.datetime(2026, 3, 10, 9, 0, tzinfo=HELSINKI)
FRIDAY = datetime.date(2026, 3, 13)


def hel(*args: int) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=HELSINKI)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def saved(owner, apply_by=FRIDAY, **fields):
    return app_services.application_create(
        owner=owner,
        company=fields.pop("company", "Acme Oy"),
        position="Backend Developer",
        status=Status.SAVED,
        apply_by=apply_by,
        **fields,
    )


def apply_by_rows(application) -> list[Followup]:
    return list(Followup.objects.filter(application=application, kind=Kind.APPLY_BY).order_by("id"))


def the_one(application) -> Followup:
    [row] = apply_by_rows(application)
    return row


# --- Kept in step with the application ----------------------------------------------------------


def test_a_saved_application_with_a_deadline_gets_one_apply_by_reminder(alice):
    """Deadline Friday: reminded on Wednesday at the call time, 10:00 Helsinki."""
    application = saved(alice)

    row = the_one(application)
    assert (row.state, row.due_at, row.interview_id) == (
        State.SCHEDULED,
        hel(2026, 3, 11, 10, 0),
        None,
    )


def test_saving_again_changes_nothing(alice):
    application = saved(alice)
    before = [(f.pk, f.due_at, f.updated_at) for f in apply_by_rows(application)]

    app_services.application_update(application=application, notes="Ask Maija about the team.")
    followups_sync_application(application=application)

    assert [(f.pk, f.due_at, f.updated_at) for f in apply_by_rows(application)] == before


def test_an_application_already_sent_gets_no_apply_by_reminder(alice):
    application = app_services.application_create(
        owner=alice, company="Acme Oy", position="Dev", status=Status.APPLIED, apply_by=FRIDAY
    )
    assert apply_by_rows(application) == []


def test_a_deadline_already_past_gets_no_reminder(alice):
    application = saved(alice, apply_by=datetime.date(2026, 3, 9))
    assert apply_by_rows(application) == []


def test_a_deadline_tomorrow_is_due_at_once_and_stays_put_on_later_saves(alice, frozen):
    """Less than two business days left: due now. Saved again a minute later, it is not moved
    on by a minute: the dispatcher takes it as it is."""
    application = saved(alice, apply_by=datetime.date(2026, 3, 11))
    assert the_one(application).due_at == NOW

    frozen.shift(datetime.timedelta(minutes=1))
    app_services.application_update(application=application, notes="Still keen.")

    assert the_one(application).due_at == NOW


def test_a_changed_deadline_moves_the_same_reminder(alice):
    application = saved(alice)
    first = the_one(application)

    app_services.application_update(application=application, apply_by=datetime.date(2026, 3, 20))

    moved = the_one(application)
    assert moved.pk == first.pk
    assert (moved.state, moved.due_at) == (State.SCHEDULED, hel(2026, 3, 18, 10, 0))


def test_a_deadline_brought_forward_to_tomorrow_makes_it_due_now(alice):
    application = saved(alice)

    app_services.application_update(application=application, apply_by=datetime.date(2026, 3, 11))

    assert the_one(application).due_at == NOW


def test_removing_the_deadline_cancels_the_reminder(alice):
    application = saved(alice)

    app_services.application_update(application=application, apply_by=None)

    assert the_one(application).state == State.CANCELLED


@pytest.mark.parametrize("status", [Status.APPLIED, Status.INTERVIEWING, Status.WITHDRAWN])
def test_moving_past_saved_cancels_the_reminder_still_waiting(alice, status):
    application = saved(alice)

    app_services.application_set_status(application=application, status=status)

    row = the_one(application)
    assert (row.state, row.skip_reason) == (State.CANCELLED, "")


def test_applying_after_the_reminder_went_marks_it_done(alice):
    """The person did what the reminder asked."""
    application = saved(alice)
    Followup.objects.filter(application=application).update(state=State.NOTIFIED, notified_at=NOW)

    app_services.application_set_status(application=application, status=Status.APPLIED)

    assert the_one(application).state == State.DONE


def test_withdrawing_after_the_reminder_went_cancels_it(alice):
    application = saved(alice)
    Followup.objects.filter(application=application).update(state=State.NOTIFIED)

    app_services.application_set_status(application=application, status=Status.WITHDRAWN)

    assert the_one(application).state == State.CANCELLED


def test_back_to_saved_re_opens_the_same_row(alice):
    application = saved(alice)
    app_services.application_set_status(application=application, status=Status.APPLIED)

    app_services.application_set_status(application=application, status=Status.SAVED)

    row = the_one(application)
    assert (row.state, row.due_at) == (State.SCHEDULED, hel(2026, 3, 11, 10, 0))


def test_a_reminder_already_sent_is_not_sent_again_for_a_new_deadline(alice):
    """Once: a later deadline does not bring a second reminder."""
    application = saved(alice)
    Followup.objects.filter(application=application).update(state=State.NOTIFIED)

    app_services.application_update(application=application, apply_by=datetime.date(2026, 3, 27))

    row = the_one(application)
    assert (row.state, row.due_at) == (State.NOTIFIED, hel(2026, 3, 11, 10, 0))


def test_a_deadline_passed_unsent_is_skipped_with_its_reason_and_reopened_if_moved(alice, frozen):
    """No worker ran across the deadline; an edit the morning after finds the reminder too late.
    The employer then extends the deadline: the reminder is wanted again."""
    application = saved(alice)
    frozen.move_to(hel(2026, 3, 14, 9, 0))

    app_services.application_update(application=application, notes="Missed it?")

    row = the_one(application)
    assert (row.state, row.skip_reason) == (State.SKIPPED, SkipReason.STALE_APPLY_BY)
    assert row.skipped_as_stale

    app_services.application_update(application=application, apply_by=datetime.date(2026, 3, 20))

    row = the_one(application)
    assert (row.state, row.due_at, row.skip_reason) == (
        State.SCHEDULED,
        hel(2026, 3, 18, 10, 0),
        "",
    )


def test_a_reminder_the_person_skipped_stays_skipped(alice):
    application = saved(alice)
    row = the_one(application)
    from followups.services import followup_skip

    followup_skip(followup=row)
    app_services.application_update(application=application, apply_by=datetime.date(2026, 3, 20))

    assert the_one(application).state == State.SKIPPED


def test_the_preference_turns_it_off_and_on_again(alice):
    application = saved(alice)

    user_preferences_update(user=alice, apply_by_enabled=False)
    assert the_one(application).state == State.CANCELLED

    user_preferences_update(user=alice, apply_by_enabled=True)
    row = the_one(application)
    assert (row.state, row.due_at) == (State.SCHEDULED, hel(2026, 3, 11, 10, 0))


def test_a_new_call_time_moves_the_reminder(alice):
    application = saved(alice)

    user_preferences_update(user=alice, call_time=datetime.time(14, 0))

    assert the_one(application).due_at == hel(2026, 3, 11, 14, 0)


def test_a_country_change_counts_its_own_holidays(alice):
    """Good Friday and Easter Monday (3 and 6 April 2026) are holidays in Finland, not in the
    United States: a Tuesday 7 April deadline is reminded of on Wednesday 1 April in Finland,
    on Friday 3 April in New York."""
    application = saved(alice, apply_by=datetime.date(2026, 4, 7))
    assert the_one(application).due_at == hel(2026, 4, 1, 10, 0)

    user_preferences_update(user=alice, country="US", time_zone="America/New_York")

    due = the_one(application).due_at
    assert due == datetime.datetime(2026, 4, 3, 10, 0, tzinfo=ZoneInfo("America/New_York"))


def test_one_apply_by_per_application_is_a_database_rule(alice):
    from django.db import IntegrityError, transaction

    application = saved(alice)
    with pytest.raises(IntegrityError), transaction.atomic():
        Followup.objects.create(
            owner=alice,
            application=application,
            kind=Kind.APPLY_BY,
            due_at=NOW,
            next_attempt_at=NOW,
        )


# --- Sent by the engine -------------------------------------------------------------------------


def test_the_reminder_is_emailed_once_at_its_time(alice, frozen, mailoutbox):
    application = saved(alice, posting_url="https://jobs.example.com/123")

    assert dispatch_due().claimed == 0
    frozen.move_to(hel(2026, 3, 11, 10, 0))
    assert dispatch_due().sent == 1
    assert dispatch_due().claimed == 0

    [message] = mailoutbox
    assert message.subject == "Apply to Acme Oy by 13 Mar 2026"
    assert "the deadline is 13 Mar 2026" in message.body
    assert "https://jobs.example.com/123" in message.body
    assert "/drafts/" not in message.body  # nothing to draft for this kind
    html = message.alternatives[0][0]
    assert "https://jobs.example.com/123" in html
    assert "/drafts/" not in html
    assert the_one(application).state == State.NOTIFIED


def test_the_reminder_speaks_finnish(alice, frozen, mailoutbox):
    alice.language = "fi"
    alice.save()
    saved(alice, company="Kone Oyj")
    frozen.move_to(hel(2026, 3, 11, 10, 0))

    dispatch_due()

    [message] = mailoutbox
    assert "Kone Oyj" in message.subject
    assert message.subject == "Lähetä hakemus yritykseen Kone Oyj viimeistään 13.3.2026"


def test_a_posting_url_that_is_not_http_never_becomes_a_link(alice, frozen, mailoutbox):
    application = saved(alice)
    application.posting_url = "javascript:alert(1)"  # written past the form's validation
    application.save()
    frozen.move_to(hel(2026, 3, 11, 10, 0))

    dispatch_due()

    assert "javascript:" not in mailoutbox[0].body
    assert "javascript:" not in mailoutbox[0].alternatives[0][0]


def test_a_worker_back_after_the_deadline_skips_it_instead_of_sending(alice, frozen, mailoutbox):
    application = saved(alice)
    frozen.move_to(hel(2026, 3, 14, 9, 0))

    result = dispatch_due()

    assert (result.claimed, result.skipped_stale, result.sent) == (1, 1, 0)
    assert mailoutbox == []
    row = the_one(application)
    assert (row.state, row.skip_reason) == (State.SKIPPED, SkipReason.STALE_APPLY_BY)


def test_a_worker_back_on_the_deadline_day_still_sends_it(alice, frozen, mailoutbox):
    saved(alice)
    frozen.move_to(hel(2026, 3, 13, 20, 0))

    assert dispatch_due().sent == 1
    assert len(mailoutbox) == 1


def test_an_application_sent_by_a_path_that_did_not_sync_is_cancelled_at_dispatch(
    alice, frozen, mailoutbox
):
    application = saved(alice)
    type(application).objects.filter(pk=application.pk).update(status=Status.APPLIED)
    frozen.move_to(hel(2026, 3, 11, 10, 0))

    result = dispatch_due()

    assert (result.cancelled, result.sent) == (1, 0)
    assert mailoutbox == []
    assert the_one(application).state == State.CANCELLED


def test_mark_done_closes_it_before_it_goes(alice, frozen):
    application = saved(alice)
    followup_mark_done(followup=the_one(application))
    frozen.move_to(hel(2026, 3, 11, 10, 0))

    assert dispatch_due().claimed == 0
    assert mail.outbox == []


# --- Shown on the pages ------------------------------------------------------------------------


def test_the_follow_up_page_names_the_deadline_and_offers_no_draft(alice_client, alice):
    application = saved(alice, posting_url="https://jobs.example.com/123")
    row = the_one(application)

    page = alice_client.get(row.get_absolute_url()).content.decode()

    assert "Reminder to apply: Acme Oy" in page
    assert "Application deadline" in page
    assert 'datetime="2026-03-13"' in page
    assert 'href="https://jobs.example.com/123"' in page
    assert reverse("drafts:for_followup", args=[row.pk]) not in page


def test_its_draft_link_is_not_found(alice_client, alice):
    row = the_one(saved(alice))
    response = alice_client.get(reverse("drafts:for_followup", args=[row.pk]))
    assert response.status_code == 404


def test_today_shows_it_due_with_the_deadline_and_the_application(alice_client, alice, frozen):
    application = saved(alice)
    frozen.move_to(hel(2026, 3, 11, 10, 5))

    page = alice_client.get(reverse("applications:dashboard")).content.decode()

    assert "Reminder to apply" in page
    assert "Deadline: 13 Mar 2026" in page
    assert application.get_absolute_url() in page
    assert reverse("drafts:for_followup", args=[the_one(application).pk]) not in page


def test_the_board_card_shows_the_next_apply_by(alice_client, alice):
    saved(alice)
    page = alice_client.get(reverse("applications:board")).content.decode()
    assert "Reminder to apply:" in page


def test_the_follow_ups_page_filters_by_the_new_kind(alice_client, alice):
    saved(alice, company="Deadline Oy")
    page = alice_client.get(reverse("followups:followup_list"), {"kind": "apply_by"})
    assert "Deadline Oy" in page.content.decode()


def test_the_calendar_feed_lists_it_with_the_deadline(alice):
    from exports.calendar import feed_ics

    saved(alice, company="Feed Oy")
    ics = feed_ics(alice).decode()
    assert "Apply to Feed Oy (Backend Developer) by 13 Mar" in ics
