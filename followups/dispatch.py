"""The dispatch pass: claim the due follow-ups, email one reminder for each, record the result.

Each reminder also goes to the person's notification channels and browsers: handling a row
announces it going out (followups.announce), and notifications, subscribed there, makes its
deliveries, which its channel pass (notifications.dispatch) sends under the same lease rules,
after this one.

The database is the schedule and the lock. A pass
1. claims up to batch_size due rows in one short transaction (core.leases, the rules the
   channel pass shares): each row is taken with a conditional UPDATE that only succeeds if
   nobody claimed it since it was read (so two passes never both own a row), and gets a lease
   (claimed_until) and a fresh claim_token; on PostgreSQL the candidates are read with
   SELECT … FOR UPDATE SKIP LOCKED first, so that concurrent passes take different rows
   instead of queueing behind each other;
2. with no transaction open, renders and sends each email over one mail connection;
3. records each result with an UPDATE guarded by the claim_token, so a pass whose lease ran out
   (and whose row another pass took over) cannot overwrite the newer owner's work.

A worker killed between 1 and 3 leaves rows whose lease expires; the next pass claims them again.
An email that went out just before such a crash is sent a second time: the one duplicate this
design allows, in exchange for never losing a reminder.
"""

import dataclasses
import datetime
import logging
import smtplib
import uuid
from time import monotonic

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import get_connection
from django.db.models import F, Q
from django.utils import timezone

from applications.models import Status
from core import leases
from followups import announce, policy
from followups.emails import reminder_message
from followups.models import STALE_REASONS, Followup, Kind, State

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
BACKOFF_CAP = datetime.timedelta(hours=1)
# While the mail server cannot be reached at all, no attempt is used up (an outage of hours
# must not fail every reminder due in it); the wait grows with how overdue the reminder is,
# up to this cap, so that it goes out soon after the server is back.
UNREACHABLE_BACKOFF_CAP = datetime.timedelta(minutes=10)
# ... but not forever: a reminder still unsent this long after it was due is marked failed, so
# that it shows on the dashboard's failed list and the user acts on it without the email.
UNREACHABLE_GIVE_UP_AFTER = datetime.timedelta(hours=24)
DEFAULT_LEASE = datetime.timedelta(minutes=5)
LAST_ERROR_MAX = 300


@dataclasses.dataclass
class DispatchResult:
    claimed: int = 0
    sent: int = 0
    # Reminder emails turned off: shown in the app only.
    not_emailed: int = 0
    # Thank-you and feedback reminders too late to send (policy.is_stale), and apply-by
    # reminders whose deadline passed.
    skipped_stale: int = 0
    # Sending failed, or the mail server could not be reached; tried again after a backoff.
    retrying: int = 0
    # Sending failed MAX_ATTEMPTS times; the row is now `failed`.
    failed: int = 0
    # Claimed but handed back unsent, because the pass ran too close to its lease's end.
    released: int = 0
    # Due inside the user's quiet hours (a retry or a catch-up pass at night): handed back to
    # wait for their end, without using up an attempt.
    deferred: int = 0
    # Job-search obligation reminders whose target was met before they went, and apply-by
    # reminders of applications no longer saved.
    cancelled: int = 0
    # The result could not be recorded: the claim was lost (lease expired and taken over, or the
    # user closed or moved the follow-up meanwhile).
    lost: int = 0

    def __add__(self, other: "DispatchResult") -> "DispatchResult":
        return DispatchResult(
            **{
                f.name: getattr(self, f.name) + getattr(other, f.name)
                for f in dataclasses.fields(self)
            }
        )

    def as_dict(self) -> dict[str, int]:
        return dataclasses.asdict(self)

    def __str__(self) -> str:
        return ", ".join(f"{name} {value}" for name, value in self.as_dict().items())


def grace_period() -> datetime.timedelta:
    """How late a reminder may be before it says so: two dispatch intervals, at least 5 minutes."""
    return max(
        datetime.timedelta(seconds=2 * settings.FOLLOWUP_DISPATCH_INTERVAL),
        datetime.timedelta(minutes=5),
    )


def backoff(attempts: int) -> datetime.timedelta:
    """Wait after the attempts-th failure: 1, 2, 4, 8 … minutes, at most an hour."""
    return min(datetime.timedelta(minutes=2 ** max(attempts - 1, 0)), BACKOFF_CAP)


