"""What the fault scenarios share in one run: the database, the SMTP sink, Celery stacks on
private redis-servers, due follow-ups, and the counting of what reached the sink."""

from __future__ import annotations

import datetime
import itertools
import time
from dataclasses import dataclass, field
from pathlib import Path

from bench import common

# Short enough that a scenario sees many dispatch passes in a minute. The lease is the shortest
# the settings accept with this EMAIL_TIMEOUT (2 × (5 + 10) s), so a killed worker's claims are
# taken over half a minute later instead of five.
INTERVAL = 2
LEASE = 30
EMAIL_TIMEOUT = 5
# What the deployed systemd unit waits before starting a failed worker again.
RESTART_SEC = 5


@dataclass
class Faults:
    var: Path
    # Production settings, the faults database and EMAIL_URL = the sink, as every process gets.
    env: dict
    procs: common.Processes
    record: Path
    sink_port: int
    _names: itertools.count = field(default_factory=lambda: itertools.count(1))

    def unique(self, name: str) -> str:
        """A process name not used before in this run. Each process appends to its own log, and
        start-up is detected in that log: a restarted process must not find its
        predecessor's "ready." there."""
        return f"{name}-{next(self._names)}"

    def start_sink(self) -> None:
        common.start_sink(self.procs, "sink", self.sink_port, self.record, self.env)

    def stop_sink(self) -> None:
        self.procs.stop("sink")

    def stack(self, scenario: str) -> Stack:
        """A private redis-server for this scenario, and the environment of its Celery processes."""
        port = common.free_port()
        redis = self.unique(f"{scenario}-redis")
        url = common.start_redis(self.procs, redis, port)
        env = {**self.env, "REDIS_URL": url}
        return Stack(self, scenario, port, redis, env)

    def due(self, count: int, *, prefix: str, due, per_user: int = 100) -> list[int]:
        """count due follow-ups (bench.common.make_due_followups) for users without quiet hours:
        the run may be at any hour, and a reminder due inside them is rightly held until
        morning; quiet hours have their own frozen-time tests."""
        from accounts.models import User

        ids = common.make_due_followups(count, prefix=prefix, due=due, per_user=per_user)
        User.objects.filter(email__startswith=prefix, email__endswith="@bench.example").update(
            quiet_hours_start=datetime.time(0, 0), quiet_hours_end=datetime.time(0, 0)
        )
        return ids

    def counts(self, ids: list[int] | set[int]) -> dict:
        """What the sink received of ids: sent (distinct), duplicated, lost; and how many of them
        the database has marked notified."""
        from followups.models import Followup, State

        counts = common.tally(self.record, set(ids))
        return {
            "followups": len(ids),
            "sent": counts["distinct"],
            "duplicated": counts["duplicated"],
            "lost": counts["lost"],
            "marked_notified": Followup.objects.filter(pk__in=ids, state=State.NOTIFIED).count(),
        }

    def arrived(self, ids: list[int] | set[int]) -> int:
        return common.tally(self.record, set(ids))["distinct"]

    def wait_arrived(self, ids, timeout: float, what: str) -> None:
        wanted = len(ids)
        if not common.wait_until(lambda: self.arrived(ids) >= wanted, timeout, 0.5):
            common.log(f"{what}: only {self.arrived(ids)} of {wanted} after {timeout:.0f} s")

    def settle(self, ids, timeout: float) -> None:
        """Wait until every one of ids is marked notified, then two more dispatch intervals: a
        pass that was sending a duplicate at that moment has delivered it by then, and after it
        no row is claimable any more, so the counts that follow are final."""
        from followups.models import Followup, State

        total = len(ids)
        common.wait_until(
            lambda: Followup.objects.filter(pk__in=ids, state=State.NOTIFIED).count() == total,
            timeout,
            0.5,
        )
        time.sleep(2 * INTERVAL)


@dataclass
class Stack:
    """Celery workers and beats of one scenario on its private redis-server."""

    faults: Faults
    scenario: str
    redis_port: int
    redis_name: str
    env: dict
    # Workers that exited by themselves and were started again (see restart_if_exited).
    worker_exits: int = 0

    @property
    def redis_url(self) -> str:
        return self.env["REDIS_URL"]

    def start_worker(self, concurrency: int = 2) -> str:
        name = self.faults.unique(f"{self.scenario}-worker")
        common.start_worker(self.faults.procs, name, self.env, concurrency=concurrency)
        return name

    def restart_if_exited(self, worker: str) -> str:
        """Start the worker again if it exited, as systemd does with the deployed unit
        (deploy/seuranta-worker.service: Restart=on-failure, RestartSec=5); its name now."""
        process = self.faults.procs.running[worker]
        if process.poll() is None:
            return worker
        self.worker_exits += 1
        tail = self.faults.procs.log_text(worker).strip().splitlines()[-1:]
        common.log(f"{self.scenario}: {worker} exited ({process.returncode}): {tail}")
        self.faults.procs.stop(worker)
        time.sleep(RESTART_SEC)
        return self.start_worker()

    def start_beat(self, schedule: str = "beat") -> str:
        """A beat; the same schedule name is the same beat started again (its schedule file)."""
        name = self.faults.unique(f"{self.scenario}-beat")
        path = self.faults.var / f"{self.scenario}-{schedule}-schedule"
        common.start_beat(self.faults.procs, name, self.env, path)
        return name

    def restart_redis(self) -> None:
        """SIGKILL the redis-server and start a new, empty one on the same port."""
        self.faults.procs.kill(self.redis_name)
        self.redis_name = self.faults.unique(f"{self.scenario}-redis")
        common.start_redis(self.faults.procs, self.redis_name, self.redis_port)

    def stop(self) -> None:
        for name in list(self.faults.procs.running):
            if name.startswith(f"{self.scenario}-"):
                self.faults.procs.stop(name)
