"""Celery tasks: thin interfaces over webpush.send_tests.

Reminders reach browsers through the channels' dispatch pass (notifications.targets).
"""

from celery import shared_task

from webpush.send_tests import browser_test_run


@shared_task
def send_browser_test(token: str) -> None:
    browser_test_run(token=token)
