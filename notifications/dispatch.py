"""The channel pass: claim the due deliveries, send each one's message, record the result.

The same lease rules as the email (followups.dispatch), on Delivery rows instead of follow-ups:
1. claim up to batch_size pending rows in one short, durable transaction (core.leases): read
   the candidates (SELECT … FOR UPDATE SKIP LOCKED on PostgreSQL), take them with one
   conditional UPDATE that only matches rows still claimable, under one fresh claim_token and a
   lease (claimed_until);
2. with no transaction open, send each message through Apprise (notifications.targets.send);
3. record each result with an UPDATE guarded by the claim_token and state = pending, so a pass
   whose lease ran out cannot overwrite the work of the pass that took its rows over.

A channel that fails is retried with the email's backoff (followups.dispatch.backoff) and marked
failed after MAX_ATTEMPTS; it holds back neither the email nor the other channels, whose rows
are their own. A worker killed between 1 and 3 leaves rows that are claimed again after the
lease; a message that went out just before such a crash goes a second time, the one duplicate
this design allows (as for the email), in exchange for never losing one.

The deliveries themselves are made by the email pass when it handles a reminder
(notifications.services.deliveries_create) and by the digest pass when a digest's email is
recorded sent (followups.digest); a target is a channel or a browser (notifications.targets).
So a pass with nothing to do costs one look at the partial index delivery_dispatch_idx, empty
when nobody has a channel or a subscribed browser.
"""

from __future__ import annotations

import dataclasses
import datetime
import logging
import uuid
from time import monotonic

from celery.exceptions import SoftTimeLimitExceeded
from django.db.models import F, Q
from django.utils import timezone

from core import leases
from followups import policy
from followups.dispatch import BACKOFF_CAP, DEFAULT_LEASE, MAX_ATTEMPTS
from followups.dispatch import backoff as email_backoff
from followups.models import CLOSED_STATES
from notifications import messages, targets
from notifications.models import Delivery, DeliveryError, DeliveryState
from notifications.sending import Message, SendFailed

log = logging.getLogger(__name__)


@dataclasses.dataclass
class DeliveryResult:
    claimed: int = 0
    sent: int = 0
    # The channel did not take the message; tried again after a backoff.
    retrying: int = 0
    # MAX_ATTEMPTS failures, or one that cannot be helped (an unreadable URL): `failed`.
    failed: int = 0
    # Not sent and never will be: the channel turned off, the follow-up closed or moved.
    skipped: int = 0
    # The browser's push service says it is no longer subscribed: the subscription and its
    # deliveries were removed (not a failure, nothing to retry).
    gone: int = 0
    # Inside the person's quiet hours: handed back until they end, no attempt used up.
    deferred: int = 0
    # Claimed but handed back unsent: the pass ran too close to its lease's end or deadline.
    released: int = 0
    # The result could not be recorded: the claim was lost meanwhile.
    lost: int = 0

    def __add__(self, other: DeliveryResult) -> DeliveryResult:
        return DeliveryResult(
            **{
                f.name: getattr(self, f.name) + getattr(other, f.name)
                for f in dataclasses.fields(self)
            }
        )

    def as_dict(self) -> dict[str, int]:
        return dataclasses.asdict(self)

    def __str__(self) -> str:
        return ", ".join(f"{name} {value}" for name, value in self.as_dict().items())


def backoff(attempts: int) -> datetime.timedelta:
    """The email's wait after the attempts-th failure: 1, 2, 4 … minutes, at most an hour."""
    return email_backoff(attempts)


def _claimable(now: datetime.datetime):
    # Served by delivery_dispatch_idx (partial on state = pending, ordered by next_attempt_at, id:
    # the order core.leases.claim takes rows in).
    return Delivery.objects.filter(state=DeliveryState.PENDING, next_attempt_at__lte=now).filter(
        Q(claimed_until__isnull=True) | Q(claimed_until__lt=now)
    )


def has_due(now: datetime.datetime) -> bool:
    """Whether a delivery is due and unclaimed now (one look at delivery_dispatch_idx)."""
    return _claimable(now).exists()


def claim_due(
    *, now: datetime.datetime, batch_size: int, lease: datetime.timedelta
) -> list[tuple[int, uuid.UUID]]:
    """Claim up to batch_size due deliveries: [(id, claim_token)], oldest first (core.leases)."""
    return leases.claim(_claimable(now), now=now, batch_size=batch_size, lease=lease)


def _finish(pk: int, token: uuid.UUID, **fields) -> bool:
    """Record a claimed row's result, unless the claim was lost meanwhile."""
    return leases.finish(Delivery.objects.filter(state=DeliveryState.PENDING), pk, token, **fields)


def _record_sent(pk: int, token: uuid.UUID, now: datetime.datetime) -> bool:
    """Mark a delivered row sent, trying again while the database is busy (SQLite's lock):
    giving up here means the message goes a second time after the lease."""
    return leases.while_busy(
        lambda: _finish(
            pk, token, state=DeliveryState.SENT, sent_at=now, error="", error_status=None
        ),
        what=f"sent delivery {pk}",
    )


def _record_failure(
    delivery: Delivery, token: uuid.UUID, failure: SendFailed, now: datetime.datetime
) -> str:
    error = {"error": failure.code, "error_status": failure.status}
    if failure.permanent or delivery.attempts >= MAX_ATTEMPTS:
        if not _finish(delivery.pk, token, state=DeliveryState.FAILED, **error):
            return "lost"
        return "failed"
    wait = backoff(delivery.attempts)
    if failure.retry_after:
        # A push service that said how long to wait (429 or 503 with Retry-After) is given that
        # long, up to the backoff's cap: sooner would only be refused again.
        wait = max(wait, min(datetime.timedelta(seconds=failure.retry_after), BACKOFF_CAP))
    done = _finish(delivery.pk, token, next_attempt_at=now + wait, **error)
    return "retrying" if done else "lost"


