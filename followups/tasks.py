"""Celery tasks: thin interfaces over followups.dispatch.

Beat triggers dispatch_due_followups every FOLLOWUP_DISPATCH_INTERVAL seconds. Reminders are
never queued as ETA/countdown tasks: the due rows in the database are the queue, so an emptied
or restarted broker loses nothing; the next pass finds them.
"""

import time

from celery import shared_task

from followups.dispatch import DispatchResult, dispatch_due

MAX_BATCHES = 50
# Stop starting new batches well before CELERY_TASK_SOFT_TIME_LIMIT (4 min): a task killed in the
# middle of a batch leaves claimed rows to wait for their lease.
TIME_BUDGET_SECONDS = 120


def dispatch_until_done(
    *,
    max_batches: int = MAX_BATCHES,
    batch_size: int = 100,
    time_budget: float = TIME_BUDGET_SECONDS,
) -> DispatchResult:
    """Run dispatch passes until one claims nothing (or the batch count or time budget is spent)."""
    total = DispatchResult()
    started = time.monotonic()
    for _ in range(max_batches):
        result = dispatch_due(batch_size=batch_size)
        total += result
        if result.claimed == 0 or time.monotonic() - started > time_budget:
            break
    return total


@shared_task(name="followups.tasks.dispatch_due_followups")
def dispatch_due_followups() -> dict[str, int]:
    return dispatch_until_done().as_dict()
