"""`make bench`: every benchmark of issue 6 on this machine, a table, and var/bench/results.json.

    python -m bench.run                       # all, about 10-15 minutes
    BENCH_ONLY=pages,export python -m bench.run
    BENCH_WRK_SECONDS=10 python -m bench.run  # longer wrk runs (default 6 s each)
    BENCH_NAME=mine python -m bench.run       # database seuranta_mine, files in var/mine/
    BENCH_TINY=1 python -m bench.run          # every part at a tiny size: does it still run?

A fresh PostgreSQL database (seuranta_bench) is dropped, created and migrated each run; the
processes it needs (gunicorn, an SMTP sink, a private redis-server, Celery worker and beat) are
started here and stopped at the end. Each ratio is measured side by side in the same run.
"""

import datetime
import importlib
import json
import os
import shutil
import sys
import time
import traceback

from bench import common
from bench.context import Bench

# Order matters only for speed: scan adds a million rows, so it goes last.
BENCHMARKS = {
    "pages": "bench.pages",
    "pages-scale": "bench.pages_scale",
    "pages-latency": "bench.pages_latency",
    "export": "bench.export",
    "import": "bench.imports",
    "dispatch": "bench.dispatch",
    "lateness": "bench.lateness",
    "burst": "bench.burst",
    "stall": "bench.stall",
    "scan": "bench.scan",
}


def main() -> int:
    names = common.selected("BENCH_ONLY", BENCHMARKS, "benchmark(s)")
    tiny = os.environ.get("BENCH_TINY", "") not in ("", "0")
    started = time.monotonic()
    # Two runs side by side (two developers on one machine) each need their own name.
    name = os.environ.get("BENCH_NAME", "bench")
    var = common.ROOT / "var" / name
    var.mkdir(parents=True, exist_ok=True)
    # Process logs are appended to, and start-up is detected in them: begin each run afresh.
    shutil.rmtree(var / "logs", ignore_errors=True)
    common.ensure_wrk()
    load_before = common.load_average()
    common.log(f"bench: {', '.join(names)}{' (tiny)' if tiny else ''}; load average {load_before}")

    _url, env = common.prepare_database(f"seuranta_{name}", var / "var")
    procs = common.Processes(var / "logs")
    record = var / "sink.jsonl"
    record.unlink(missing_ok=True)
    sink_url = common.start_sink(procs, "sink", common.free_port(), record, env)
    env["EMAIL_URL"] = sink_url
    common.setup_django(env)
    bench = Bench(
        var=var,
        env=env,
        procs=procs,
        sink_record=record,
        wrk_seconds=int(os.environ.get("BENCH_WRK_SECONDS", "1" if tiny else "6")),
        tiny=tiny,
    )

    results = []
    for name in names:
        common.log(f"--- {name}")
        t0 = time.monotonic()
        try:
            module = importlib.import_module(BENCHMARKS[name])
            out = module.run(bench)
        except Exception as exc:
            traceback.print_exc()
            out = [{"name": name, "error": repr(exc), "ratio": None, "goal": "", "met": False}]
        for result in out:
            result["seconds"] = round(time.monotonic() - t0, 1)
            result["load_average"] = common.load_average()
        results += out
    procs.stop_all()

    stamp = datetime.datetime.now().astimezone().isoformat(timespec="seconds")
    for result in results:
        result["date"] = stamp
    (var / "results.json").write_text(json.dumps(results, indent=2, default=str) + "\n")
    print()
    common.print_table(results)
    print(
        f"\n{len(results)} benchmarks in {time.monotonic() - started:.0f} s; load average before "
        f"{load_before}, after {common.load_average()}; results in {var / 'results.json'}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
