"""The morning digest (issue 14, part 3): one email a business day instead of each reminder,
listing what is due that day and what is overdue, each follow-up notified exactly once."""

import datetime
import smtplib
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend

from followups import digest, links
from followups.digest import digest_content, send_digests
from followups.dispatch import MAX_ATTEMPTS, dispatch_due
from followups.models import Digest, DigestState, Followup, Kind, SkipReason, State
from followups.tasks import send_due_digests
from notifications.dispatch import deliver_due
from tests.factories import APPLICATION_KINDS, ChannelFactory, UserFactory, followup_of_kind

HELSINKI = ZoneInfo("Europe/Helsinki")
NEW_YORK = ZoneInfo("America/New_York")
HERE = "tests.followups.test_digest"
MINUTE = datetime.timedelta(minutes=1)


def hel(*args: int) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=HELSINKI)


# Tuesday 10 March 2026, before the digest; no public holidays in the following two weeks.
NOW = hel(2026, 3, 10, 7, 0)


class RefusingBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise smtplib.SMTPException("451 4.3.0 Mail server temporarily rejected message")


class MarksDoneWhileSendingBackend(LocmemBackend):
    """The person clicks "Mark done" on Today while the digest is on its way."""

    def send_messages(self, messages):
        Followup.objects.update(state=State.DONE)
        return super().send_messages(messages)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def carol(db):
    """On the digest, at 08:00 Helsinki time."""
    return UserFactory(
        email="carol@example.com",
        display_name="Carol Example",
        digest_enabled=True,
        digest_time=datetime.time(8, 0),
    )


def due(owner, kind=Kind.CALL, **fields) -> Followup:
    return followup_of_kind(kind, owner=owner, **fields)


def states(*followups) -> list[str]:
    return [Followup.objects.get(pk=f.pk).state for f in followups]


def listed(message) -> set[int]:
    return {int(pk) for pk in message.extra_headers["X-Seuranta-Followups"].split()}


# --- Instead of each reminder --------------------------------------------------------------------


def test_with_the_digest_on_no_reminder_email_goes_on_its_own(carol, frozen, mailoutbox):
    followup = due(carol, due_at=hel(2026, 3, 10, 7, 0))

    assert dispatch_due().claimed == 0
    frozen.move_to(hel(2026, 3, 10, 10, 0))
    assert dispatch_due().claimed == 0

    assert Followup.objects.get(pk=followup.pk).state == State.SCHEDULED


def test_the_digest_goes_at_its_time_listing_today_and_overdue_once(carol, frozen, mailoutbox):
    overdue = due(carol, due_at=hel(2026, 3, 9, 14, 0))
    this_morning = due(carol, Kind.THANK_YOU, due_at=hel(2026, 3, 10, 6, 0))
    later_today = due(carol, Kind.APPLY_BY, due_at=hel(2026, 3, 10, 10, 0))
    tomorrow = due(carol, due_at=hel(2026, 3, 11, 10, 0))

    assert send_digests().sent == 0
    frozen.move_to(hel(2026, 3, 10, 8, 0))
    result = send_digests()

    assert (result.sent, result.listed) == (1, 3)
    [message] = mailoutbox
    assert message.to == ["carol@example.com"]
    assert listed(message) == {overdue.pk, this_morning.pk, later_today.pk}
    assert message.extra_headers["X-Seuranta-Digest"] == "2026-03-10"
    assert message.subject == "Your digest for 10 Mar: 3 follow-ups"
    assert message.body.index("Overdue") < message.body.index("Due today")
    assert states(overdue, this_morning, later_today, tomorrow) == [
        State.NOTIFIED,
        State.NOTIFIED,
        State.NOTIFIED,
        State.SCHEDULED,
    ]
    # Counted as notified, as a reminder email would have been.
    assert Followup.objects.get(pk=overdue.pk).notified_at == hel(2026, 3, 10, 8, 0)
    row = Digest.objects.get()
    assert (row.day, row.state, row.item_count, row.claim_token) == (
        datetime.date(2026, 3, 10),
        DigestState.SENT,
        3,
        None,
    )

    # Neither path mentions them again, that day or the next.
    frozen.shift(10 * MINUTE)
    assert send_digests().sent == 0
    assert dispatch_due().claimed == 0
    frozen.move_to(hel(2026, 3, 11, 8, 0))
    assert send_digests().sent == 1
    assert listed(mailoutbox[1]) == {tomorrow.pk}


