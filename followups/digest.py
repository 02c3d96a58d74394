"""The morning digest: one email a business day instead of one per reminder, for those who ask.

With reminder emails off, the digest is not emailed but still goes to the person's channels and
browsers (step 2 writes it without sending it), as each reminder would.

A person with the digest on (UserManager.digest_recipients) gets no reminder email of its own:
the dispatcher leaves their follow-ups alone (followups.dispatch._claimable). Once a business
day, at their digest time and out of their quiet hours (policy.digest_day), a pass instead
1. takes the day, in one short transaction: inserts the Digest row of (person, local date), which
   the unique constraint lets only one of two concurrent passes do, or takes over, with a
   conditional UPDATE, a row whose lease ran out unsent; under the same claim token it claims
   the person's follow-ups still scheduled and due by the end of that day;
2. with no transaction open, closes those with nothing left to say (dispatch.closing_instead),
   writes the email from digest_content and sends it;
3. records the Digest row sent (with what it said) and the follow-ups notified, both guarded by
   the token, in one transaction, which also announces the digest sent (followups.announce):
   notifications makes one Delivery of it per channel and browser the person has on, sent by
   the channel pass after it.

Exactly once, as for reminders: a follow-up a digest listed is notified, so neither the digest
nor the dispatcher mentions it again. A worker killed between 1 and 3 leaves a claim that a pass
takes over after the lease; an email out just before such a crash goes a second time, the one
duplicate the design allows. After downtime the day's digest goes when a worker is back; after
days of it, one digest lists everything still due or overdue (policy.digest_day).

digest_content is the message itself, as plain values: the email here, and any other way of
reaching the person, say the same thing. The targets' deliveries are made when the email is
recorded sent, not before it goes as a reminder's are: a digest is one message whose content is
only fixed by the attempt that succeeds, and its targets get exactly that, once. A digest whose
email fails reaches no target either; its follow-ups are in the next day's digest, everywhere.
"""

from __future__ import annotations

import dataclasses
import datetime
import logging
import uuid
from time import monotonic

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from core import leases
from core.mail import mailbox, stable_message_id
from core.text import one_line
from followups import announce, dispatch, links, policy
from followups.models import Digest, DigestState, Followup, State, short_day

log = logging.getLogger(__name__)


# --- What a digest says --------------------------------------------------------------------------


def _context(owner, followups: list[Followup], now: datetime.datetime) -> dict:
    """The templates' values, in the active language and time zone (the caller's override)."""
    tz = owner.tzinfo
    day = now.astimezone(tz).date()
    day_start = datetime.datetime.combine(day, datetime.time(0), tzinfo=tz)
    overdue, today = [], []
    for followup in sorted(followups, key=lambda f: (f.due_at, f.pk)):
        item = {
            "followup": followup,
            # The one line a reminder's subject says ("Call Acme about your … interview").
            "action": one_line(
                render_to_string(
                    "emails/reminder_subject.txt",
                    {
                        "kind": followup.kind,
                        "followup": followup,
                        "application": followup.application,
                    },
                )
            ),
            "done_url": links.action_url(followup, "done"),
        }
        (overdue if followup.due_at < day_start else today).append(item)
    return {
        "user_name": owner.display_name,
        "day": short_day(day),
        "count": len(followups),
        "overdue": overdue,
        "today": today,
        "today_url": f"{settings.SITE_URL}{reverse('applications:dashboard')}",
        "preferences_url": f"{settings.SITE_URL}{reverse('preferences')}",
        "unsubscribe_url": links.unsubscribe_url(owner),
        # Reminder emails off: the digest goes to channels and browsers only, and says so.
        "emailed": owner.reminders_enabled,
    }


def digest_content(owner, followups: list[Followup], now: datetime.datetime) -> tuple[str, str]:
    """(subject, text) of the digest listing `followups`, in the person's language and zone.

    What is due on the person's local day of `now` and what was due before it (overdue), each
    with its action, its due time and its signed "Mark done" link. Renders only: no query
    beyond what the follow-ups' relations need (select_related application and owner), no
    write, nothing sent. User text stays plain text; the subject is one line.
    """
    with translation.override(owner.message_language), timezone.override(owner.tzinfo):
        context = _context(owner, followups, now)
        subject = one_line(render_to_string("emails/digest_subject.txt", context))
        text = render_to_string("emails/digest.txt", context)
    return subject, text


def digest_html(owner, followups: list[Followup], now: datetime.datetime) -> str:
    """The digest's HTML part: digest_content's text, auto-escaped, with buttons."""
    with translation.override(owner.message_language), timezone.override(owner.tzinfo):
        return render_to_string("emails/digest.html", _context(owner, followups, now))


