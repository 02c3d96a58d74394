"""Celery tasks: thin interfaces over followups.dispatch.

Beat triggers dispatch_due_followups every FOLLOWUP_DISPATCH_INTERVAL seconds. Reminders are
never queued as ETA/countdown tasks: the due rows in the database are the queue, so an emptied
or restarted broker loses nothing; the next pass finds them.
"""

import datetime
import logging
import time

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from followups import announce
from followups.digest import send_digests
from followups.dispatch import DispatchResult, dispatch_due, has_due
from followups.obligation import followups_sync_obligations

log = logging.getLogger(__name__)

MAX_BATCHES = 50
# How long the task keeps starting rows, at most.
TIME_BUDGET_SECONDS = 60
# Rendering, recording the result (with its short retries) and closing the connection.
SAFETY_MARGIN_SECONDS = 10
MIN_TIME_BUDGET_SECONDS = 5


def dispatch_lease() -> datetime.timedelta:
    """How long a pass owns the rows it claims: FOLLOWUP_DISPATCH_LEASE, 5 minutes by default."""
    return datetime.timedelta(seconds=settings.FOLLOWUP_DISPATCH_LEASE)


def dispatch_time_budget(lease: datetime.timedelta | None = None) -> float:
    """Seconds from the task's start in which it may start sending a reminder.

    A task killed by CELERY_TASK_SOFT_TIME_LIMIT in the middle of a row leaves it claimed, and
    if its email was already out, sent a second time after the lease; so the last row must end
    before the limit. The arithmetic, with the defaults (soft limit 240 s, lease 5 min,
    EMAIL_TIMEOUT 20 s):

        budget + lease/2 + EMAIL_TIMEOUT + margin <= soft limit
            60 +     150 +            20 +     10 <= 240

    - passes start only within the budget, and each pass gets it as a deadline: no row is
      started after it (dispatch_due hands the rest back);
    - a pass also stops starting rows at lease/2 after it began, so even a pass that ignored the
      deadline would start its last row by budget + lease/2;
    - that last row then takes at most about EMAIL_TIMEOUT (the SMTP socket timeout) to send,
      plus the margin to record the result.

    A longer EMAIL_TIMEOUT or a shorter soft limit shrinks the budget to match. The channel
    passes of the same task start rows under the same deadline, and a channel's message takes
    at most about CHANNELS_SEND_TIMEOUT, so the longer of the two counts.
    """
    lease = lease or dispatch_lease()
    soft_limit = settings.CELERY_TASK_SOFT_TIME_LIMIT
    fits = (
        soft_limit
        - lease.total_seconds() / 2
        - max(settings.EMAIL_TIMEOUT or 0, settings.CHANNELS_SEND_TIMEOUT)
        - SAFETY_MARGIN_SECONDS
    )
    if fits < MIN_TIME_BUDGET_SECONDS:
        log.warning(
            "CELERY_TASK_SOFT_TIME_LIMIT (%s s) leaves too little time for a dispatch pass with "
            "EMAIL_TIMEOUT %s s; using %s s",
            soft_limit,
            settings.EMAIL_TIMEOUT,
            MIN_TIME_BUDGET_SECONDS,
        )
    return max(min(float(TIME_BUDGET_SECONDS), fits), float(MIN_TIME_BUDGET_SECONDS))


def dispatch_until_done(
    *,
    max_batches: int = MAX_BATCHES,
    batch_size: int = 100,
    time_budget: float | None = None,
    channel_results: list | None = None,
) -> DispatchResult:
    """Run dispatch passes until one claims nothing (or the batch count or time budget is spent).

    Each email pass is followed by the subscribers' passes (followups.announce; notifications'
    channel pass), which send the deliveries the email pass has just made and the retries that
    have come due: a burst of reminders reaches the channels batch by batch with the emails, not
    only after the last email. With no channel anywhere a channel pass is one look at an empty
    index. The subscribers' totals, {name: result}, are appended to channel_results when it is
    given.
    """
    total = DispatchResult()
    delivered: dict[str, object] = {}
    lease = dispatch_lease()
    budget = dispatch_time_budget(lease) if time_budget is None else time_budget
    deadline = time.monotonic() + budget
    for _ in range(max_batches):
        if time.monotonic() >= deadline:
            break
        result = dispatch_due(batch_size=batch_size, deadline=deadline, lease=lease)
        total += result
        sent = announce.deliver_due(batch_size=batch_size, deadline=deadline, lease=lease)
        for name, passed in sent.items():
            delivered[name] = delivered[name] + passed if name in delivered else passed
        if result.claimed == 0 and all(passed.claimed == 0 for passed in sent.values()):
            break
    if channel_results is not None:
        channel_results.append(delivered)
    return total


@shared_task(name="followups.tasks.dispatch_due_followups")
def dispatch_due_followups() -> dict[str, int]:
    result = dispatch_until_done()
    now = timezone.now()
    if has_due(now) or announce.has_due(now):
        # A burst (every call reminder of the morning is due at 10:00) outlasts one task's
        # batches: the next task starts now rather than at the next beat tick. It is only a
        # trigger, the due rows stay the queue: if the broker loses it, beat's next tick does
        # the same work. It expires as beat's own tasks do, and the chain ends with the backlog.
        dispatch_due_followups.apply_async(expires=float(settings.FOLLOWUP_DISPATCH_INTERVAL))
    return result.as_dict()


@shared_task(name="followups.tasks.sync_obligations")
def sync_obligations() -> int:
    """Give each person with a target the reminder of the review period that has begun.

    Every change to an application keeps the reminder in step already; this only covers time
    passing (a new month with nothing logged yet). Hourly: a period's reminder is days away.
    """
    return followups_sync_obligations()


@shared_task(name="followups.tasks.send_due_digests")
def send_due_digests() -> dict[str, int]:
    """The morning digests whose time has come (followups.digest), on the dispatcher's beat.

    Its own task, so that a slow mail server for the digests never holds up the reminders. With
    nobody on the digest it is one query.
    """
    lease = dispatch_lease()
    deadline = time.monotonic() + dispatch_time_budget(lease)
    return send_digests(lease=lease, deadline=deadline).as_dict()
