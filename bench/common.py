"""Shared parts of `make bench` and `make faults`: a throw-away PostgreSQL database, the real
processes (gunicorn, Celery worker and beat, a private redis-server, an SMTP sink), due
follow-ups made in bulk, and the results table.

Everything runs on this machine against real servers; nothing is mocked. Processes are started
in their own session so that a whole Celery worker (parent and pool children) can be stopped or
SIGKILLed by its process group, and every one is stopped when the run ends.
"""

from __future__ import annotations

import atexit
import contextlib
import datetime
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from statistics import median

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
PG_HOST = os.environ.get("BENCH_PG_HOST", "127.0.0.1")
PG_PORT = int(os.environ.get("BENCH_PG_PORT", "5432"))
PG_USER = os.environ.get("BENCH_PG_USER", "postgres")
PG_PASSWORD = os.environ.get("BENCH_PG_PASSWORD", "postgres")


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_port(port: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.5):
            return
        time.sleep(0.1)
    raise RuntimeError(f"nothing listens on port {port} after {timeout:.0f} s")


def wait_until(predicate, timeout: float, interval: float = 0.2):
    """Poll until predicate() is truthy; return its value, or None after timeout seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(interval)


def selected(variable: str, choices: dict, what: str) -> list[str]:
    """The names listed in the environment variable (comma-separated), in the order of choices;
    all of them when it is unset. An unknown name stops the run with the list to choose from."""
    only = [n.strip() for n in os.environ.get(variable, "").split(",") if n.strip()]
    unknown = set(only) - set(choices)
    if unknown:
        sys.exit(
            f"{variable}: unknown {what} {', '.join(sorted(unknown))}; "
            f"choose from {', '.join(choices)}"
        )
    return [name for name in choices if not only or name in only]


def load_average() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} {five:.2f} {fifteen:.2f} ({os.cpu_count()} CPUs)"


# --- The database ---------------------------------------------------------------------------


def recreate_database(name: str) -> str:
    """Drop and create database `name`; its DATABASE_URL."""
    import psycopg
    from psycopg import sql

    with psycopg.connect(
        host=PG_HOST,
        port=PG_PORT,
        user=PG_USER,
        password=PG_PASSWORD,
        dbname="postgres",
        autocommit=True,
    ) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return f"postgres://{PG_USER}:{PG_PASSWORD}@{PG_HOST}:{PG_PORT}/{name}"


# --- Processes ------------------------------------------------------------------------------


@dataclass
class Processes:
    """Named child processes, each in its own session (process group), stopped at exit."""

    log_dir: Path
    running: dict[str, subprocess.Popen] = field(default_factory=dict)

    def __post_init__(self):
        self.log_dir.mkdir(parents=True, exist_ok=True)
        atexit.register(self.stop_all)

    def start(self, name: str, argv: list[str], env: dict) -> subprocess.Popen:
        if name in self.running:
            raise RuntimeError(f"{name} is already running")
        log_file = open(self.log_dir / f"{name}.log", "ab")  # noqa: SIM115 - closed by the child
        process = subprocess.Popen(
            argv,
            cwd=ROOT,
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log_file.close()
        self.running[name] = process
        return process

    def log_text(self, name: str) -> str:
        path = self.log_dir / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def signal(self, name: str, sig: int) -> None:
        process = self.running[name]
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, sig)

    def kill(self, name: str) -> None:
        """SIGKILL the process and everything in its group (a worker's pool children too)."""
        process = self.running.pop(name)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(10)

    def stop(self, name: str, timeout: float = 20) -> None:
        process = self.running.pop(name, None)
        if process is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(5)
        # Pool children that outlived their parent.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)

    def stop_all(self) -> None:
        for name in list(self.running):
            self.stop(name)


# --- The environment the processes share ----------------------------------------------------


def base_env(*, database_url: str, var_dir: Path, **extra: str) -> dict[str, str]:
    """Production settings (DEBUG off) on this machine, as `make prod-local` uses them."""
    var_dir.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "bench-secret-key-not-for-production-" + "x" * 30,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SITE_URL": "http://127.0.0.1:8000",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "TRUSTED_PROXY_COUNT": "0",
        "DATABASE_URL": database_url,
        "SEURANTA_VAR_DIR": str(var_dir),
        "PYTHONUNBUFFERED": "1",
        "LOG_LEVEL": "WARNING",
        # The bench's webhook sink is on 127.0.0.1.
        "CHANNELS_ALLOW_PRIVATE": "1",
    }
    env.pop("EMAIL_URL", None)
    env.pop("REDIS_URL", None)
    env.update(extra)
    return env