def digest_message(
    owner, followups: list[Followup], now: datetime.datetime, *, connection=None
) -> EmailMultiAlternatives:
    """The digest email, ready to send."""
    subject, text = digest_content(owner, followups, now)
    unsubscribe = links.unsubscribe_url(owner)
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[owner.email],
        connection=connection,
        headers={
            "To": mailbox(owner.display_name, owner.email),
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Auto-Submitted": "auto-generated",
            # Which day's digest, and which follow-ups it listed (support, and the tests).
            "X-Seuranta-Digest": now.astimezone(owner.tzinfo).date().isoformat(),
            "X-Seuranta-Followups": " ".join(str(f.pk) for f in followups),
            # One digest per person and day: a copy re-sent after a killed worker has the same
            # id, and the mail client keeps one (make faults digest-kill).
            "Message-ID": stable_message_id(
                f"digest.{owner.pk}.{now.astimezone(owner.tzinfo).date().isoformat()}",
                settings.DEFAULT_FROM_EMAIL,
            ),
        },
    )
    message.attach_alternative(digest_html(owner, followups, now), "text/html")
    return message


# --- The pass ------------------------------------------------------------------------------------


@dataclasses.dataclass
class DigestResult:
    # Digests emailed.
    sent: int = 0
    # Nothing due or overdue that day: recorded, no email.
    empty: int = 0
    # Sending failed; tried again after a backoff (the same day only).
    retrying: int = 0
    # Sending failed dispatch.MAX_ATTEMPTS times: the digest is failed, its follow-ups wait
    # for the next day's.
    failed: int = 0
    # Another pass had the day already.
    taken: int = 0
    # Follow-ups listed in the digests sent.
    listed: int = 0
    # The result could not be recorded: the claim was lost (its lease ran out meanwhile).
    lost: int = 0

    def as_dict(self) -> dict[str, int]:
        return dataclasses.asdict(self)

    def __str__(self) -> str:
        return "digests: " + ", ".join(f"{k} {v}" for k, v in self.as_dict().items())


def due_days(now: datetime.datetime) -> list[tuple[object, datetime.date, Digest | None]]:
    """(person, local date, their Digest row if any) for each digest that may go at `now`.

    One query (user_digest_idx) when nobody has the digest on, two otherwise.
    """
    wanted = {}
    for owner in get_user_model().objects.digest_recipients().order_by("pk"):
        day = policy.digest_day(now, policy.Preferences.from_user(owner))
        if day is not None:
            wanted[(owner.pk, day)] = owner
    if not wanted:
        return []
    rows = Digest.objects.filter(
        owner_id__in={pk for pk, _ in wanted}, day__in={day for _, day in wanted}
    )
    existing = {(row.owner_id, row.day): row for row in rows}
    days = []
    for (pk, day), owner in wanted.items():
        row = existing.get((pk, day))
        if row is not None and not _retry_due(row, now):
            continue  # Sent, empty, failed, waiting for its retry, or being sent now.
        days.append((owner, day, row))
    return days


def _retry_due(row: Digest, now: datetime.datetime) -> bool:
    return (
        row.state == DigestState.PENDING
        and row.next_attempt_at <= now
        and (row.claimed_until is None or row.claimed_until < now)
    )


def _take(
    owner, day: datetime.date, row: Digest | None, now: datetime.datetime, lease
) -> uuid.UUID | None:
    """Claim the day's digest and the follow-ups it lists; the claim token, or None if taken."""
    token = uuid.uuid4()
    until = now + lease
    # durable: the claim is committed before the email goes out, and holds no lock meanwhile.
    with transaction.atomic(durable=True):
        if row is None:
            try:
                with transaction.atomic():
                    Digest.objects.create(
                        owner=owner,
                        day=day,
                        next_attempt_at=now,
                        claimed_until=until,
                        claim_token=token,
                        attempts=1,
                    )
            except IntegrityError:
                return None  # Another pass inserted it first.
        else:
            # Compare-and-set, as the dispatcher's claim: only while still free to take.
            taken = (
                Digest.objects.filter(
                    pk=row.pk, state=DigestState.PENDING, next_attempt_at__lte=now
                )
                .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
                .update(
                    claimed_until=until,
                    claim_token=token,
                    attempts=F("attempts") + 1,
                    updated_at=now,
                )
            )
            if taken != 1:
                return None
        prefs = policy.Preferences.from_user(owner)
        # Served by followup_owner_state_idx (owner, state, due_at).
        Followup.objects.filter(
            owner=owner, state=State.SCHEDULED, due_at__lt=policy.day_end(day, prefs)
        ).filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now)).update(
            claimed_until=until, claim_token=token, updated_at=now
        )
    return token


def _close_instead(followup: Followup, token: uuid.UUID, now: datetime.datetime) -> bool:
    """Close a claimed follow-up with nothing left to say (as the dispatcher would); whether."""
    settled = dispatch.closing_instead(followup, now)
    if not settled:
        return False
    state, reason, _outcome = settled
    closed = followup.close(state, now=now, reason=reason)
    Followup.objects.filter(pk=followup.pk, claim_token=token, state=State.SCHEDULED).update(
        updated_at=now, **{name: getattr(followup, name) for name in closed}
    )
    return True


