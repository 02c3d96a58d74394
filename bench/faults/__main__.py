"""Run the fault scenarios (bench.faults), print a table, write var/faults/results.json."""

import datetime
import importlib
import json
import os
import shutil
import sys
import time
import traceback

from bench import common
from bench.faults.context import EMAIL_TIMEOUT, INTERVAL, LEASE, Faults

# The order keeps the heavy scenario (10 000 rows) first, on an idle database, and the web
# load last.
SCENARIOS = {
    "dispatchers": "bench.faults.dispatchers",
    "worker-kill": "bench.faults.worker_kill",
    "smtp-down": "bench.faults.smtp_down",
    "redis-restart": "bench.faults.redis_restart",
    "beat-down": "bench.faults.beat_down",
    "channels": "bench.faults.channels",
    "channels-kill": "bench.faults.channels_kill",
    "import-kill": "bench.faults.import_kill",
    "digest-kill": "bench.faults.digest_kill",
    "mixed-load": "bench.faults.mixed_load",
}


def print_table(results: list[dict]) -> None:
    rows = [("scenario", "figures", "property", "met")]
    rows += [(r["name"], r["summary"], r["property"], "yes" if r["met"] else "NO") for r in results]
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for n, row in enumerate(rows):
        print("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip())
        if n == 0:
            print("  ".join("-" * w for w in widths))


def main() -> int:
    names = common.selected("FAULTS_ONLY", SCENARIOS, "scenario(s)")
    started = time.monotonic()
    var = common.ROOT / "var" / "faults"
    var.mkdir(parents=True, exist_ok=True)
    # Start-up is detected in each process's log: no line of an earlier run may be in them.
    shutil.rmtree(var / "logs", ignore_errors=True)
    for old in var.glob("*-schedule*"):
        old.unlink()
    load_before = common.load_average()
    common.log(f"faults: {', '.join(names)}; load average {load_before}")

    database = os.environ.get("FAULTS_DATABASE", "seuranta_faults")
    _url, env = common.prepare_database(database, var / "var")
    env.update(
        FOLLOWUP_DISPATCH_INTERVAL=str(INTERVAL),
        FOLLOWUP_DISPATCH_LEASE=str(LEASE),
        EMAIL_TIMEOUT=str(EMAIL_TIMEOUT),
        # A channel's message is given as long as an email: the lease above fits both.
        CHANNELS_SEND_TIMEOUT=str(EMAIL_TIMEOUT),
    )
    procs = common.Processes(var / "logs")
    record = var / "sink.jsonl"
    record.unlink(missing_ok=True)
    faults = Faults(var=var, env=env, procs=procs, record=record, sink_port=common.free_port())
    env["EMAIL_URL"] = f"smtp://127.0.0.1:{faults.sink_port}"
    faults.start_sink()
    common.setup_django(env)

    results = []
    for name in names:
        common.log(f"--- {name}")
        t0 = time.monotonic()
        try:
            result = importlib.import_module(SCENARIOS[name]).run(faults)
        except Exception as exc:
            traceback.print_exc()
            result = {
                "name": name,
                "property": getattr(importlib.import_module(SCENARIOS[name]), "PROPERTY", ""),
                "figures": {},
                "error": repr(exc),
                "met": False,
                "summary": f"error: {exc!r}"[:120],
            }
        result["seconds"] = round(time.monotonic() - t0, 1)
        result["load_average"] = common.load_average()
        common.log(f"{name}: {result['summary']} -> {'met' if result['met'] else 'NOT MET'}")
        results.append(result)
        # What a scenario that failed left running: its processes, or a stopped sink.
        for leftover in [p for p in procs.running if p.startswith(f"{name}-")]:
            procs.stop(leftover)
        if "sink" not in procs.running:
            faults.start_sink()
    procs.stop_all()

    stamp = datetime.datetime.now().astimezone().isoformat(timespec="seconds")
    for result in results:
        result["date"] = stamp
    (var / "results.json").write_text(json.dumps(results, indent=2, default=str) + "\n")
    print()
    print_table(results)
    met = sum(r["met"] for r in results)
    print(
        f"\n{met} of {len(results)} properties met in {time.monotonic() - started:.0f} s; load "
        f"average before {load_before}, after {common.load_average()}; results in "
        f"{var / 'results.json'}"
    )
    return 0 if met == len(results) else 1


if __name__ == "__main__":
    sys.exit(main())
