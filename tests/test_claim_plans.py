"""The claims of the dispatch passes read their partial index in the claim's own order.

core.leases.claim takes rows ORDER BY next_attempt_at, id LIMIT n. With an index on
next_attempt_at alone, PostgreSQL read every row due at one instant (the 10:00 call time makes
thousands) and sorted them by id before the LIMIT: 283 ms a claim with a million due at once.
"""

import datetime

import pytest
from django.db import connection, transaction

from followups import dispatch as followup_dispatch
from notifications import dispatch as channel_dispatch

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def claim_plan(claimable) -> str:
    query = (
        claimable.order_by("next_attempt_at", "id")
        .select_for_update(skip_locked=True)
        .values_list("pk", flat=True)[:100]
    )
    with transaction.atomic(), connection.cursor() as cursor:
        # The tables are nearly empty here, where a sequential scan and a sort are cheapest:
        # turned off, the plan shows whether the index alone can give the order (a sort that is
        # needed still appears, only costed higher).
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute("SET LOCAL enable_incremental_sort = off")
        return query.explain()


def test_the_reminder_claim_walks_followup_dispatch_idx_without_sorting():
    plan = claim_plan(followup_dispatch._claimable(datetime.datetime.now(datetime.UTC)))
    assert "followup_dispatch_idx" in plan
    assert "Sort" not in plan, plan


def test_the_channel_claim_walks_delivery_dispatch_idx_without_sorting():
    plan = claim_plan(channel_dispatch._claimable(datetime.datetime.now(datetime.UTC)))
    assert "delivery_dispatch_idx" in plan
    assert "Sort" not in plan, plan