def _record(
    owner,
    day,
    token,
    now,
    *,
    state: str,
    followup_ids: list[int],
    subject: str = "",
    text: str = "",
) -> bool:
    """The digest sent (or empty) and its follow-ups notified, unless the claim was lost; a
    sent one announced to the subscribers (its deliveries to the person's channels and browsers).

    Tried again while the database is busy (SQLite's "database is locked"): unrecorded, the
    digest would go a second time after the lease.
    """

    def record() -> bool:
        with transaction.atomic():
            done = Digest.objects.filter(
                owner=owner, day=day, claim_token=token, state=DigestState.PENDING
            ).update(
                state=state,
                sent_at=now if state == DigestState.SENT else None,
                item_count=len(followup_ids),
                subject=subject,
                text=text,
                last_error="",
                claimed_until=None,
                claim_token=None,
                updated_at=now,
            )
            if done and followup_ids:
                # Only while still scheduled: one the person marked done meanwhile stays so.
                Followup.objects.filter(
                    pk__in=followup_ids, claim_token=token, state=State.SCHEDULED
                ).update(
                    state=State.NOTIFIED,
                    notified_at=now,
                    sent_late=False,
                    last_error="",
                    claimed_until=None,
                    claim_token=None,
                    updated_at=now,
                )
            if done and state == DigestState.SENT:
                digest = Digest.objects.get(owner=owner, day=day)
                announce.digest_going_out(digest, now=now)
        return done == 1

    return leases.while_busy(record, what=f"the digest of {owner.pk}")


def _record_failure(owner, day, token, now, exc: BaseException) -> str:
    """Back off and hand the follow-ups back; failed after dispatch.MAX_ATTEMPTS."""
    with transaction.atomic():
        attempts = (
            Digest.objects.filter(owner=owner, day=day, claim_token=token)
            .values_list("attempts", flat=True)
            .first()
        )
        if attempts is None:
            return "lost"
        final = attempts >= dispatch.MAX_ATTEMPTS
        Digest.objects.filter(owner=owner, day=day, claim_token=token).update(
            state=DigestState.FAILED if final else DigestState.PENDING,
            last_error=dispatch.describe_error(exc),
            next_attempt_at=now + dispatch.backoff(attempts),
            claimed_until=None,
            claim_token=None,
            updated_at=now,
        )
        # Still scheduled: the next try lists them again, or the next business day's digest.
        Followup.objects.filter(claim_token=token, state=State.SCHEDULED).update(
            claimed_until=None, claim_token=None, updated_at=now
        )
    return "failed" if final else "retrying"


def _deliver(
    owner, day: datetime.date, token: uuid.UUID, now: datetime.datetime
) -> tuple[str, int]:
    """Send one claimed digest and record it: (the outcome's name in DigestResult, items)."""
    claimed = Followup.objects.filter(claim_token=token, state=State.SCHEDULED)
    items = [
        followup
        for followup in claimed.select_related("owner", "application", "interview")
        if not _close_instead(followup, token, now)
    ]
    if not items:
        ok = _record(owner, day, token, now, state=DigestState.EMPTY, followup_ids=[])
        return ("empty" if ok else "lost"), 0
    if owner.reminders_enabled:
        try:
            message = digest_message(owner, items, now, connection=get_connection())
            if message.send() != 1:
                raise RuntimeError("the mail backend did not accept the message")
        except SoftTimeLimitExceeded:
            # Whether it went is unknown: the claim stays, and the digest goes after the lease.
            raise
        except Exception as exc:
            log.warning("Digest of %s not sent: %s", owner.pk, dispatch.describe_error(exc))
            return _record_failure(owner, day, token, now, exc), 0
        subject, text = message.subject, message.body
    else:
        # Reminder emails off: the same words go to the person's channels and browsers only,
        # through the deliveries _record makes.
        subject, text = digest_content(owner, items, now)
    ok = _record(
        owner,
        day,
        token,
        now,
        state=DigestState.SENT,
        followup_ids=[f.pk for f in items],
        subject=subject,
        text=text,
    )
    if not ok:
        log.warning("Digest of %s was sent after its claim was lost", owner.pk)
    return ("sent" if ok else "lost"), len(items)


def send_digests(
    *,
    now: datetime.datetime | None = None,
    lease: datetime.timedelta = dispatch.DEFAULT_LEASE,
    deadline: float | None = None,
) -> DigestResult:
    """One pass: send each digest whose time has come and that no pass has sent.

    As the dispatcher, no digest is started after `deadline` (a time.monotonic() value) nor
    after half the lease; the rest wait for the next pass (nothing of theirs is claimed yet).
    """
    now = now or timezone.now()
    result = DigestResult()
    started = monotonic()
    for owner, day, row in due_days(now):
        clock = monotonic()
        if clock - started > lease.total_seconds() / 2 or (
            deadline is not None and clock >= deadline
        ):
            break
        token = _take(owner, day, row, now, lease)
        if token is None:
            result.taken += 1
            continue
        listed = 0
        try:
            outcome, listed = _deliver(owner, day, token, now)
        except SoftTimeLimitExceeded:
            raise
        except Exception:
            # One person's digest that cannot even be recorded must not stop the others; its
            # lease runs out and a later pass tries again.
            log.exception("Digest of %s failed", owner.pk)
            outcome = "lost"
        setattr(result, outcome, getattr(result, outcome) + 1)
        if outcome == "sent":
            result.listed += listed
    return result