def test_with_the_digest_off_each_reminder_is_emailed_as_before(alice, frozen, mailoutbox):
    first = due(alice, due_at=hel(2026, 3, 10, 7, 0))
    second = due(alice, Kind.APPLY_BY, due_at=hel(2026, 3, 10, 7, 0))
    frozen.move_to(hel(2026, 3, 10, 8, 0))

    assert send_digests().sent == 0
    assert dispatch_due().sent == 2

    assert {int(m.extra_headers["X-Seuranta-Followup"]) for m in mailoutbox} == {
        first.pk,
        second.pk,
    }
    assert not Digest.objects.exists()


def test_one_persons_digest_leaves_the_others_reminders_alone(alice, carol, frozen, mailoutbox):
    mine = due(alice, due_at=hel(2026, 3, 10, 7, 0))
    hers = due(carol, due_at=hel(2026, 3, 10, 7, 0))
    frozen.move_to(hel(2026, 3, 10, 8, 0))

    assert dispatch_due().sent == 1
    assert send_digests().sent == 1

    assert [m.to for m in mailoutbox] == [["alice@example.com"], ["carol@example.com"]]
    assert "X-Seuranta-Followup" in mailoutbox[0].extra_headers
    assert listed(mailoutbox[1]) == {hers.pk}
    assert states(mine, hers) == [State.NOTIFIED, State.NOTIFIED]


@pytest.mark.parametrize("kind", APPLICATION_KINDS)
def test_every_kind_is_listed_once(carol, frozen, mailoutbox, kind):
    followup = due(carol, kind, due_at=hel(2026, 3, 10, 7, 30))
    frozen.move_to(hel(2026, 3, 10, 8, 0))

    send_digests()
    send_digests()

    [message] = mailoutbox
    assert listed(message) == {followup.pk}
    assert states(followup) == [State.NOTIFIED]


def test_turning_the_digest_off_sends_what_waits_as_reminders(carol, frozen, mailoutbox):
    """Logged after the day's digest, due that afternoon: with the digest turned off meanwhile,
    it goes as a reminder of its own."""
    frozen.move_to(hel(2026, 3, 10, 9, 0))
    assert send_digests().empty == 1
    followup = due(carol, Kind.THANK_YOU, due_at=hel(2026, 3, 10, 15, 0))
    carol.digest_enabled = False
    carol.save()

    frozen.move_to(hel(2026, 3, 10, 15, 0))
    assert dispatch_due().sent == 1
    assert send_digests().sent == 0
    assert states(followup) == [State.NOTIFIED]


def test_with_reminder_emails_off_the_digest_goes_to_the_channels_only(
    carol, frozen, mailoutbox, webhook_sink
):
    """Email is one target among others: turned off, the digest still reaches the person's
    channel, once, at the digest time and not before, and without the email's wording."""
    carol.reminders_enabled = False
    carol.save()
    ChannelFactory(owner=carol, label="Phone", url=webhook_sink.url())
    followup = due(carol, due_at=hel(2026, 3, 10, 7, 30))
    frozen.move_to(hel(2026, 3, 10, 7, 45))
    assert (dispatch_due().claimed, send_digests().sent, deliver_due().sent) == (0, 0, 0)

    frozen.move_to(hel(2026, 3, 10, 8, 0))
    assert send_digests().sent == 1
    assert deliver_due().sent == 1
    assert send_digests().sent == deliver_due().sent == 0
    assert mailoutbox == []
    assert states(followup) == [State.NOTIFIED]
    [message] = webhook_sink.messages()
    assert "in one message instead of one per reminder" in message["message"]
    assert "email" not in message["message"].lower()
    assert webhook_sink.followup_ids() == {followup.pk: 1}