def _release(claimed: list[tuple[int, uuid.UUID]]) -> int:
    """Hand rows back as if this pass had never claimed them (one UPDATE); how many."""
    return leases.release(Delivery.objects.filter(state=DeliveryState.PENDING), claimed)


def _not_wanted(delivery: Delivery, now: datetime.datetime) -> bool:
    """Whether the message has no reason to go any more."""
    # The target was turned off (or removed: its deliveries went with it).
    if (delivery.channel_id and not delivery.channel.enabled) or not delivery.owner.is_active:
        return True
    if delivery.digest_id:
        # The digest said what it said when its email went; its channels say the same.
        return False
    followup = delivery.followup
    return bool(
        # Done, skipped or cancelled meanwhile: nothing left to remind of.
        followup.state in CLOSED_STATES
        # Snoozed or moved: that is a reminder of its own, with deliveries of its own.
        or followup.due_at != delivery.due_at
        or policy.is_stale(followup.kind, followup.due_at, now)
    )


def _handle(delivery: Delivery, token: uuid.UUID, now: datetime.datetime, rendered: dict) -> str:
    """Deal with one claimed row; the outcome's name in DeliveryResult."""
    if _not_wanted(delivery, now):
        ok = _finish(delivery.pk, token, state=DeliveryState.SKIPPED)
        return "skipped" if ok else "lost"
    # Created out of quiet hours, but a retry after backoff may come at night: no message then.
    allowed = policy.out_of_quiet_hours(now, policy.Preferences.from_user(delivery.owner))
    if allowed > now:
        ok = _finish(delivery.pk, token, next_attempt_at=allowed, attempts=F("attempts") - 1)
        return "deferred" if ok else "lost"
    try:
        targets.send(delivery, _message(delivery, rendered))
    except SoftTimeLimitExceeded:
        # Out of time mid-send: whether it went is unknown; the claim stays until the lease.
        raise
    except targets.TargetGone:
        # Its row went with the subscription: nothing left to record.
        log.info("Delivery %s not sent: the browser is no longer subscribed", delivery.pk)
        return "gone"
    except SendFailed as failure:
        log.warning("Delivery %s not sent: %s", delivery.pk, failure)
        return _record_failure(delivery, token, failure, now)
    except Exception as exc:
        # Only the class: an exception from inside Apprise may quote the URL.
        log.warning("Delivery %s not sent: %s", delivery.pk, type(exc).__name__)
        return _record_failure(delivery, token, SendFailed(DeliveryError.REFUSED), now)
    try:
        ok = _record_sent(delivery.pk, token, now)
    except SoftTimeLimitExceeded:
        # Sent: unrecorded, it would go again after the lease. One more try in the time left.
        try:
            _record_sent(delivery.pk, token, now)
        except Exception:
            log.exception("Sent delivery %s could not be recorded", delivery.pk)
        raise
    if not ok:
        log.warning("Delivery %s was sent after its claim was lost", delivery.pk)
    return "sent" if ok else "lost"


def _message(delivery: Delivery, rendered: dict) -> Message | None:
    """A channel's message, rendered once per follow-up or digest of the pass; None for a
    browser, whose push notifications.targets makes."""
    if not delivery.channel_id:
        return None
    if delivery.digest_id:
        digest = delivery.digest
        return Message(title=digest.subject, body=digest.text.strip())
    followup = delivery.followup
    if followup.pk not in rendered:
        rendered[followup.pk] = messages.reminder(followup)
    return rendered[followup.pk]


def _load(pks: list[int]) -> dict[int, Delivery]:
    return (
        Delivery.objects.select_related(
            "owner",
            "channel",
            "subscription",
            "digest",
            "followup__owner",
            "followup__application",
            "followup__interview",
        )
        .prefetch_related("followup__interview__interviewers")
        .in_bulk(pks)
    )


def deliver_due(
    *,
    now: datetime.datetime | None = None,
    batch_size: int = 100,
    lease: datetime.timedelta = DEFAULT_LEASE,
    deadline: float | None = None,
) -> DeliveryResult:
    """One pass: claim up to batch_size due deliveries and send them.

    No row is started after `deadline` (a time.monotonic() value) nor after half the lease;
    the rest are handed back for the next pass, as the email pass does.
    """
    now = now or timezone.now()
    result = DeliveryResult()
    if not has_due(now):
        # The common case (no channel anywhere, or none due): one query, no transaction.
        return result
    claims = claim_due(now=now, batch_size=batch_size, lease=lease)
    result.claimed = len(claims)
    if not claims:
        return result
    started = monotonic()
    rows = _load([pk for pk, _ in claims])
    rendered: dict = {}
    current = -1
    try:
        for current, (pk, token) in enumerate(claims):
            clock = monotonic()
            if clock - started > lease.total_seconds() / 2 or (
                deadline is not None and clock >= deadline
            ):
                result.released += _release(claims[current:])
                break
            delivery = rows.get(pk)
            if delivery is None:
                continue  # Deleted with its channel or follow-up since the claim.
            try:
                outcome = _handle(delivery, token, now, rendered)
            except SoftTimeLimitExceeded:
                raise
            except Exception:
                # One row that cannot even be recorded must not stop the others; its lease
                # expires and a later pass tries it again.
                log.exception("Delivering %s failed", pk)
                outcome = "lost"
            setattr(result, outcome, getattr(result, outcome) + 1)
    except SoftTimeLimitExceeded:
        _release(claims[current + 1 :])
        raise
    return result
