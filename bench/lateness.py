"""lateness: real Celery beat + worker + Redis (a private redis-server) with
FOLLOWUP_DISPATCH_INTERVAL=10; 300 follow-ups fall due evenly over 2 minutes; each email's arrival
at the SMTP sink minus its due time. Goal: p99 <= the interval + 5 s."""

import datetime
import time

from bench import common

NAME = "lateness"
COUNT = 300
SPREAD_SECONDS = 120
INTERVAL = 10
GOAL_SLACK = 5


def run(bench) -> list[dict]:
    procs = bench.procs
    redis_url = common.start_redis(procs, "lateness-redis", common.free_port())
    env = {**bench.env, "REDIS_URL": redis_url, "FOLLOWUP_DISPATCH_INTERVAL": str(INTERVAL)}
    common.start_worker(procs, "lateness-worker", env, concurrency=2)
    common.start_beat(procs, "lateness-beat", env, bench.var / "lateness-beat-schedule")
    # The first due time a little ahead, so the first pass is a steady-state one, not start-up.
    start = datetime.datetime.now(datetime.UTC) + datetime.timedelta(seconds=5)
    dues = [
        start + datetime.timedelta(seconds=SPREAD_SECONDS * n / (COUNT - 1)) for n in range(COUNT)
    ]
    ids = common.make_due_followups(COUNT, prefix="late", due=dues, per_user=30)
    due_by_id = dict(zip(ids, dues, strict=True))
    common.log(f"lateness: {COUNT} follow-ups due from now to +{SPREAD_SECONDS} s")
    wanted = set(ids)

    def all_arrived():
        return common.tally(bench.sink_record, wanted)["lost"] == 0

    common.wait_until(all_arrived, SPREAD_SECONDS + 5 + 6 * INTERVAL, 1)
    time.sleep(2 * INTERVAL)  # two more passes: any duplicate would show now
    for name in ("lateness-beat", "lateness-worker", "lateness-redis"):
        procs.stop(name)

    arrivals: dict[int, float] = {}
    for row in common.read_sink(bench.sink_record):
        if row["followup"] in wanted:
            arrivals.setdefault(row["followup"], row["t"])
    lateness = [arrivals[pk] - due_by_id[pk].timestamp() for pk in arrivals]
    counts = common.tally(bench.sink_record, wanted)
    p50, p99 = common.percentile(lateness, 50), common.percentile(lateness, 99)
    goal = INTERVAL + GOAL_SLACK
    common.log(f"lateness: p50 {p50:.1f} s, p99 {p99:.1f} s, max {max(lateness or [0]):.1f} s")
    return [
        {
            "name": NAME,
            "followups": COUNT,
            "interval_s": INTERVAL,
            "received": counts["distinct"],
            "lost": counts["lost"],
            "duplicated": counts["duplicated"],
            "p50_s": round(p50, 2),
            "p99_s": round(p99, 2),
            "max_s": round(max(lateness or [float("nan")]), 2),
            "min_s": round(min(lateness or [float("nan")]), 2),
            "baseline": INTERVAL,
            "ratio": round(p99 / INTERVAL, 3),
            "goal": f"p99 <= {goal} s (interval {INTERVAL} s + {GOAL_SLACK} s)",
            "met": p99 <= goal and counts["lost"] == 0,
            "summary": f"p50 {p50:.1f} s, p99 {p99:.1f} s (lost {counts['lost']}, "
            f"dup {counts['duplicated']})",
            "baseline_summary": f"interval {INTERVAL} s",
        }
    ]