def unreachable_backoff(overdue: datetime.timedelta) -> datetime.timedelta:
    """Wait while the server is down: half as long as the reminder is overdue, 1 to 10 minutes."""
    return min(max(overdue / 2, datetime.timedelta(minutes=1)), UNREACHABLE_BACKOFF_CAP)


class MailServerUnavailable(Exception):
    """No connection to the mail server: the message was never offered to it."""


def describe_error(exc: BaseException) -> str:
    """A short, one-line error for the user and the admin: the class and the server's words.

    SMTP errors carry the server's reply, never the credentials sent; the line is cut short
    anyway so a chatty server cannot fill the page.
    """
    text = " ".join(str(exc).split())
    line = f"{type(exc).__name__}: {text}" if text else type(exc).__name__
    return line[:LAST_ERROR_MAX]


def _claimable(now: datetime.datetime):
    # Served by followup_dispatch_idx (partial on state = scheduled, ordered by next_attempt_at, id:
    # the order core.leases.claim takes rows in).
    # The follow-ups of people on the morning digest are the digest's (followups.digest). A
    # subquery rather than a join, so that FOR UPDATE locks follow-ups only, never users.
    return (
        Followup.objects.filter(state=State.SCHEDULED, next_attempt_at__lte=now)
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        .exclude(owner_id__in=get_user_model().objects.digest_recipients().values("pk"))
    )


def has_due(now: datetime.datetime) -> bool:
    """Whether a follow-up is due and unclaimed now (one look at followup_dispatch_idx)."""
    return _claimable(now).exists()


def claim_due(
    *, now: datetime.datetime, batch_size: int, lease: datetime.timedelta
) -> list[tuple[int, uuid.UUID]]:
    """Claim up to batch_size due follow-ups: [(id, claim_token)], oldest first (core.leases)."""
    return leases.claim(_claimable(now), now=now, batch_size=batch_size, lease=lease)


def _finish(pk: int, token: uuid.UUID, **fields) -> bool:
    """Record a claimed row's result, unless the claim was lost meanwhile."""
    # state=scheduled too: the user may have marked it done (or the sync cancelled it) while the
    # email was on its way; their word stands.
    return leases.finish(Followup.objects.filter(state=State.SCHEDULED), pk, token, **fields)


def _record_sent(pk: int, token: uuid.UUID, *, now: datetime.datetime, late: bool) -> bool:
    """Mark a row whose email went out as notified, trying again while the database is busy."""
    return leases.while_busy(
        lambda: _finish(
            pk, token, state=State.NOTIFIED, notified_at=now, sent_late=late, last_error=""
        ),
        what=f"sent follow-up {pk}",
    )


def _record_failure(
    followup: Followup, token: uuid.UUID, exc: BaseException, now: datetime.datetime
) -> str:
    error = describe_error(exc)
    if followup.attempts >= MAX_ATTEMPTS:
        done = _finish(followup.pk, token, state=State.FAILED, last_error=error)
        outcome = "failed"
    else:
        done = _finish(
            followup.pk,
            token,
            last_error=error,
            next_attempt_at=now + backoff(followup.attempts),
        )
        outcome = "retrying"
    return outcome if done else "lost"


def _record_unreachable(
    followup: Followup, token: uuid.UUID, exc: BaseException, now: datetime.datetime
) -> str:
    error = describe_error(exc)
    if now - followup.due_at >= UNREACHABLE_GIVE_UP_AFTER:
        done = _finish(followup.pk, token, state=State.FAILED, last_error=error)
        return "failed" if done else "lost"
    # The claim counted an attempt; a server that cannot be reached gives it back.
    done = _finish(
        followup.pk,
        token,
        last_error=error,
        next_attempt_at=now + unreachable_backoff(now - followup.due_at),
        attempts=F("attempts") - 1,
    )
    return "retrying" if done else "lost"


def _release(claimed: list[tuple[int, uuid.UUID]]) -> int:
    """Hand rows back as if this pass had never claimed them (one UPDATE); how many."""
    return leases.release(Followup.objects.filter(state=State.SCHEDULED), claimed)