def test_a_day_with_nothing_due_sends_no_email_and_is_over(carol, frozen, mailoutbox):
    """Recorded as empty; a follow-up made later that day waits for the next digest."""
    frozen.move_to(hel(2026, 3, 10, 8, 0))

    result = send_digests()

    assert (result.sent, result.empty) == (0, 1)
    assert mailoutbox == []
    later = due(carol, Kind.THANK_YOU, due_at=hel(2026, 3, 10, 15, 0))
    frozen.move_to(hel(2026, 3, 10, 15, 0))
    assert send_digests().sent == 0
    frozen.move_to(hel(2026, 3, 11, 8, 0))
    assert send_digests().sent == 1
    assert listed(mailoutbox[0]) == {later.pk}


def test_a_new_digest_time_after_the_days_digest_brings_no_second_one(carol, frozen, mailoutbox):
    due(carol, due_at=hel(2026, 3, 10, 7, 30))
    frozen.move_to(hel(2026, 3, 10, 8, 0))
    send_digests()
    due(carol, Kind.APPLY_BY, due_at=hel(2026, 3, 10, 12, 0))
    carol.digest_time = datetime.time(15, 0)
    carol.save()

    frozen.move_to(hel(2026, 3, 10, 15, 0))

    assert send_digests().sent == 0
    assert len(mailoutbox) == 1


# --- Business days and quiet hours ---------------------------------------------------------------


def test_no_digest_at_the_weekend_and_mondays_lists_fridays_overdue(carol, frozen, mailoutbox):
    """Friday's digest lists Friday's call; a thank-you due Friday afternoon, logged after it,
    and Saturday's reminder wait for Monday's, as overdue."""
    call = due(carol, due_at=hel(2026, 3, 13, 10, 0))
    frozen.move_to(hel(2026, 3, 13, 8, 0))
    assert send_digests().sent == 1
    assert listed(mailoutbox[0]) == {call.pk}

    frozen.move_to(hel(2026, 3, 13, 14, 0))
    friday_afternoon = due(carol, Kind.THANK_YOU, due_at=hel(2026, 3, 13, 16, 0))
    saturday = due(carol, Kind.APPLY_BY, due_at=hel(2026, 3, 14, 10, 0))
    monday = due(carol, due_at=hel(2026, 3, 16, 10, 0))
    for moment in (hel(2026, 3, 13, 16, 0), hel(2026, 3, 14, 8, 0), hel(2026, 3, 15, 12, 0)):
        frozen.move_to(moment)
        assert send_digests().sent == 0
        assert dispatch_due().claimed == 0

    frozen.move_to(hel(2026, 3, 16, 8, 0))
    assert send_digests().sent == 1

    assert len(mailoutbox) == 2
    assert listed(mailoutbox[1]) == {friday_afternoon.pk, saturday.pk, monday.pk}
    body = mailoutbox[1].body
    assert body.index("Overdue") < body.index("Send a thank-you note") < body.index("Due today")
    assert states(friday_afternoon, saturday, monday) == [State.NOTIFIED] * 3


def test_no_digest_on_a_public_holiday(carol, frozen, mailoutbox):
    """Christmas Eve and Christmas Day 2026 are a Thursday and a Friday: the next digest is
    on Monday 28 December, and it lists Christmas Eve's reminder."""
    christmas_eve = due(carol, due_at=hel(2026, 12, 24, 10, 0))
    for day in (24, 25, 26, 27):
        frozen.move_to(hel(2026, 12, day, 9, 0))
        assert send_digests().sent == 0

    frozen.move_to(hel(2026, 12, 28, 8, 0))
    assert send_digests().sent == 1
    assert listed(mailoutbox[0]) == {christmas_eve.pk}


def test_a_digest_time_inside_quiet_hours_goes_when_they_end(carol, frozen, mailoutbox):
    carol.digest_time = datetime.time(6, 30)
    carol.save()
    due(carol, due_at=hel(2026, 3, 10, 6, 0))

    frozen.move_to(hel(2026, 3, 10, 6, 30))
    assert send_digests().sent == 0
    frozen.move_to(hel(2026, 3, 10, 7, 59))
    assert send_digests().sent == 0
    frozen.move_to(hel(2026, 3, 10, 8, 0))
    assert send_digests().sent == 1


