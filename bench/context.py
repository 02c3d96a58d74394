"""What the benchmarks share in one run: the database, the SMTP sink, gunicorn, seeded users."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path

from bench import common


@dataclass
class Bench:
    var: Path
    env: dict
    procs: common.Processes
    sink_record: Path
    wrk_seconds: int
    # BENCH_TINY=1: every part at a tiny size, to check that it still runs
    # (tests/test_bench_parts.py, inside `make test`), not to measure anything.
    tiny: bool = False
    _users: dict = field(default_factory=dict)

    def size(self, full, tiny):
        """full in a real run, tiny in a BENCH_TINY one (a count, seconds, an interval)."""
        return tiny if self.tiny else full

    @functools.cached_property
    def web(self) -> str:
        """gunicorn with production settings plus the bench-only ok view, 2 sync workers."""
        port = common.free_port()
        env = {
            **self.env,
            "DJANGO_SETTINGS_MODULE": "bench.settings",
            "SITE_URL": f"http://127.0.0.1:{port}",
        }
        url = common.start_gunicorn(self.procs, "gunicorn", port, env, workers=2)
        common.log(f"gunicorn (2 workers, bench.settings) on {url}")
        return url

    def seeded_user(self, applications: int):
        """A demo account with this many applications (seed_demo, the same seed every run)."""
        from accounts.models import User

        if applications not in self._users:
            email = f"bench{applications}@bench.example"
            common.log(f"seed_demo: {applications} applications for {email}")
            common.manage(
                self.env,
                "seed_demo",
                "--email",
                email,
                "--applications",
                str(applications),
                "--seed",
                "1",
                "--reset",
            )
            self._users[applications] = User.objects.get(email=email)
        return self._users[applications]

    def cookie(self, user) -> str:
        return common.session_cookie(user)