class _Mail:
    """One mail connection for a batch, reopened after a failure, remembered when it is down."""

    def __init__(self):
        self.connection = get_connection()
        self.error: BaseException | None = None
        self.open()

    def open(self) -> None:
        try:
            self.connection.open()
            self.error = None
        except SoftTimeLimitExceeded:
            raise
        except Exception as exc:
            # The server is down or refusing: the rest of the batch records this error instead
            # of waiting for the same timeout once per row.
            log.warning("Could not open the mail connection: %s", describe_error(exc))
            self.error = exc

    def close(self) -> None:
        try:
            self.connection.close()
        except SoftTimeLimitExceeded:
            raise
        except Exception:
            log.debug("Closing the mail connection failed", exc_info=True)

    def send(self, message) -> None:
        """Send one message; MailServerUnavailable if the server could not be reached at all."""
        if self.error is not None:
            raise MailServerUnavailable from self.error
        try:
            if message.send() != 1:
                raise RuntimeError("the mail backend did not accept the message")
        except SoftTimeLimitExceeded:
            # The task is out of time, not the server out of order: nothing to record here.
            raise
        except Exception as exc:
            # The connection may be broken; start afresh for the next row.
            self.close()
            self.open()
            if self.error is not None and not _is_server_reply(exc):
                # The server went away mid-batch (it cannot be reached again): the message
                # was not refused, it never got through.
                raise MailServerUnavailable from exc
            raise


def _is_server_reply(exc: BaseException) -> bool:
    """Whether the server answered the message with an error code (a refusal of this message)."""
    return isinstance(exc, smtplib.SMTPResponseException | smtplib.SMTPRecipientsRefused)


def _obligation_settled(followup: Followup, now: datetime.datetime) -> tuple | None:
    """(state, reason, outcome) for an obligation reminder with nothing left to say, else None.

    The sync cancels it when the count reaches the target, but the count may have been reached
    by a path that did not sync (a direct database fix, an interrupted import): looked at once
    more here, it costs one COUNT per reminder. A period already over is past helping.
    """
    if now.astimezone(followup.owner.tzinfo).date() > followup.period_last:
        return State.SKIPPED, STALE_REASONS[followup.kind], "skipped_stale"
    if followup.obligation_missing == 0:
        return State.CANCELLED, "", "cancelled"
    return None


def _apply_by_settled(followup: Followup, now: datetime.datetime) -> tuple | None:
    """(state, reason, outcome) for an apply-by reminder past its use, else None.

    The deadline's day is over (a worker down across it): skipped as too late. The status
    moved past "saved" by a path that did not sync: cancelled, as the sync would have.
    """
    application = followup.application
    if application.status != Status.SAVED or application.apply_by is None:
        return State.CANCELLED, "", "cancelled"
    prefs = policy.Preferences.from_user(followup.owner)
    if policy.apply_by_passed(application.apply_by, prefs, now):
        return State.SKIPPED, STALE_REASONS[followup.kind], "skipped_stale"
    return None


def closing_instead(followup: Followup, now: datetime.datetime) -> tuple | None:
    """(state, reason, outcome) for a due follow-up to close instead of reminding of it.

    Too late to be worth it (policy.is_stale), or with nothing left to say (an obligation met,
    an apply-by whose deadline passed). The morning digest asks the same before listing one.
    """
    if followup.is_obligation:
        settled = _obligation_settled(followup, now)
        if settled:
            return settled
    if followup.kind == Kind.APPLY_BY:
        settled = _apply_by_settled(followup, now)
        if settled:
            return settled
    if policy.is_stale(followup.kind, followup.due_at, now):
        return State.SKIPPED, STALE_REASONS[followup.kind], "skipped_stale"
    return None


