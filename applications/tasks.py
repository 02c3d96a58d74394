"""Celery tasks: thin interfaces over the work they start."""

from celery import shared_task

from applications.postings.captures import capture_fetch


@shared_task
def fetch_posting(token: str) -> None:
    capture_fetch(token=token)
