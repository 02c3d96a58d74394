"""Celery tasks: thin interfaces over notifications.send_tests.

The channels' reminders are sent by the dispatch pass (followups.tasks), not from here.
"""

from celery import shared_task

from notifications.send_tests import channel_test_run, email_test_run


@shared_task
def send_email_test(token: str) -> None:
    email_test_run(token=token)


@shared_task
def send_channel_test(token: str) -> None:
    channel_test_run(token=token)