def setup_django(env: dict[str, str]) -> None:
    """Configure this process with the same settings as the children, then django.setup()."""
    os.environ.update(env)
    import django

    django.setup()


def manage(env: dict, *args: str, quiet: bool = False) -> str:
    result = subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if result.returncode != 0:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stdout}{result.stderr}")
    if not quiet and result.stdout.strip():
        log(result.stdout.strip().splitlines()[-1])
    return result.stdout


def prepare_database(name: str, var_dir: Path) -> tuple[str, dict]:
    url = recreate_database(name)
    env = base_env(database_url=url, var_dir=var_dir)
    manage(env, "migrate", "--noinput", quiet=True)
    manage(env, "collectstatic", "--noinput", "--verbosity", "0", quiet=True)
    return url, env


def start_redis(procs: Processes, name: str, port: int) -> str:
    """A private redis-server (never the machine's shared one): no persistence, so a restart
    empties it."""
    binary = shutil.which("redis-server")
    if binary is None:
        raise RuntimeError("redis-server is not installed (apt-get install redis-server)")
    procs.start(
        name,
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        os.environ.copy(),
    )
    wait_port(port)
    return f"redis://127.0.0.1:{port}/0"


def start_sink(procs: Processes, name: str, port: int, record: Path, env: dict) -> str:
    procs.start(
        name,
        [PYTHON, "-m", "bench.smtp_sink", "--port", str(port), "--record", str(record)],
        env,
    )
    wait_port(port)
    return f"smtp://127.0.0.1:{port}"


def start_gunicorn(procs: Processes, name: str, port: int, env: dict, workers: int = 2) -> str:
    procs.start(
        name,
        [
            PYTHON,
            "-m",
            "gunicorn",
            "config.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--forwarded-allow-ips",
            "*",
        ],
        env,
    )
    url = f"http://127.0.0.1:{port}"

    def healthy():
        with (
            contextlib.suppress(OSError, urllib.error.URLError),
            urllib.request.urlopen(f"{url}/healthz", timeout=2) as response,
        ):
            return response.status == 200
        return False

    if not wait_until(healthy, 60, 0.3):
        raise RuntimeError(f"gunicorn did not answer /healthz:\n{procs.log_text(name)[-3000:]}")
    return url


def start_celery(
    procs: Processes, name: str, env: dict, *args: str, app: str = "config", ready: str
) -> None:
    procs.start(name, [PYTHON, "-m", "celery", "--app", app, *args], env)
    if not wait_until(lambda: ready in procs.log_text(name), 60, 0.2):
        raise RuntimeError(f"{name} did not start:\n{procs.log_text(name)[-3000:]}")


def start_worker(
    procs: Processes,
    name: str,
    env: dict,
    concurrency: int = 2,
    app: str = "config",
    queues: str = "dispatch,jobs",
) -> None:
    """A worker on both lanes (config.settings.CELERY_TASK_ROUTES) unless queues names one."""
    start_celery(
        procs,
        name,
        env,
        "worker",
        "--queues",
        queues,
        "--loglevel",
        "INFO",
        "--concurrency",
        str(concurrency),
        "--without-gossip",
        "--without-mingle",
        "--hostname",
        f"{name}-{os.getpid()}@%h",
        app=app,
        ready="ready.",
    )


def start_beat(procs: Processes, name: str, env: dict, schedule: Path, app: str = "config") -> None:
    start_celery(
        procs,
        name,
        env,
        "beat",
        "--loglevel",
        "INFO",
        "--schedule",
        str(schedule),
        app=app,
        ready="beat: Starting",
    )


# --- What the SMTP sink received ------------------------------------------------------------


def read_sink(record: Path) -> list[dict]:
    """[{"t": arrival (epoch s), "followup": id or None, "to": …}] as bench.smtp_sink wrote."""
    if not record.exists():
        return []
    rows = []
    for line in record.read_text().splitlines():
        with contextlib.suppress(ValueError):
            rows.append(json.loads(line))
    return rows


