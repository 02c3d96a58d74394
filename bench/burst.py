"""burst: 10 000 reminders due in the same minute, as the 10:00 call time makes them, handled by
the production setup: real Celery beat and worker (2 pool processes) over a private redis-server,
FOLLOWUP_DISPATCH_INTERVAL at its default of 60 s. Measured: seconds from the due time until
the SMTP sink has the last of them. Goal: <= 90 s, lost 0, duplicated 0.

The due time is the next whole minute (at least LEAD_SECONDS ahead, so the rows exist and beat
runs before it), as for follow-ups due at 10:00:00. Duplicates are counted once every row is
marked notified: a notified row is never claimed again, so none can come later.
"""

import datetime
import time

from bench import common

NAME = "burst"
COUNT = 10_000
PER_USER = 10
LEAD_SECONDS = 20
GOAL_SECONDS = 90
TIMEOUT_SECONDS = 420


def next_whole_minute(lead: float) -> datetime.datetime:
    soon = datetime.datetime.now(datetime.UTC) + datetime.timedelta(seconds=lead)
    return soon.replace(second=0, microsecond=0) + datetime.timedelta(minutes=1)


def soon(seconds: float) -> datetime.datetime:
    """A whole second a few seconds ahead: the tiny run's burst, a pass or two away."""
    later = datetime.datetime.now(datetime.UTC) + datetime.timedelta(seconds=seconds)
    return later.replace(microsecond=0)


def run(bench) -> list[dict]:
    from followups.models import Followup, State

    count, timeout = bench.size(COUNT, 20), bench.size(TIMEOUT_SECONDS, 30)
    procs = bench.procs
    redis_url = common.start_redis(procs, "burst-redis", common.free_port())
    env = {**bench.env, "REDIS_URL": redis_url}
    env.pop("FOLLOWUP_DISPATCH_INTERVAL", None)  # the production default
    if bench.tiny:
        env["FOLLOWUP_DISPATCH_INTERVAL"] = "2"
    common.start_worker(procs, "burst-worker", env, concurrency=2)
    common.start_beat(procs, "burst-beat", env, bench.var / "burst-beat-schedule")
    due = next_whole_minute(LEAD_SECONDS) if not bench.tiny else soon(3)
    ids = common.make_due_followups(count, prefix="burst", due=due, per_user=PER_USER)
    wanted = set(ids)
    common.log(f"burst: {count} follow-ups due at {due:%H:%M:%S} UTC")

    def all_marked():
        return not Followup.objects.filter(pk__in=ids, state=State.SCHEDULED).exists()

    wait = (due - datetime.datetime.now(datetime.UTC)).total_seconds() + timeout
    finished = common.wait_until(all_marked, wait, 1)
    for name in ("burst-beat", "burst-worker", "burst-redis"):
        procs.stop(name)
    time.sleep(0.5)  # the sink's last line

    arrivals = [
        row["t"] for row in common.read_sink(bench.sink_record) if row["followup"] in wanted
    ]
    counts = common.tally(bench.sink_record, wanted)
    marked = Followup.objects.filter(pk__in=ids, state=State.NOTIFIED).count()
    first = min(arrivals) - due.timestamp() if arrivals else float("nan")
    last = max(arrivals) - due.timestamp() if arrivals else float("nan")
    common.log(
        f"burst: first after {first:.1f} s, last after {last:.1f} s; lost {counts['lost']}, "
        f"duplicated {counts['duplicated']}, marked {marked}"
    )
    return [
        {
            "name": NAME,
            "followups": count,
            "interval_s": 2 if bench.tiny else 60,
            "finished": bool(finished),
            "received": counts["distinct"],
            "lost": counts["lost"],
            "duplicated": counts["duplicated"],
            "marked_notified": marked,
            "first_s": round(first, 2),
            "last_s": round(last, 2),
            "baseline": GOAL_SECONDS,
            "ratio": round(last / GOAL_SECONDS, 3),
            "goal": f"last delivered <= {GOAL_SECONDS} s after due, lost 0, dup 0",
            "met": last <= GOAL_SECONDS
            and counts["lost"] == 0
            and counts["duplicated"] == 0
            and marked == count,
            "summary": f"last after {last:.1f} s (first {first:.1f} s; lost {counts['lost']}, "
            f"dup {counts['duplicated']})",
            "baseline_summary": f"{count} due at hh:mm:00",
        }
    ]