def test_a_worker_back_only_in_the_evening_quiet_hours_leaves_it_for_the_next_day(
    carol, frozen, mailoutbox
):
    followup = due(carol, due_at=hel(2026, 3, 10, 7, 30))
    frozen.move_to(hel(2026, 3, 10, 22, 30))

    assert send_digests().sent == 0
    frozen.move_to(hel(2026, 3, 11, 8, 0))
    assert send_digests().sent == 1
    assert listed(mailoutbox[0]) == {followup.pk}


@pytest.mark.parametrize(
    ("friday", "monday"),
    [
        # Helsinki springs forward on Sunday 29 March 2026: 06:00 UTC, then 05:00 UTC.
        (datetime.datetime(2026, 3, 27, 6, 0, tzinfo=datetime.UTC), (2026, 3, 30, 5, 0)),
        # ... and falls back on Sunday 25 October: 05:00 UTC, then 06:00 UTC.
        (datetime.datetime(2026, 10, 23, 5, 0, tzinfo=datetime.UTC), (2026, 10, 26, 6, 0)),
    ],
)
def test_the_digest_stays_at_eight_helsinki_time_across_a_clock_change(
    carol, frozen, mailoutbox, friday, monday
):
    monday = datetime.datetime(*monday, tzinfo=datetime.UTC)
    due(carol, due_at=friday - MINUTE)
    due(carol, due_at=monday - MINUTE)

    frozen.move_to(friday - MINUTE)
    assert send_digests().sent == 0
    frozen.move_to(friday)
    assert send_digests().sent == 1
    frozen.move_to(monday - MINUTE)
    assert send_digests().sent == 0
    frozen.move_to(monday)
    assert send_digests().sent == 1
    assert [m.extra_headers["X-Seuranta-Digest"] for m in mailoutbox] == [
        friday.astimezone(HELSINKI).date().isoformat(),
        monday.astimezone(HELSINKI).date().isoformat(),
    ]


@pytest.mark.parametrize(
    ("before", "after"),
    [
        # New York springs forward on Sunday 8 March 2026: 13:00 UTC, then 12:00 UTC.
        ((2026, 3, 6, 13, 0), (2026, 3, 9, 12, 0)),
        # ... and falls back on Sunday 1 November: 12:00 UTC, then 13:00 UTC.
        ((2026, 10, 30, 12, 0), (2026, 11, 2, 13, 0)),
    ],
)
def test_the_digest_stays_at_eight_new_york_time_across_a_clock_change(
    db, frozen, mailoutbox, before, after
):
    dana = UserFactory(
        digest_enabled=True,
        digest_time=datetime.time(8, 0),
        time_zone="America/New_York",
        country="US",
    )
    for moment in (before, after):
        moment = datetime.datetime(*moment, tzinfo=datetime.UTC)
        due(dana, due_at=moment - MINUTE)
        frozen.move_to(moment - MINUTE)
        assert send_digests().sent == 0
        frozen.move_to(moment)
        assert send_digests().sent == 1
        assert mailoutbox[-1].extra_headers["X-Seuranta-Digest"] == (
            moment.astimezone(NEW_YORK).date().isoformat()
        )


# --- Downtime and crashes ------------------------------------------------------------------------


def test_a_worker_down_across_the_digest_hour_sends_it_once_when_back(carol, frozen, mailoutbox):
    """Nothing ran at 08:00; the first pass at 11:00 sends the day's digest, 10:00's call
    included, and no later pass sends it again."""
    call = due(carol, due_at=hel(2026, 3, 10, 10, 0))
    frozen.move_to(hel(2026, 3, 10, 11, 0))

    assert send_digests().sent == 1
    for _ in range(3):
        frozen.shift(MINUTE)
        assert send_digests().sent == 0
        assert dispatch_due().claimed == 0

    [message] = mailoutbox
    assert listed(message) == {call.pk}
    assert Digest.objects.count() == 1


