"""The board's columns are read from application_board_idx, in order, stopped at the limit.

A window function ranked all of an owner's rows per status to keep 50 of each: at 10 000
applications, a 10 000-row sort for 280 cards on every cold Board (issue 20).
"""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from applications import board
from tests.factories import UserFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def test_each_column_is_an_index_walk_that_stops_at_its_limit():
    owner = UserFactory()
    with CaptureQueriesContext(connection) as queries:
        board._cards(owner)
    assert len(queries) == len(board.PIPELINE + board.ENDED)
    for query in queries:
        with transaction.atomic(), connection.cursor() as cursor:
            # Nearly empty tables make a sequential scan and a sort cheapest: turned off, the
            # plan shows whether the index alone gives the order (a needed sort still appears).
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("SET LOCAL enable_sort = off")
            cursor.execute("SET LOCAL enable_incremental_sort = off")
            cursor.execute(f"EXPLAIN {query['sql']}")
            plan = "\n".join(row[0] for row in cursor.fetchall())
        assert "application_board_idx" in plan, plan
        assert "Sort" not in plan and "Limit" in plan, plan
