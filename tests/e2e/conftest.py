import threading

import pytest
from django.db import connection

# The stand-in push service and the browser's keys of tests/webpush, for test_web_push.py.
from tests.webpush.standin import browser_keys, push_service, vapid_settings

__all__ = ["browser_keys", "push_service", "vapid_settings"]


@pytest.fixture
def send_test_worker(monkeypatch):
    """The Celery worker of the Send test buttons, as a thread of this process: a queued test
    runs (the task itself, through Celery's apply) after the request that queued it has
    answered, while the browser waits on its page. The live server's database and cache are
    this process's, so the worker's are too."""
    from notifications.tasks import send_channel_test, send_email_test
    from webpush.tasks import send_browser_test

    threads = []

    def queue(task):
        def run(token: str) -> None:
            try:
                task.apply(args=[token], throw=True)
            finally:
                connection.close()

        def delay(token: str) -> None:
            thread = threading.Thread(target=run, args=[token], daemon=True)
            threads.append(thread)
            thread.start()

        return delay

    for task in (send_channel_test, send_email_test, send_browser_test):
        monkeypatch.setattr(task, "delay", queue(task))
    yield threads
    for thread in threads:
        thread.join(15)