def test_after_days_of_downtime_one_digest_lists_everything(carol, frozen, mailoutbox):
    """Down from Tuesday evening to Friday 09:00: one digest, Friday's, with Wednesday's and
    Thursday's reminders as overdue; no digest for the days missed."""
    wednesday = due(carol, due_at=hel(2026, 3, 11, 10, 0))
    thursday = due(carol, Kind.APPLY_BY, due_at=hel(2026, 3, 12, 10, 0))
    friday = due(carol, Kind.THANK_YOU, due_at=hel(2026, 3, 13, 12, 0))
    frozen.move_to(hel(2026, 3, 13, 9, 0))

    assert send_digests().sent == 1
    assert send_digests().sent == 0

    [message] = mailoutbox
    assert listed(message) == {wednesday.pk, thursday.pk, friday.pk}
    assert list(Digest.objects.values_list("day", flat=True)) == [datetime.date(2026, 3, 13)]


def test_a_killed_workers_claim_is_taken_over_after_the_lease(carol, frozen, mailoutbox):
    """A worker took the day and died before sending: nothing until the lease runs out, then
    one digest; the dead worker's token can record nothing."""
    followup = due(carol, due_at=hel(2026, 3, 10, 7, 30))
    frozen.move_to(hel(2026, 3, 10, 8, 0))
    [(owner, day, row)] = digest.due_days(digest.timezone.now())
    dead = digest._take(owner, day, row, digest.timezone.now(), 5 * MINUTE)

    assert send_digests().sent == 0
    frozen.shift(5 * MINUTE + datetime.timedelta(seconds=1))
    assert send_digests().sent == 1

    assert len(mailoutbox) == 1
    assert not digest._record(
        owner, day, dead, digest.timezone.now(), state=DigestState.SENT, followup_ids=[followup.pk]
    )
    assert Digest.objects.get().attempts == 2
    assert states(followup) == [State.NOTIFIED]


def test_a_worker_killed_after_sending_duplicates_that_one_digest_only(carol, frozen, mailoutbox):
    """The email was out, the record never written: after the lease the digest goes again,
    once (the one duplicate the design allows), and never a third time."""
    followup = due(carol, due_at=hel(2026, 3, 10, 7, 30))
    frozen.move_to(hel(2026, 3, 10, 8, 0))
    now = digest.timezone.now()
    [(owner, day, row)] = digest.due_days(now)
    token = digest._take(owner, day, row, now, 5 * MINUTE)
    items = list(Followup.objects.filter(claim_token=token).select_related("application"))
    digest.digest_message(owner, items, now).send()  # ... and the worker is SIGKILLed here.

    frozen.shift(5 * MINUTE + datetime.timedelta(seconds=1))
    assert send_digests().sent == 1
    frozen.shift(10 * MINUTE)
    assert send_digests().sent == 0

    assert [listed(m) for m in mailoutbox] == [{followup.pk}, {followup.pk}]
    assert states(followup) == [State.NOTIFIED]


def test_a_refused_digest_is_retried_with_backoff_then_marked_failed(carol, settings, frozen):
    """Its follow-ups stay scheduled throughout, so the next day's digest lists them."""
    followup = due(carol, due_at=hel(2026, 3, 10, 7, 30))
    settings.EMAIL_BACKEND = f"{HERE}.RefusingBackend"
    frozen.move_to(hel(2026, 3, 10, 8, 0))

    assert send_digests().retrying == 1
    row = Digest.objects.get()
    assert (row.state, row.attempts, row.next_attempt_at) == (
        DigestState.PENDING,
        1,
        hel(2026, 3, 10, 8, 1),
    )
    assert row.last_error.startswith("SMTPException: 451")
    assert send_digests().retrying == 0  # still backing off
    for _ in range(MAX_ATTEMPTS - 1):
        frozen.move_to(Digest.objects.get().next_attempt_at)
        send_digests()
    assert Digest.objects.get().state == DigestState.FAILED
    assert states(followup) == [State.SCHEDULED]
    assert Followup.objects.get(pk=followup.pk).claim_token is None

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    frozen.move_to(hel(2026, 3, 11, 8, 0))
    assert send_digests().sent == 1
    assert listed(mail.outbox[0]) == {followup.pk}


