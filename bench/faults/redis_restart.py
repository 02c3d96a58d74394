"""redis-restart: Redis emptied (FLUSHALL) and then killed and restarted empty, mid-run.

Real beat, worker and a private redis-server (never the machine's shared one). 600 follow-ups
fall due evenly over 60 s; 20 s in, every key is deleted under the running worker and beat;
40 s in, the server is SIGKILLed and a new, empty one starts on the same port, as after a
crash without persistence. Redis only carries beat's trigger, never a reminder, so this may
delay reminders by the reconnection time but must lose none. Property: lost 0, duplicated 0.

A worker whose connection drops while a pass is in flight can exit ("Unrecoverable error", a
kombu AttributeError while it puts the unacknowledged trigger back; docs/reliability.md). The
deployment runs it under systemd with Restart=on-failure, so it is started again here the same
way, and the exits are counted: a figure to watch, not hidden.
"""

import datetime
import time

import redis

from bench import common

NAME = "redis-restart"
COUNT = 600
SPREAD_SECONDS = 60
FLUSH_AT = 20
RESTART_AT = 40
PROPERTY = "Redis emptied, then restarted empty, mid-run: lost 0, duplicated 0"


def run(faults) -> dict:
    stack = faults.stack(NAME)
    worker = stack.start_worker()
    stack.start_beat()
    start = datetime.datetime.now(datetime.UTC) + datetime.timedelta(seconds=2)
    dues = [start + datetime.timedelta(seconds=SPREAD_SECONDS * n / COUNT) for n in range(COUNT)]
    ids = faults.due(COUNT, prefix="fault-redis-", due=dues)
    due_by_id = dict(zip(ids, dues, strict=True))
    began = time.monotonic()
    common.log(f"{NAME}: {COUNT} follow-ups due over {SPREAD_SECONDS} s")

    common.wait_until(lambda: time.monotonic() - began >= FLUSH_AT, FLUSH_AT + 1, 0.2)
    client = redis.Redis.from_url(stack.redis_url)
    keys_before = client.dbsize()
    client.flushall()
    sent_at_flush = faults.arrived(ids)
    common.log(f"{NAME}: FLUSHALL ({keys_before} keys) after {sent_at_flush} sent")

    common.wait_until(lambda: time.monotonic() - began >= RESTART_AT, RESTART_AT + 1, 0.2)
    # No persistence: the new server starts with no key at all.
    stack.restart_redis()
    sent_at_restart = faults.arrived(ids)
    common.log(f"{NAME}: redis-server SIGKILLed and restarted after {sent_at_restart} sent")

    def all_arrived():
        nonlocal worker
        worker = stack.restart_if_exited(worker)
        return faults.arrived(ids) >= COUNT

    common.wait_until(all_arrived, SPREAD_SECONDS + 180, 0.5)
    faults.settle(ids, 60)
    stack.stop()

    arrivals: dict[int, float] = {}
    for row in common.read_sink(faults.record):
        if row["followup"] in due_by_id:
            arrivals.setdefault(row["followup"], row["t"])
    lateness = [arrivals[pk] - due_by_id[pk].timestamp() for pk in arrivals]
    figures = faults.counts(ids)
    figures.update(
        keys_before_flush=keys_before,
        sent_before_flush=sent_at_flush,
        sent_before_restart=sent_at_restart,
        worker_exits=stack.worker_exits,
        lateness_p50_s=round(common.percentile(lateness, 50), 1),
        lateness_max_s=round(max(lateness or [float("nan")]), 1),
    )
    met = (
        figures["lost"] == 0 and figures["duplicated"] == 0 and figures["marked_notified"] == COUNT
    )
    return {
        "name": NAME,
        "property": PROPERTY,
        "figures": figures,
        "met": met,
        "summary": f"sent {figures['sent']}, duplicated {figures['duplicated']}, lost "
        f"{figures['lost']}; lateness p50 {figures['lateness_p50_s']} s, max "
        f"{figures['lateness_max_s']} s; worker exits {stack.worker_exits}",
    }
