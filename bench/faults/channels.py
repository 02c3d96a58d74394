"""channels: a webhook channel flapping while a thousand reminders go out (issue 14), and
channels-kill: the same with the worker SIGKILLed three times on top.

Real beat, worker, Redis, SMTP sink and a webhook receiver (bench.webhook_sink). 1 000 follow-ups
fall due at once for 10 people, each with two `json://` channels on the receiver: /flaky, which
for FLAP_SECONDS from the first message answers 500 to 30 % of the requests and drops the
connection of 15 % more, and /steady, which always answers.

- channels: one worker with two pool processes, so two channel passes run side by side while the
  channel flaps. Property: lost 0 and duplicated 0 on each channel and for the email.
- channels-kill (bench.faults.channels_kill): one pool process; each time the receiver has taken
  another share of the messages, the worker's process group is SIGKILLed while it holds claimed
  deliveries, and a new worker is started; the killed worker's claims are taken over after the
  lease (30 s here). Property: lost 0, duplicated by key 0, and at most one duplicate per kill:
  a message out just before the kill, unrecorded, goes again after the lease, as for the email
  (worker-kill). Only the receiver can drop that one, by the X-Seuranta-Delivery header.

A refused message is retried after dispatch.backoff (1, 2, 4 … minutes). The scenario stands in
for those minutes by bringing every retry that waits forward once every NUDGE_SECONDS (an
UPDATE of next_attempt_at), so a delivery is tried at most about FLAP_SECONDS / NUDGE_SECONDS
times while the channel flaps: fewer than MAX_ATTEMPTS, as a channel that flaps for a few
minutes would be with the real backoff.

Counted at the receiver by follow-up id and channel: received (2xx answered), duplicated, lost;
and "by key", the duplicates left for a receiver that drops a repeated X-Seuranta-Delivery
header (each delivery sends the same value on every attempt).
"""

from __future__ import annotations

import datetime
import json
import time
from collections import Counter

from bench import common
from bench.faults.context import INTERVAL, LEASE

NAME = "channels"
COUNT = 1_000
PER_USER = 100
PATHS = ("/flaky", "/steady")
FLAP_SECONDS = 90
NUDGE_SECONDS = 15
PROPERTY = (
    "webhook flapping (500s, dropped connections) under two racing channel passes: lost 0, "
    "duplicated 0 per channel and for the email"
)


def read_record(path) -> list[dict]:
    if not path.exists():
        return []
    rows = []
    for line in path.read_text().splitlines():
        try:
            rows.append(json.loads(line))
        except ValueError:
            continue
    return rows


def tally(rows: list[dict], ids: set[int]) -> dict:
    """Per channel path: received (distinct), duplicated, lost; refused and dropped attempts."""
    figures = {}
    for path in PATHS:
        mine = [r for r in rows if r["path"] == path and r["followup"] in ids]
        received = Counter(r["followup"] for r in mine if r["outcome"] == "ok")
        keys = Counter(r.get("key") for r in mine if r["outcome"] == "ok")
        figures[path.strip("/")] = {
            "received": len(received),
            "duplicated": sum(n - 1 for n in received.values() if n > 1),
            # Duplicates a receiver that drops a repeated X-Seuranta-Delivery would still show.
            "duplicated_after_key": sum(n - 1 for n in received.values() if n > 1)
            - sum(n - 1 for n in keys.values() if n > 1),
            "lost": len(ids - set(received)),
            "refused_500": sum(1 for r in mine if r["outcome"] == "500"),
            "dropped": sum(1 for r in mine if r["outcome"] == "drop"),
        }
    return figures


def run(faults) -> dict:
    return scenario(faults, name=NAME, prop=PROPERTY, kill_at=())