def test_a_refused_digest_goes_on_its_retry(carol, settings, frozen, mailoutbox):
    due(carol, due_at=hel(2026, 3, 10, 7, 30))
    settings.EMAIL_BACKEND = f"{HERE}.RefusingBackend"
    frozen.move_to(hel(2026, 3, 10, 8, 0))
    send_digests()

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    frozen.move_to(hel(2026, 3, 10, 8, 1))
    assert send_digests().sent == 1
    assert Digest.objects.get().attempts == 2
    assert len(mail.outbox) == 1


def test_a_follow_up_marked_done_while_the_digest_is_sent_stays_done(carol, settings, frozen):
    followup = due(carol, due_at=hel(2026, 3, 10, 7, 30))
    settings.EMAIL_BACKEND = f"{HERE}.MarksDoneWhileSendingBackend"
    frozen.move_to(hel(2026, 3, 10, 8, 0))

    assert send_digests().sent == 1
    assert states(followup) == [State.DONE]


def test_what_has_nothing_left_to_say_is_closed_not_listed(carol, frozen, mailoutbox):
    """A thank-you days late is skipped, an apply-by past its deadline too, as the dispatcher
    would have; the rest is listed."""
    stale = due(carol, Kind.THANK_YOU, due_at=hel(2026, 3, 5, 10, 0))
    passed = due(carol, Kind.APPLY_BY, due_at=hel(2026, 3, 5, 10, 0))
    passed.application.apply_by = datetime.date(2026, 3, 6)
    passed.application.save()
    fresh = due(carol, due_at=hel(2026, 3, 10, 7, 30))
    frozen.move_to(hel(2026, 3, 10, 8, 0))

    send_digests()

    assert listed(mailoutbox[0]) == {fresh.pk}
    assert [Followup.objects.get(pk=f.pk).skip_reason for f in (stale, passed)] == [
        SkipReason.STALE_THANK_YOU,
        SkipReason.STALE_APPLY_BY,
    ]


def test_only_the_persons_own_follow_ups_are_listed(carol, frozen, mailoutbox):
    erin = UserFactory(digest_enabled=True, email="erin@example.com")
    hers = due(carol, due_at=hel(2026, 3, 10, 7, 30))
    theirs = due(erin, due_at=hel(2026, 3, 10, 7, 30))
    frozen.move_to(hel(2026, 3, 10, 8, 0))

    assert send_digests().sent == 2

    by_person = {m.to[0]: listed(m) for m in mailoutbox}
    assert by_person == {"carol@example.com": {hers.pk}, "erin@example.com": {theirs.pk}}


# --- What it says ------------------------------------------------------------------------------


def test_each_item_has_its_action_and_a_signed_mark_done_link(carol, frozen):
    followup = due(carol, due_at=hel(2026, 3, 10, 7, 30))
    followup.application.company = "Kone Oyj"
    followup.application.save()
    frozen.move_to(hel(2026, 3, 10, 8, 0))
    items = list(Followup.objects.select_related("application", "owner"))

    subject, text = digest_content(carol, items, digest.timezone.now())

    assert subject == "Your digest for 10 Mar: 1 follow-up"
    assert "Call Kone Oyj about your Backend Developer interview" in text
    assert "Due at 07:30" in text
    assert links.action_url(followup, "done").split("/done/")[0] in text
    token = text.split("/done/")[1].split("/")[0]
    assert links.read_action_token(token) == (followup.pk, "done", carol.pk)


