"""On the SQLite default one user's write never stalls another user's page.

SQLite has one write lock per database file. A request that only reads takes no transaction, so
it never queues for that lock; a second writer waits for the first (the busy timeout) and then
succeeds. These run against the test database file with real threads, each with its own
connection, as gunicorn's workers and the Celery worker have.
"""

import threading
from collections.abc import Callable

import pytest
from django.db import connections, transaction
from django.test import Client
from django.urls import reverse

from accounts.models import User
from tests.factories import UserFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    # SQLite's single write lock; PostgreSQL readers never wait for writers (MVCC).
    pytest.mark.sqlite,
]

# Far below the busy timeout (20 s): an answer this fast did not wait for the lock.
AT_ONCE = 2.0


class Writer(threading.Thread):
    """Opens a write transaction, writes a row, and keeps the transaction (and SQLite's write
    lock) until told to let go."""

    def __init__(self, email: str, hold: bool):
        super().__init__(daemon=True)
        self.email = email
        self.hold = hold
        self.wrote = threading.Event()
        self.release = threading.Event()
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            with transaction.atomic():
                UserFactory(email=self.email)
                self.wrote.set()
                if self.hold:
                    self.release.wait(30)
        except BaseException as exc:
            self.error = exc
        finally:
            connections.close_all()


def answered_at_once(call: Callable[[], object]) -> object:
    """call() in a thread of its own (its own connection); fails if it did not answer at once."""
    outcome: dict[str, object] = {}

    def run() -> None:
        try:
            outcome["value"] = call()
        except BaseException as exc:
            outcome["error"] = exc
        finally:
            connections.close_all()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(AT_ONCE)
    assert not thread.is_alive(), f"no answer within {AT_ONCE} s: it waited for the write lock"
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


@pytest.fixture
def held_write():
    """A write transaction held open in another thread for as long as the test runs."""
    writer = Writer("slow-writer@example.com", hold=True)
    writer.start()
    assert writer.wrote.wait(10), writer.error
    yield writer
    writer.release.set()
    writer.join(30)
    assert writer.error is None


def test_reads_answer_at_once_while_another_connection_holds_a_write(held_write):
    assert answered_at_once(lambda: User.objects.count()) == 0
    # The held write is not visible until it commits.
    assert answered_at_once(lambda: User.objects.filter(email=held_write.email).exists()) is False


def test_the_log_in_page_answers_at_once_while_a_write_is_held(held_write):
    response = answered_at_once(lambda: Client().get(reverse("login")))
    assert response.status_code == 200


def test_the_dashboard_answers_at_once_while_another_user_writes():
    alice = UserFactory(email="alice@example.com")
    client = Client()
    client.force_login(alice)
    writer = Writer("bob@example.com", hold=True)
    writer.start()
    try:
        assert writer.wrote.wait(10), writer.error
        response = answered_at_once(lambda: client.get(reverse("applications:dashboard")))
        assert response.status_code == 200
    finally:
        writer.release.set()
        writer.join(30)
    assert writer.error is None


def test_a_second_write_waits_for_the_first_and_then_succeeds(held_write):
    second = Writer("second-writer@example.com", hold=False)
    second.start()
    # It queues behind the held lock (the busy timeout) instead of failing...
    assert not second.wrote.wait(1.0)
    assert second.error is None
    held_write.release.set()
    # ...and goes through as soon as the first commits.
    second.join(10)
    assert not second.is_alive()
    assert second.error is None
    held_write.join(10)
    assert set(User.objects.values_list("email", flat=True)) == {
        "slow-writer@example.com",
        "second-writer@example.com",
    }