def scenario(faults, *, name: str, prop: str, kill_at: tuple[float, ...]) -> dict:
    """Run the flapping channel, SIGKILLing the worker at each share of kill_at (none: two pool
    processes race instead); the property allows one duplicate per kill."""
    from accounts.models import User
    from notifications.models import Channel, Delivery, DeliveryState

    port = common.free_port()
    record = faults.var / f"{name}-webhook.jsonl"
    record.unlink(missing_ok=True)
    stack = faults.stack(name)

    due = datetime.datetime.now(datetime.UTC) - datetime.timedelta(minutes=1)
    ids = faults.due(COUNT, prefix=f"fault-{name}-", due=due, per_user=PER_USER)
    owners = User.objects.filter(email__startswith=f"fault-{name}-")
    channels = []
    for owner in owners:
        for path in PATHS:
            channel = Channel(owner=owner, label=path.strip("/"))
            channel.set_url(f"json://127.0.0.1:{port}{path}")
            channels.append(channel)
    Channel.objects.bulk_create(channels)

    faults.procs.start(
        faults.unique(f"{name}-webhook"),
        [
            common.PYTHON,
            "-m",
            "bench.webhook_sink",
            "--port",
            str(port),
            "--record",
            str(record),
            "--flap-for",
            str(FLAP_SECONDS),
            "--flap-paths",
            "/flaky",
        ],
        faults.env,
    )
    common.wait_port(port)
    # Killed: one pool process, so that a kill takes the pass holding the claims. Not killed:
    # two, whose channel passes race for the same deliveries while the channel flaps.
    worker = stack.start_worker(concurrency=1 if kill_at else 2)
    stack.start_beat()
    common.log(
        f"{name}: {COUNT} due follow-ups, {len(channels)} channels; /flaky flaps for "
        f"{FLAP_SECONDS} s; lease {LEASE} s"
    )
    id_set = set(ids)
    expected = COUNT * len(PATHS)
    last_nudge = time.monotonic()
    nudged = 0

    def nudge() -> None:
        """Bring the retries waiting for their backoff forward (standing for the minutes)."""
        nonlocal last_nudge, nudged
        if time.monotonic() - last_nudge < NUDGE_SECONDS:
            return
        last_nudge = time.monotonic()
        now = datetime.datetime.now(datetime.UTC)
        nudged += Delivery.objects.filter(
            followup_id__in=ids, state=DeliveryState.PENDING, next_attempt_at__gt=now
        ).update(next_attempt_at=now)

    def received() -> int:
        return sum(1 for r in read_record(record) if r["outcome"] == "ok")

    def claimed_deliveries() -> bool:
        now = datetime.datetime.now(datetime.UTC)
        return Delivery.objects.filter(
            followup_id__in=ids, state=DeliveryState.PENDING, claimed_until__gt=now
        ).exists()

    kills = []
    for share in kill_at:
        target = int(expected * share)

        def mid_delivery(target=target) -> bool:
            nudge()
            return received() >= target and claimed_deliveries()

        if not common.wait_until(mid_delivery, 300, 0.05):
            raise RuntimeError(f"{name}: fewer than {target} channel messages after 300 s")
        faults.procs.kill(worker)
        kills.append({"received_before": received()})
        common.log(f"{name}: SIGKILL after {kills[-1]['received_before']} channel messages")
        worker = stack.start_worker(concurrency=1)

    def finished() -> bool:
        nudge()
        return not Delivery.objects.filter(
            followup_id__in=ids, state=DeliveryState.PENDING
        ).exists() and (faults.arrived(ids) == COUNT)

    if not common.wait_until(finished, LEASE + 600, 0.5):
        common.log(f"{name}: deliveries still pending after {LEASE + 600} s")
    # Two more passes: a duplicate on its way would have arrived by then.
    time.sleep(2 * INTERVAL)
    stack.stop()

    rows = read_record(record)
    per_channel = tally(rows, id_set)
    states = Counter(Delivery.objects.filter(followup_id__in=ids).values_list("state", flat=True))
    figures = {
        "per_channel": per_channel,
        "email": faults.counts(ids),
        "deliveries": dict(states),
        # Claimed more than once: retried after a refusal, or taken over after a kill.
        "claimed_again": Delivery.objects.filter(followup_id__in=ids, attempts__gt=1).count(),
        "retries_brought_forward": nudged,
        "kills": kills,
        "flap_seconds": FLAP_SECONDS,
        "lease_s": LEASE,
    }
    lost = sum(c["lost"] for c in per_channel.values()) + figures["email"]["lost"]
    duplicated = sum(c["duplicated"] for c in per_channel.values())
    met = (
        lost == 0
        and duplicated <= len(kills)
        and all(c["duplicated_after_key"] == 0 for c in per_channel.values())
        and figures["email"]["duplicated"] <= len(kills)
        and states.get(DeliveryState.SENT, 0) == expected
        and all(c["refused_500"] and c["dropped"] for k, c in per_channel.items() if k == "flaky")
    )
    flaky, steady = per_channel["flaky"], per_channel["steady"]
    return {
        "name": name,
        "property": prop,
        "figures": figures,
        "met": met,
        "summary": (
            f"flaky: received {flaky['received']}, duplicated {flaky['duplicated']} "
            f"({flaky['duplicated_after_key']} by key), lost {flaky['lost']} "
            f"({flaky['refused_500']} answered 500, {flaky['dropped']} dropped); "
            f"steady: received {steady['received']}, duplicated {steady['duplicated']} "
            f"({steady['duplicated_after_key']} by key), lost {steady['lost']}; email lost "
            f"{figures['email']['lost']}, duplicated {figures['email']['duplicated']}; "
            f"{len(kills)} kills"
        ),
    }