def test_the_content_is_built_without_touching_the_database(
    carol, frozen, django_assert_num_queries
):
    due(carol, due_at=hel(2026, 3, 10, 7, 30))
    due(carol, Kind.APPLY_BY, due_at=hel(2026, 3, 9, 7, 30))
    items = list(Followup.objects.select_related("application", "owner"))
    frozen.move_to(hel(2026, 3, 10, 8, 0))

    with django_assert_num_queries(0):
        digest_content(carol, items, digest.timezone.now())
        digest.digest_html(carol, items, digest.timezone.now())


def test_user_text_stays_text_in_the_html_and_one_line_in_the_subject(carol, frozen, mailoutbox):
    followup = due(carol, due_at=hel(2026, 3, 10, 7, 30))
    followup.application.company = '<b onclick="x()">Evil</b>\r\nBcc: victim@example.com'
    followup.application.save()
    carol.display_name = "Carol\r\nBcc: other@example.com"
    carol.save()
    frozen.move_to(hel(2026, 3, 10, 8, 0))

    send_digests()

    [message] = mailoutbox
    html = message.alternatives[0][0]
    assert '<b onclick="x()">' not in html
    assert "&lt;b onclick=&quot;x()&quot;&gt;Evil&lt;/b&gt;" in html
    assert "\n" not in message.subject and "\r" not in message.subject
    headers = message.message().as_string().split("\n\n")[0]
    assert "\nBcc:" not in headers
    assert message.recipients() == ["carol@example.com"]


def test_the_digest_speaks_the_persons_language(carol, frozen, mailoutbox):
    carol.language = "fi"
    carol.save()
    due(carol, due_at=hel(2026, 3, 9, 14, 0))
    due(carol, Kind.APPLY_BY, due_at=hel(2026, 3, 10, 10, 0))
    frozen.move_to(hel(2026, 3, 10, 8, 0))

    send_digests()

    [message] = mailoutbox
    assert message.subject == "Kooste 10.3.: 2 jatkotoimea"
    assert "Myöhässä" in message.body
    assert "Tänään" in message.body
    assert "Merkitse tehdyksi" in message.alternatives[0][0]


# --- The periodic task -------------------------------------------------------------------------


def test_a_pass_with_nobody_on_the_digest_is_one_query(alice, django_assert_num_queries):
    due(alice)
    with django_assert_num_queries(1):
        assert send_digests().sent == 0


def test_a_pass_whose_digests_have_all_gone_is_two_queries(
    carol, frozen, django_assert_num_queries
):
    due(carol, due_at=hel(2026, 3, 10, 7, 30))
    frozen.move_to(hel(2026, 3, 10, 8, 0))
    send_digests()

    frozen.shift(MINUTE)
    with django_assert_num_queries(2):
        assert send_digests().sent == 0


def test_the_beat_runs_the_digest_task_as_often_as_the_dispatch(settings):
    from config.celery_app import app

    entry = settings.CELERY_BEAT_SCHEDULE["send-due-digests"]
    assert entry["task"] == "followups.tasks.send_due_digests"
    assert entry["schedule"] == settings.CELERY_BEAT_SCHEDULE["dispatch-due-followups"]["schedule"]
    assert app.tasks[entry["task"]].run is send_due_digests.run


def test_the_task_sends_the_due_digests(carol, frozen, mailoutbox):
    due(carol, due_at=hel(2026, 3, 10, 7, 30))
    frozen.move_to(hel(2026, 3, 10, 8, 0))

    assert send_due_digests()["sent"] == 1
    assert len(mailoutbox) == 1


def test_the_management_command_sends_the_due_digests_too(carol, frozen, mailoutbox, capsys):
    from django.core.management import call_command

    due(carol, due_at=hel(2026, 3, 10, 7, 30))
    frozen.move_to(hel(2026, 3, 10, 8, 0))

    call_command("dispatch_followups")

    assert "digests: sent 1" in capsys.readouterr().out
    assert len(mailoutbox) == 1


def test_support_sees_the_digests_in_the_admin(admin_client, carol, frozen):
    due(carol, due_at=hel(2026, 3, 10, 7, 30))
    frozen.move_to(hel(2026, 3, 10, 8, 0))
    send_digests()

    page = admin_client.get("/admin/followups/digest/").content.decode()
    assert "carol@example.com" in page