def _handle(
    followup: Followup,
    token: uuid.UUID,
    now: datetime.datetime,
    mail: _Mail,
    batch: announce.Batch,
) -> str:
    """Deal with one claimed row; the outcome's name in DispatchResult.

    `batch`: the subscribers' view of the batch's owners (which channels each has on), read
    once for the batch.
    """
    settled = closing_instead(followup, now)
    if settled:
        state, reason, outcome = settled
        closed = followup.close(state, now=now, reason=reason)
        ok = _finish(followup.pk, token, **{name: getattr(followup, name) for name in closed})
        return outcome if ok else "lost"
    owner = followup.owner
    if not owner.is_active:
        ok = _finish(followup.pk, token, state=State.NOTIFIED, last_error="")
        return "not_emailed" if ok else "lost"
    # due_at is out of quiet hours already, but a retry after backoff, a snooze or a pass
    # catching up after downtime may come at night: no reminder is delivered then.
    allowed = policy.out_of_quiet_hours(now, policy.Preferences.from_user(owner))
    if owner.reminders_enabled and allowed > now:
        ok = _finish(followup.pk, token, next_attempt_at=allowed, attempts=F("attempts") - 1)
        return "deferred" if ok else "lost"
    # The reminder's moment, announced before the email goes: notifications commits one
    # delivery per channel and browser turned on now, so that neither holds the other back.
    # Again on every retry of the email, where its unique constraint makes it a no-op.
    batch.reminder_going_out(followup, not_before=allowed)
    if not owner.reminders_enabled:
        # The user turned reminder emails off: the follow-up is due all the same and shows in
        # the app, so it moves on to `notified` (it has been "delivered" to the dashboard), but
        # notified_at stays empty because no email was sent. Turning emails back on later does
        # not send these. Their channels still get them, after the quiet hours (not_before).
        ok = _finish(followup.pk, token, state=State.NOTIFIED, last_error="")
        return "not_emailed" if ok else "lost"
    late = policy.is_overdue(followup.due_at, now, grace_period())
    try:
        mail.send(reminder_message(followup, late=late, connection=mail.connection))
    except SoftTimeLimitExceeded:
        # Out of time mid-send: whether the email went is unknown, so the row keeps its claim
        # and goes again after the lease (never recorded as an SMTP failure).
        raise
    except MailServerUnavailable as exc:
        # Not this message's fault: no attempt used up (only refusals count to MAX_ATTEMPTS).
        log.warning("Reminder for follow-up %s not sent: mail server unreachable", followup.pk)
        return _record_unreachable(followup, token, exc.__cause__ or exc, now)
    except Exception as exc:
        log.warning("Reminder for follow-up %s not sent: %s", followup.pk, describe_error(exc))
        return _record_failure(followup, token, exc, now)
    try:
        ok = _record_sent(followup.pk, token, now=now, late=late)
    except SoftTimeLimitExceeded:
        # The email is out: unrecorded, it would go a second time after the lease. Worth
        # another try in the time left before the hard limit.
        try:
            _record_sent(followup.pk, token, now=now, late=late)
        except Exception:
            log.exception("Sent reminder for follow-up %s could not be recorded", followup.pk)
        raise
    if not ok:
        log.warning("Reminder for follow-up %s was sent after its claim was lost", followup.pk)
    return "sent" if ok else "lost"


def dispatch_due(
    *,
    now: datetime.datetime | None = None,
    batch_size: int = 100,
    lease: datetime.timedelta = DEFAULT_LEASE,
    deadline: float | None = None,
) -> DispatchResult:
    """One pass: claim up to batch_size due follow-ups and send their reminders.

    No row is started after `deadline` (a time.monotonic() value; the periodic task's, see
    followups.tasks) nor after half the lease; the rest are handed back for the next pass.
    """
    now = now or timezone.now()
    result = DispatchResult()
    claims = claim_due(now=now, batch_size=batch_size, lease=lease)
    result.claimed = len(claims)
    if not claims:
        return result
    started = monotonic()
    rows = (
        Followup.objects.select_related("owner", "application", "interview")
        .prefetch_related("interview__interviewers")
        .in_bulk([pk for pk, _ in claims])
    )
    # One query (a kind of target) for the whole batch, whoever has channels.
    batch = announce.Batch(row.owner_id for row in rows.values())
    mail = None
    current = -1
    try:
        mail = _Mail()
        for current, (pk, token) in enumerate(claims):
            # Past half the lease, another pass may soon claim these rows too; past the
            # deadline, the task's soft time limit is near: hand the rest back rather than risk
            # two emails.
            clock = monotonic()
            if clock - started > lease.total_seconds() / 2 or (
                deadline is not None and clock >= deadline
            ):
                result.released += _release(claims[current:])
                current = len(claims)
                break
            followup = rows.get(pk)
            if followup is None:
                continue  # Deleted with its application since the claim.
            try:
                outcome = _handle(followup, token, now, mail, batch)
            except SoftTimeLimitExceeded:
                raise
            except Exception:
                # A row that cannot even be recorded must not stop the others; its lease
                # expires and a later pass tries it again.
                log.exception("Dispatching follow-up %s failed", pk)
                outcome = "lost"
            setattr(result, outcome, getattr(result, outcome) + 1)
    except SoftTimeLimitExceeded:
        # The rows not yet started go with the next pass instead of waiting out their lease;
        # the one in hand keeps its claim (its email may be out).
        _release(claims[current + 1 :])
        raise
    finally:
        if mail is not None:
            mail.close()
    return result
