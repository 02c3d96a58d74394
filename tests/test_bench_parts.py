"""Every part of `make bench` still runs: the whole of bench.run at tiny sizes (BENCH_TINY=1).

Nothing is measured here (the figures of a tiny run mean nothing); a part that raises, as the
scan part did once its raw INSERT fell behind the model, fails `make test` instead of the next
benchmark run. The run makes its own PostgreSQL database and starts its own processes
(gunicorn, Celery, a private redis-server, the SMTP sink), as `make bench` does: about two
minutes on the 2-core machine, most of it processes starting and migrations.
"""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bench.run import BENCHMARKS
from tests.services import unavailable

ROOT = Path(__file__).resolve().parent.parent

pytestmark = [pytest.mark.postgres, pytest.mark.integration]


def drop_database(name: str) -> None:
    import psycopg
    from psycopg import sql

    from bench import common

    with psycopg.connect(
        host=common.PG_HOST,
        port=common.PG_PORT,
        user=common.PG_USER,
        password=common.PG_PASSWORD,
        dbname="postgres",
        autocommit=True,
    ) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


def test_every_bench_part_runs_at_a_tiny_size():
    for program in ("wrk", "redis-server"):
        if shutil.which(program) is None:
            unavailable(f"{program} is not installed (`make bench` needs it)")
    name = f"tiny_{os.getpid()}"
    env = {**os.environ, "BENCH_TINY": "1", "BENCH_NAME": name}
    env.pop("BENCH_ONLY", None)
    try:
        run = subprocess.run(
            [sys.executable, "-m", "bench.run"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
        results = json.loads((ROOT / "var" / name / "results.json").read_text())
    finally:
        shutil.rmtree(ROOT / "var" / name, ignore_errors=True)
        drop_database(f"seuranta_{name}")
    assert [r["name"] for r in results] == list(BENCHMARKS)
    broken = {r["name"]: r["error"] for r in results if "error" in r}
    assert not broken, f"{broken}\n{run.stdout[-5000:]}"
