"""Leased claims: how a worker takes rows to work on, and records what became of them.

One set of rules for the email pass (followups.dispatch, on Followup), the channel pass
(notifications.dispatch, on Delivery) and import jobs (exports.services, on ImportJob). A
claimable row is a `Claimable`: it has `next_attempt_at`, `attempts`, `claimed_until`,
`claim_token` and `updated_at`:

1. `claim` takes up to batch_size rows in one short, durable transaction: it reads the
   candidates (SELECT … FOR UPDATE SKIP LOCKED where the database has it, so concurrent passes
   take different rows instead of queueing), then takes them with one conditional UPDATE that
   only matches rows still claimable, under one fresh claim_token and a lease (claimed_until).
   On SQLite (no row locks, one writer at a time) that compare-and-set alone keeps two passes
   from both taking a row: the second one's UPDATE no longer matches it.
2. The caller sends, with no transaction open.
3. `finish` records a result with an UPDATE guarded by the claim_token, so a pass whose lease
   ran out (and whose row another pass took over) cannot overwrite the newer owner's work;
   `while_busy` tries that again while the database says it is locked; `release` hands back
   the rows a pass claimed but did not start (out of time).
"""

from __future__ import annotations

import datetime
import logging
import uuid
from collections.abc import Callable
from time import sleep
from typing import TypeVar

from django.db import OperationalError, models, transaction
from django.db import connection as db_connection
from django.db.models import F, QuerySet
from django.utils import timezone

log = logging.getLogger(__name__)

# Recording a sent message is tried this many times while the database says it is busy
# (SQLite's "database is locked" behind another writer), waiting 0.2 s, then 0.4 s. Giving up
# means the row is claimed again after the lease and its message goes a second time, so a
# briefly locked database is worth a short wait.
RECORD_SENT_TRIES = 3
RECORD_SENT_WAIT = 0.2

T = TypeVar("T")


class Claimable(models.Model):
    """The columns `claim`, `finish` and `release` read and write, declared once.

    A model that is worked on under a lease inherits them instead of repeating them, so that the
    claim code and the columns cannot drift apart between the kinds of work.
    """

    # When a worker may next take the row: when it falls due at first, later after a backoff.
    next_attempt_at = models.DateTimeField()
    # The lease: the row is the claim_token holder's until claimed_until, anyone's after.
    claimed_until = models.DateTimeField(null=True, blank=True)
    claim_token = models.UUIDField(null=True, blank=True)
    # Claims taken so far (a claim handed back unstarted does not count).
    attempts = models.PositiveSmallIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


def claim(
    claimable: QuerySet,
    *,
    now: datetime.datetime,
    batch_size: int,
    lease: datetime.timedelta,
    **fields,
) -> list[tuple[int, uuid.UUID]]:
    """Claim up to batch_size rows of `claimable`: [(id, claim_token)], oldest first.

    Three statements whatever the batch size: read the candidates, claim them all with one
    conditional UPDATE under one fresh token, read back which ones that UPDATE took. `fields`
    are written by that UPDATE too (an import job's state and start, say).
    """
    token = uuid.uuid4()
    # durable: the claim must be committed before any message goes out, and no caller's
    # transaction may hold these row locks while the messages are sent.
    with transaction.atomic(durable=True):
        candidates = claimable.order_by("next_attempt_at", "id")
        if db_connection.features.has_select_for_update_skip_locked:
            candidates = candidates.select_for_update(skip_locked=True)
        pks = list(candidates.values_list("pk", flat=True)[:batch_size])
        if not pks:
            return []
        claimable.filter(pk__in=pks).update(
            claimed_until=now + lease,
            claim_token=token,
            attempts=F("attempts") + 1,
            updated_at=now,
            **fields,
        )
        taken = set(
            claimable.model.objects.filter(pk__in=pks, claim_token=token).values_list(
                "pk", flat=True
            )
        )
    return [(pk, token) for pk in pks if pk in taken]


def finish(open_rows: QuerySet, pk: int, token: uuid.UUID, **fields) -> bool:
    """Record a claimed row's result, unless the claim was lost meanwhile.

    `open_rows` are the rows still waiting for their message (state scheduled or pending):
    a row closed meanwhile (marked done by its owner, say) keeps its owner's word.
    """
    fields.setdefault("claimed_until", None)
    fields.setdefault("claim_token", None)
    fields["updated_at"] = timezone.now()
    return open_rows.filter(pk=pk, claim_token=token).update(**fields) == 1


def release(open_rows: QuerySet, claimed: list[tuple[int, uuid.UUID]]) -> int:
    """Hand rows back as if this pass had never claimed them (one UPDATE); how many."""
    if not claimed:
        return 0
    # A pass's token is shared by its whole batch: the ids pick these rows, the token makes sure
    # they are still this pass's.
    open_rows.filter(
        pk__in=[pk for pk, _ in claimed], claim_token__in={token for _, token in claimed}
    ).update(claimed_until=None, claim_token=None, attempts=F("attempts") - 1)
    return len(claimed)


def while_busy(record: Callable[[], T], *, what: str) -> T:
    """Run `record`, trying again (RECORD_SENT_TRIES in all) while the database is locked."""
    for attempt in range(RECORD_SENT_TRIES):
        try:
            return record()
        except OperationalError as exc:
            if attempt == RECORD_SENT_TRIES - 1:
                raise
            log.warning("Recording %s failed (%s); trying again", what, exc)
            sleep(RECORD_SENT_WAIT * 2**attempt)
    raise AssertionError("unreachable")
