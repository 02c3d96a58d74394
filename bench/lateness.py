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
    count, spread = bench.size(COUNT, 10), bench.size(SPREAD_SECONDS, 4)
    interval = bench.size(INTERVAL, 2)
    procs = bench.procs
    redis_url = common.start_redis(procs, "lateness-redis", common.free_port())
    env = {**bench.env, "REDIS_URL": redis_url, "FOLLOWUP_DISPATCH_INTERVAL": str(interval)}
    common.start_worker(procs, "lateness-worker", env, concurrency=2)
    common.start_beat(procs, "lateness-beat", env, bench.var / "lateness-beat-schedule")
    # The first due time a little ahead, so the first pass is a steady-state one, not start-up.
    start = datetime.datetime.now(datetime.UTC) + datetime.timedelta(seconds=bench.size(5, 1))
    dues = [start + datetime.timedelta(seconds=spread * n / (count - 1)) for n in range(count)]
    ids = common.make_due_followups(count, prefix="late", due=dues, per_user=30)
    due_by_id = dict(zip(ids, dues, strict=True))
    common.log(f"lateness: {count} follow-ups due from now to +{spread} s")
    wanted = set(ids)

    def all_arrived():
        return common.tally(bench.sink_record, wanted)["lost"] == 0

    common.wait_until(all_arrived, spread + 5 + 6 * interval, 1)
    time.sleep(2 * interval)  # two more passes: any duplicate would show now
    for name in ("lateness-beat", "lateness-worker", "lateness-redis"):
        procs.stop(name)

    arrivals: dict[int, float] = {}
    for row in common.read_sink(bench.sink_record):
        if row["followup"] in wanted:
            arrivals.setdefault(row["followup"], row["t"])
    lateness = [arrivals[pk] - due_by_id[pk].timestamp() for pk in arrivals]
    counts = common.tally(bench.sink_record, wanted)
    p50, p99 = common.percentile(lateness, 50), common.percentile(lateness, 99)
    goal = interval + GOAL_SLACK
    common.log(f"lateness: p50 {p50:.1f} s, p99 {p99:.1f} s, max {max(lateness or [0]):.1f} s")
    return [
        {
            "name": NAME,
            "followups": count,
            "interval_s": interval,
            "received": counts["distinct"],
            "lost": counts["lost"],
            "duplicated": counts["duplicated"],
            "p50_s": round(p50, 2),
            "p99_s": round(p99, 2),
            "max_s": round(max(lateness or [float("nan")]), 2),
            "min_s": round(min(lateness or [float("nan")]), 2),
            "baseline": interval,
            "ratio": round(p99 / interval, 3),
            "goal": f"p99 <= {goal} s (interval {interval} s + {GOAL_SLACK} s)",
            "met": p99 <= goal and counts["lost"] == 0,
            "summary": f"p50 {p50:.1f} s, p99 {p99:.1f} s (lost {counts['lost']}, "
            f"dup {counts['duplicated']})",
            "baseline_summary": f"interval {interval} s",
        }
    ]
