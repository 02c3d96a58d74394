"""Import jobs run in the test's own process, as soon as the request that queued them commits."""

import contextlib

from django.test import TestCase


@contextlib.contextmanager
def run_jobs():
    """Around a request that queues an import job: the job runs when the request commits.

    The Celery task runs eagerly (in this process) and its errors reach the test.
    """
    from config.celery_app import app

    before = (app.conf.task_always_eager, app.conf.task_eager_propagates)
    app.conf.task_always_eager = app.conf.task_eager_propagates = True
    try:
        with TestCase.captureOnCommitCallbacks(execute=True):
            yield
    finally:
        app.conf.task_always_eager, app.conf.task_eager_propagates = before