def tally(record: Path, ids: set[int]) -> dict:
    """Sent, duplicated and lost among ids, counting the emails by X-Seuranta-Followup."""
    from collections import Counter

    counts = Counter(row["followup"] for row in read_sink(record) if row["followup"] in ids)
    return {
        "expected": len(ids),
        "received": sum(counts.values()),
        "distinct": len(counts),
        "duplicated": sum(n - 1 for n in counts.values() if n > 1),
        "lost": len(ids - set(counts)),
    }


# --- Data ------------------------------------------------------------------------------------


def make_due_followups(
    count: int,
    *,
    prefix: str,
    due: datetime.datetime | list[datetime.datetime],
    per_user: int = 100,
) -> list[int]:
    """count feedback follow-ups (one per application, as the constraint wants), per_user to a
    user; due is one time for all or one per row. Their ids."""
    from accounts.models import User
    from applications.models import Application, Status
    from followups.models import Followup, Kind

    dues = due if isinstance(due, list) else [due] * count
    users = User.objects.bulk_create(
        User(
            email=f"{prefix}{n}@bench.example",
            password="!",
            display_name=f"Bench {n}",
            # No quiet hours: a run in the Helsinki evening would otherwise hold every reminder
            # until 08:00 (the dispatcher defers them) and measure nothing.
            quiet_hours_start=datetime.time(0, 0),
            quiet_hours_end=datetime.time(0, 0),
        )
        for n in range((count + per_user - 1) // per_user)
    )
    applications = Application.objects.bulk_create(
        [
            Application(
                owner=users[i // per_user],
                company=f"Firm {i} Oy",
                position="Developer",
                status=Status.OFFER,
            )
            for i in range(count)
        ],
        batch_size=2000,
    )
    followups = Followup.objects.bulk_create(
        [
            Followup(
                owner_id=application.owner_id,
                application=application,
                kind=Kind.FEEDBACK,
                due_at=dues[i],
                next_attempt_at=dues[i],
            )
            for i, application in enumerate(applications)
        ],
        batch_size=2000,
    )
    return [f.pk for f in followups]


def session_cookie(user) -> str:
    """A logged-in session for user, made in the database as a log-in would make it."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


def http_get(url: str, cookie: str, timeout: float = 30) -> tuple[int, bytes]:
    request = urllib.request.Request(url, headers={"Cookie": cookie})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


# --- Figures ---------------------------------------------------------------------------------


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = (len(ordered) - 1) * p / 100
    low = int(k)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (k - low)


def med(values: list[float]) -> float:
    return median(values) if values else float("nan")


def wrk(url: str, cookie: str, seconds: int, connections: int = 4) -> dict:
    """requests/s, the 95th percentile latency (ms) and non-2xx count of one wrk run."""
    out = subprocess.run(
        [
            "wrk",
            "-t",
            "2",
            "-c",
            str(connections),
            "-d",
            f"{seconds}s",
            "--latency",
            "-s",
            str(ROOT / "bench" / "lua" / "p95.lua"),
            "-H",
            f"Cookie: {cookie}",
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    errors = re.search(r"Socket errors: (.*)", out)
    return {
        "rps": rps,
        "p95_ms": int(re.search(r"p95_us: (\d+)", out).group(1)) / 1000,
        "non_2xx": int(bad.group(1)) if bad else 0,
        "socket_errors": errors.group(1) if errors else "",
    }


def ensure_wrk() -> None:
    if shutil.which("wrk"):
        return
    log("wrk is missing: apt-get install -y wrk")
    subprocess.run(["apt-get", "install", "-y", "wrk"], check=True, capture_output=True)


def print_table(results: list[dict]) -> None:
    rows = [("name", "measured", "baseline", "ratio", "goal", "met")]
    for r in results:
        rows.append(
            (
                r["name"],
                r.get("summary", ""),
                str(r.get("baseline_summary", r.get("baseline", ""))),
                "" if r.get("ratio") is None else f"{r['ratio']:.2f}",
                r["goal"],
                "yes" if r["met"] else "NO",
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for n, row in enumerate(rows):
        print("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)))
        if n == 0:
            print("  ".join("-" * w for w in widths))
