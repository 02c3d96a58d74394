"""Real parts for integration tests: an SMTP server, Redis, and Celery worker and beat processes."""

import contextlib
import email
import email.policy
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from django.conf import settings
from django.db import connection

from tests.services import require_redis

BASE_DIR = Path(settings.BASE_DIR)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(predicate, timeout: float, interval: float = 0.1, message: str = "condition"):
    """Poll until predicate() is truthy; fail with message after timeout seconds."""
    deadline = time.monotonic() + timeout
    while True:
        result = predicate()
        if result:
            return result
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout:.0f}s waiting for {message}")
        time.sleep(interval)


class Inbox:
    """What an aiosmtpd server received, as parsed messages, with their arrival times."""

    def __init__(self):
        self.messages: list[email.message.EmailMessage] = []
        self.arrivals: list[float] = []
        self.refuse = False
        self._lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.refuse:
            return "451 4.3.0 Try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self._lock:
            self.messages.append(message)
            self.arrivals.append(time.monotonic())
        return "250 Message accepted for delivery"

    def snapshot(self) -> list[email.message.EmailMessage]:
        with self._lock:
            return list(self.messages)


@pytest.fixture
def smtp_server():
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    inbox.url = f"smtp://127.0.0.1:{port}"
    inbox.port = port
    yield inbox
    controller.stop()


@pytest.fixture
def redis_broker():
    import redis

    url = require_redis()
    client = redis.Redis.from_url(url)
    client.flushdb()
    yield url
    client.flushdb()


def database_url() -> str:
    """A URL for the database this test run uses, for child processes."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    user = db.get("USER") or ""
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    auth = f"{user}{password}@" if user else ""
    return f"postgres://{auth}{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{db['NAME']}"


class CeleryStack:
    """A Celery worker and a Celery beat, each its own process, as `make run` starts them."""

    def __init__(self, env: dict, log_dir: Path):
        self.env = env
        self.log_dir = log_dir
        self.processes: dict[str, subprocess.Popen] = {}

    def start(self, name: str, *args: str) -> None:
        log = open(self.log_dir / f"{name}.log", "wb")  # noqa: SIM115 - closed with the process
        self.processes[name] = subprocess.Popen(
            [sys.executable, "-m", "celery", "--app", "config", *args],
            cwd=BASE_DIR,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            # Its own process group, so that kill_group() reaches a worker's pool children too.
            start_new_session=True,
        )

    def log(self, name: str) -> str:
        path = self.log_dir / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def start_worker(
        self, name: str = "worker", queues: str = "dispatch,jobs", concurrency: int = 2
    ) -> None:
        """A worker on both lanes (config.settings.CELERY_TASK_ROUTES) unless queues names one."""
        self.start(
            name,
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
            f"{name}@%h",
        )
        wait_for(lambda: "ready." in self.log(name), 60, 0.2, f"{name} to be ready")

    def start_beat(self, name: str = "beat") -> None:
        self.start(
            name, "beat", "--loglevel", "INFO", "--schedule", str(self.log_dir / f"{name}-schedule")
        )
        wait_for(lambda: "beat: Starting" in self.log(name), 60, 0.2, f"{name} to start")

    def kill(self, name: str) -> None:
        process = self.processes.pop(name)
        process.kill()
        process.wait(10)

    def kill_group(self, name: str) -> None:
        """SIGKILL the process and everything in its group: a worker and its pool processes,
        as a crash or the OOM killer would leave them."""
        process = self.processes.pop(name)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(10)

    def stop_all(self) -> None:
        for process in self.processes.values():
            process.terminate()
        for process in self.processes.values():
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(5)
        self.processes.clear()


@pytest.fixture
def celery_stack(tmp_path, redis_broker, smtp_server, live_server, settings):
    """Start worker and beat with start_worker()/start_beat(); both are stopped afterwards."""
    interval = 2
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DJANGO_SECRET_KEY": settings.SECRET_KEY,
        "DATABASE_URL": database_url(),
        "REDIS_URL": redis_broker,
        "EMAIL_URL": smtp_server.url,
        "SITE_URL": live_server.url,
        "FOLLOWUP_DISPATCH_INTERVAL": str(interval),
        "SEURANTA_VAR_DIR": str(tmp_path),
        "PYTHONUNBUFFERED": "1",
        # The webhook sink and the push stand-in are on 127.0.0.1.
        "CHANNELS_ALLOW_PRIVATE": "1",
    }
    stack = CeleryStack(env, tmp_path)
    stack.interval = interval
    yield stack
    stack.stop_all()
