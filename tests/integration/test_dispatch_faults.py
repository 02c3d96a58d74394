"""Faults the reminder path survives, with real parts: Redis emptied and restarted, the SMTP server
down and back, Celery beat stopped across due times. Each reminder still arrives exactly once.

These are the fast, deterministic cases of `make faults` (bench/faults.py), which runs the long
ones (minutes of outage, thousands of reminders, SIGKILLed workers) with figures.
"""

import datetime
import itertools
import shutil
import subprocess
import time
from collections import Counter

import pytest
from aiosmtpd.controller import Controller
from django.conf import settings as django_settings
from django.utils import timezone

from followups.dispatch import dispatch_due
from followups.models import Followup, State
from tests.factories import APPLICATION_KINDS, UserFactory, followup_of_kind
from tests.integration.conftest import Inbox, free_port, wait_for
from tests.services import unavailable

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


NO_PERSISTENCE = ("--save", "", "--appendonly", "no")


class PrivateRedis:
    """A redis-server of this test's own on a free port, without persistence: a restart empties
    it, and emptying it touches nobody else's data."""

    def __init__(self, binary: str, log_dir):
        self.binary = binary
        self.port = free_port()
        self.log_path = log_dir / "redis.log"
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        with open(self.log_path, "ab") as log:
            # No persistence: a restarted server comes back empty.
            self.process = subprocess.Popen(
                [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", *NO_PERSISTENCE],
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        wait_for(self.ping, 10, 0.05, "redis-server to answer")

    def client(self):
        import redis

        return redis.Redis.from_url(self.url, socket_timeout=2)

    def ping(self) -> bool:
        import redis

        try:
            return self.client().ping()
        except redis.RedisError:
            return False

    def kill(self) -> None:
        self.process.kill()
        self.process.wait(10)

    def restart(self) -> None:
        """SIGKILL and start again on the same port: what a crashed Redis comes back as."""
        self.kill()
        self.start()


@pytest.fixture
def private_redis(tmp_path):
    binary = shutil.which("redis-server")
    if binary is None:
        unavailable("redis-server is not installed (apt-get install redis-server)")
    server = PrivateRedis(binary, tmp_path)
    server.start()
    yield server
    server.kill()


@pytest.fixture
def redis_broker(private_redis):
    """celery_stack's broker is this module's private Redis, which the tests empty and restart."""
    return private_redis.url


class RestartableSmtpServer:
    """An aiosmtpd server that can be stopped and started again on the same port."""

    def __init__(self):
        self.inbox = Inbox()
        self.port = free_port()
        self.controller: Controller | None = None

    def start(self) -> None:
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        self.controller.stop()
        self.controller = None


@pytest.fixture
def restartable_smtp(settings):
    server = RestartableSmtpServer()
    server.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = server.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 5
    yield server
    if server.controller is not None:
        server.stop()


def due_followups(count: int, due_at: datetime.datetime | None = None) -> list[int]:
    """count follow-ups due at due_at (now by default), each its own user's, without quiet
    hours: these tests run at any hour, and quiet hours have their own frozen-time tests.
    Their kinds take turns, so that every kind about an application goes through each fault."""
    ids = []
    for _ in range(count):
        owner = UserFactory(
            quiet_hours_start=datetime.time(0, 0), quiet_hours_end=datetime.time(0, 0)
        )
        kind = APPLICATION_KINDS[next(_kinds) % len(APPLICATION_KINDS)]
        followup = followup_of_kind(kind, owner=owner, due_at=due_at or timezone.now())
        ids.append(followup.pk)
    return ids


_kinds = itertools.count()


def received(inbox: Inbox) -> Counter:
    """How many emails arrived per follow-up id."""
    return Counter(int(m["X-Seuranta-Followup"]) for m in inbox.snapshot())


def all_arrived(inbox: Inbox, ids: list[int]):
    return lambda: set(ids) <= set(received(inbox))


def dispatch_passes(stack) -> int:
    # The worker logs each task twice, when received and when it succeeded.
    return stack.log("worker").count("dispatch_due_followups")


def between_passes(stack) -> bool:
    """A pass has just ended and no other is running: beat's next trigger is an interval away."""
    log = stack.log("worker")
    ended = log.count("] succeeded in ") + log.count("Discarding revoked task")
    return log.count("] received") == ended and log.rstrip().endswith("}")


def wait_for_two_more_passes(stack) -> None:
    """Two more dispatch passes: a duplicate, if any, would have been sent by then."""
    passes = dispatch_passes(stack)
    wait_for(
        lambda: dispatch_passes(stack) >= passes + 4,
        10 * stack.interval,
        0.2,
        "two more dispatch passes",
    )


@pytest.mark.redis
def test_reminders_arrive_once_though_redis_is_emptied_and_then_restarted_mid_run(
    celery_stack, smtp_server, private_redis
):
    """Redis only carries beat's trigger: emptied under the running worker and beat, then
    killed and started again empty, it loses no reminder and doubles none."""
    celery_stack.start_worker()
    celery_stack.start_beat()
    before = due_followups(3)
    wait_for(all_arrived(smtp_server, before), 20, 0.2, "the reminders due before the fault")

    private_redis.client().flushall()
    assert private_redis.client().dbsize() == 0
    after_flush = due_followups(3)
    wait_for(all_arrived(smtp_server, after_flush), 30, 0.2, "the reminders after FLUSHALL")

    # Between two passes: a worker whose connection drops while a pass is running may exit
    # (kombu fails to put the unacknowledged trigger back; docs/reliability.md, known issues).
    # The deployed unit restarts it and `make faults` measures that case; here the worker must
    # ride out the restart by itself.
    wait_for(lambda: between_passes(celery_stack), 10 * celery_stack.interval, 0.02, "a pass")
    private_redis.restart()
    after_restart = due_followups(3)
    wait_for(all_arrived(smtp_server, after_restart), 30, 0.2, "the reminders after the restart")

    wait_for_two_more_passes(celery_stack)
    counts = received(smtp_server)
    assert counts == Counter(before + after_flush + after_restart)
    assert set(Followup.objects.values_list("state", flat=True)) == {State.NOTIFIED}


@pytest.mark.redis
def test_reminders_due_while_beat_is_stopped_go_out_once_when_it_is_back(celery_stack, smtp_server):
    """With beat down nothing triggers a pass, so reminders falling due meanwhile wait in the
    database; the first passes after beat restarts send each of them once."""
    celery_stack.start_worker()
    celery_stack.start_beat()
    running = due_followups(2)
    wait_for(all_arrived(smtp_server, running), 20, 0.2, "the reminders due while beat runs")

    celery_stack.kill("beat")
    # Due after any trigger beat queued before it died has expired (each expires after one
    # interval), so only a new beat can send them.
    first_due = timezone.now() + datetime.timedelta(seconds=celery_stack.interval + 1)
    last_due = first_due + datetime.timedelta(seconds=1)
    missed = [*due_followups(2, first_due), *due_followups(2, last_due)]
    # A fixed wait, as nothing can be polled for: past every due time and two intervals more,
    # long enough for a pass to have sent them had anything triggered one.
    time.sleep((last_due - timezone.now()).total_seconds() + 2 * celery_stack.interval)
    assert not set(missed) & set(received(smtp_server))
    assert set(Followup.objects.filter(pk__in=missed).values_list("state", flat=True)) == {
        State.SCHEDULED
    }

    celery_stack.start_beat()
    wait_for(all_arrived(smtp_server, missed), 20, 0.2, "the reminders missed while beat was down")
    wait_for_two_more_passes(celery_stack)
    assert received(smtp_server) == Counter(running + missed)
    assert set(Followup.objects.values_list("state", flat=True)) == {State.NOTIFIED}


def test_nothing_is_marked_notified_while_the_smtp_server_is_down_and_all_arrive_once_after(
    restartable_smtp,
):
    """Passes against a stopped SMTP server record the error and back off, using up no attempt
    and marking nothing notified; once it listens again on the same port, the pass after the
    backoff sends each reminder once."""
    ids = due_followups(4)
    restartable_smtp.stop()

    down = dispatch_due()
    retry_at = max(Followup.objects.values_list("next_attempt_at", flat=True))
    still_down = dispatch_due(now=retry_at)

    assert (down.claimed, down.retrying, down.sent) == (4, 4, 0)
    assert (still_down.claimed, still_down.retrying, still_down.sent) == (4, 4, 0)
    for followup in Followup.objects.all():
        assert (followup.state, followup.notified_at, followup.attempts) == (
            State.SCHEDULED,
            None,
            0,
        )
        assert followup.last_error.startswith("ConnectionRefusedError")
        assert followup.next_attempt_at > retry_at

    restartable_smtp.start()
    # Not before the backoff: the server being back is only found out by the next try.
    assert dispatch_due().claimed == 0
    back_at = max(Followup.objects.values_list("next_attempt_at", flat=True))
    back = dispatch_due(now=back_at)
    again = dispatch_due(now=back_at + datetime.timedelta(hours=1))

    assert (back.claimed, back.sent) == (4, 4)
    assert again.claimed == 0
    assert received(restartable_smtp.inbox) == Counter(ids)
    for followup in Followup.objects.all():
        assert (followup.state, followup.notified_at, followup.last_error) == (
            State.NOTIFIED,
            back_at,
            "",
        )
    assert django_settings.EMAIL_BACKEND.endswith("smtp.EmailBackend")
