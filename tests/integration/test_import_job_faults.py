"""A worker killed mid-import: the job is taken over by the next worker and imported once.

Real processes: a Celery worker SIGKILLed (with its pool) while it imports, a beat whose
periodic pass (exports.tasks.resume_import_jobs) finds the job's lease run out, a second worker.
"""

import json

import pytest
import redis

from applications.models import Application
from exports.models import ImportJob
from exports.tasks import run_import_job
from tests.factories import UserFactory
from tests.integration.conftest import wait_for

pytestmark = [pytest.mark.integration, pytest.mark.redis, pytest.mark.django_db(transaction=True)]

# Applications in the file: enough that the import is still under way when the worker is killed,
# few enough that the second run ends within the time limit below.
APPLICATIONS = 3000
# The worker's limit on one import; the job's lease is this plus exports.models.LEASE_MARGIN.
TIME_LIMIT = 20


def test_a_worker_killed_mid_import_leaves_the_job_to_the_next_one_which_imports_it_once(
    celery_stack, redis_broker
):
    from config.celery_app import app

    celery_stack.env["IMPORT_JOB_TIME_LIMIT"] = str(TIME_LIMIT)
    bob = UserFactory(email="bob@example.com")
    data = {
        "schema": "seuranta-export",
        "version": 1,
        "applications": [
            {"company": f"Company {n}", "position": "Developer"} for n in range(APPLICATIONS)
        ],
    }
    job = ImportJob.objects.create(
        owner=bob, kind="json", payload=json.dumps(data).encode(), filename="big.json"
    )
    celery_stack.start_worker("first")
    celery_stack.start_beat()
    with app.connection_for_write(redis_broker) as connection:
        run_import_job.apply_async(args=[job.pk], connection=connection)

    # The worker reports its progress to Redis (exports.progress) once it has claimed the job
    # and begun the import: then it is killed, as the OOM killer would.
    progress = redis.Redis.from_url(redis_broker)
    wait_for(
        lambda: progress.keys(f"*import-progress:{job.pk}"),
        60,
        0.05,
        "the first worker to begin the import",
    )
    celery_stack.kill_group("first")
    job.refresh_from_db()
    assert (job.state, job.attempts) == ("running", 1), "the import ended before the kill"
    assert not Application.objects.filter(owner=bob).exists()

    celery_stack.start_worker("second")

    def over():
        job.refresh_from_db()
        return job.state in ("done", "failed")

    wait_for(over, TIME_LIMIT + 90, 0.5, "the job to be taken over and finished")
    logs = celery_stack.log("second")[-3000:] + celery_stack.log("beat")[-2000:]
    assert (job.state, job.problems, job.attempts) == ("done", [], 2), logs
    assert job.imported_applications == APPLICATIONS
    assert Application.objects.filter(owner=bob).count() == APPLICATIONS
