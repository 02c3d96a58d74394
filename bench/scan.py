"""scan: one dispatch pass over 100 due follow-ups, with 1 000 000 not-yet-due follow-ups in the
table against none. The pass runs in this process (followups.dispatch.dispatch_due) and sends to
the SMTP sink; the same 100 rows are made due again before each of the runs."""

import datetime
import time

from django.db import connection

from bench import common

NAME = "scan"
DUE = 100
FUTURE = 1_000_000
RUNS = 7
GOAL = 1.2


def reset(ids: list[int]) -> None:
    from followups.models import Followup, State

    past = datetime.datetime.now(datetime.UTC) - datetime.timedelta(minutes=1)
    Followup.objects.filter(pk__in=ids).update(
        state=State.SCHEDULED,
        next_attempt_at=past,
        notified_at=None,
        claimed_until=None,
        claim_token=None,
        attempts=0,
    )


def passes(ids: list[int], runs: int = RUNS) -> list[float]:
    from followups.dispatch import dispatch_due

    seconds = []
    for _ in range(runs):
        reset(ids)
        started = time.monotonic()
        result = dispatch_due(batch_size=len(ids))
        seconds.append(time.monotonic() - started)
        if result.sent != len(ids):
            raise RuntimeError(f"the pass sent {result.sent} of {len(ids)}: {result}")
    return seconds


def add_future_rows(count: int) -> float:
    """count thank-you follow-ups due next year, scheduled (so inside the partial index), on one
    application; INSERT … SELECT generate_series, the fastest bulk insert there is.

    Raw SQL bypasses the model's defaults: every NOT NULL column without a database default
    must be named here (tests/test_bench_parts.py runs this at a tiny size, so a new one fails
    `make test` instead of this benchmark)."""
    from followups.models import Followup

    # Their own user and application, so that nothing the timed pass touches is theirs.
    later = datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=30)
    (anchor,) = common.make_due_followups(1, prefix="future", due=later)
    owner_id, application_id = Followup.objects.values_list("owner_id", "application_id").get(
        pk=anchor
    )
    started = time.monotonic()
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO followups_followup
                (owner_id, application_id, kind, state, due_at, next_attempt_at, attempts,
                 last_error, skip_reason, sent_late, created_at, updated_at)
            SELECT %s, %s, 'thank_you', 'scheduled', t, t, 0, '', '', false, t, t
            FROM (SELECT %s::timestamptz + n * interval '1 second' AS t
                  FROM generate_series(1, %s) AS n) AS s
            """,
            [owner_id, application_id, later, count],
        )
    elapsed = time.monotonic() - started
    settle()
    return elapsed


def settle() -> None:
    """Let the table settle as it would in production before timing: vacuumed (hint bits set,
    visibility map), analysed, and no checkpoint of the bulk insert pending."""
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE) followups_followup")
        cursor.execute("CHECKPOINT")


def explain(due: int) -> str:
    from followups.dispatch import _claimable

    now = datetime.datetime.now(datetime.UTC)
    query = _claimable(now).order_by("next_attempt_at", "id").values_list("pk", "claimed_until")
    return query[:due].explain()


def run(bench) -> list[dict]:
    from followups.models import Followup, State

    due, future, runs = bench.size(DUE, 5), bench.size(FUTURE, 50), bench.size(RUNS, 1)
    # Nothing else may be due: the earlier benchmarks' rows are all sent.
    leftover = Followup.objects.filter(
        state=State.SCHEDULED, next_attempt_at__lte=datetime.datetime.now(datetime.UTC)
    ).count()
    if leftover:
        raise RuntimeError(f"{leftover} other follow-ups are due")
    past = datetime.datetime.now(datetime.UTC) - datetime.timedelta(minutes=1)
    ids = common.make_due_followups(due, prefix="scan", due=past)
    settle()
    passes(ids, runs)  # warm up: templates, URL conf, connections
    empty = passes(ids, runs)
    common.log(f"scan: pass over {due} due, table without future rows: {common.med(empty):.3f} s")
    insert_s = add_future_rows(future)
    common.log(f"scan: inserted {future} not-yet-due rows in {insert_s:.0f} s")
    full = passes(ids, runs)
    plan = explain(due)
    common.log(f"scan: pass with {future} future rows: {common.med(full):.3f} s\n{plan}")
    # Side by side once more: the million rows are deleted, the same pass again.
    ratio = common.med(full) / common.med(empty)
    uses_index = "followup_dispatch_idx" in plan
    return [
        {
            "name": NAME,
            "due": due,
            "not_yet_due": future,
            "pass_s": round(common.med(full), 4),
            "pass_runs_s": [round(s, 4) for s in full],
            "baseline": round(common.med(empty), 4),
            "baseline_runs_s": [round(s, 4) for s in empty],
            "insert_s": round(insert_s, 1),
            "explain": plan,
            "uses_partial_index": uses_index,
            "ratio": round(ratio, 3),
            "goal": f"time ratio <= {GOAL}",
            "met": ratio <= GOAL and uses_index,
            "summary": f"{common.med(full) * 1000:.0f} ms/pass with {future} future rows",
            "baseline_summary": f"{common.med(empty) * 1000:.0f} ms/pass with none",
        }
    ]
