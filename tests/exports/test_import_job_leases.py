"""Import jobs under a lease (core.leases): a worker killed mid-import never leaves a job running.

The worker's death is left as it leaves it: the job "running" under a claim nobody will finish,
and nothing imported (the import's transaction never committed).
"""

import datetime
import json
import threading
import uuid

import pytest
import time_machine
from django.db import connection
from django.urls import reverse

from applications.models import Application
from exports import services
from exports.models import ImportJob, import_job_lease
from tests.factories import UserFactory

T0 = datetime.datetime(2025, 3, 3, 9, 0, tzinfo=datetime.UTC)
ONE_APPLICATION = {
    "schema": "seuranta-export",
    "version": 1,
    "applications": [{"company": "Kone", "position": "Dev"}],
}
INTERRUPTED = "The import was interrupted; nothing was imported. Please try again."


def left_by_a_killed_worker(owner, *, attempts=1, language="en") -> ImportJob:
    """A job as a worker killed mid-import leaves it: claimed, running, nothing imported."""
    return ImportJob.objects.create(
        owner=owner,
        kind="json",
        payload=json.dumps(ONE_APPLICATION).encode(),
        options={"language": language},
        state="running",
        started_at=T0,
        next_attempt_at=T0,
        claimed_until=T0 + import_job_lease(),
        claim_token=uuid.uuid4(),
        attempts=attempts,
    )


def test_a_job_is_left_alone_while_its_lease_lasts(bob):
    job = left_by_a_killed_worker(bob)
    with time_machine.travel(T0 + import_job_lease() - datetime.timedelta(seconds=1), tick=False):
        assert services.import_jobs_resume(now=datetime.datetime.now(datetime.UTC)) == []
        services.import_job_run(job_id=job.pk)  # a late second delivery of its message
    job.refresh_from_db()
    assert (job.state, job.attempts) == ("running", 1)
    assert not Application.objects.filter(owner=bob).exists()


def test_a_job_whose_lease_ran_out_is_taken_over_once_and_imports_once(bob):
    job = left_by_a_killed_worker(bob)
    later = T0 + import_job_lease() + datetime.timedelta(minutes=1)
    with time_machine.travel(later, tick=False):
        assert services.import_jobs_resume(now=later) == [job.pk]
        # Queued once per lease: the next pass leaves it to the run already queued.
        assert services.import_jobs_resume(now=later) == []
        services.import_job_run(job_id=job.pk)
        services.import_job_run(job_id=job.pk)  # the message twice: still once
    job.refresh_from_db()
    assert (job.state, job.problems, job.attempts) == ("done", [], 2)
    assert (job.claimed_until, job.claim_token) == (None, None)
    assert job.imported_applications == 1
    assert Application.objects.filter(owner=bob).count() == 1


def queued_at(owner, when: datetime.datetime) -> ImportJob:
    return ImportJob.objects.create(
        owner=owner,
        kind="json",
        payload=json.dumps(ONE_APPLICATION).encode(),
        options={"language": "en"},
        next_attempt_at=when,
    )


def test_a_job_still_waiting_a_lease_after_it_was_queued_is_queued_again_once_per_lease(bob):
    """A worker killed with the job's message reserved took the message with it: the job would
    wait "queued" until the broker's visibility timeout."""
    job = queued_at(bob, T0)
    assert services.import_jobs_resume(now=T0 + import_job_lease()) == [job.pk]
    later = T0 + import_job_lease() + datetime.timedelta(seconds=1)
    assert services.import_jobs_resume(now=later) == []
    assert services.import_jobs_resume(now=T0 + 2 * import_job_lease()) == [job.pk]
    job.refresh_from_db()
    assert (job.state, job.attempts) == ("queued", 0)


def test_a_job_queued_less_than_a_lease_ago_is_left_to_its_message(bob):
    queued_at(bob, T0)
    before = T0 + import_job_lease() - datetime.timedelta(seconds=1)
    assert services.import_jobs_resume(now=before) == []


def test_a_job_queued_again_imports_once_though_both_messages_come(bob):
    job = queued_at(bob, T0)
    later = T0 + import_job_lease() + datetime.timedelta(minutes=1)
    with time_machine.travel(later, tick=False):
        assert services.import_jobs_resume(now=later) == [job.pk]
        services.import_job_run(job_id=job.pk)  # the message queued again
        services.import_job_run(job_id=job.pk)  # the first one, back from the broker
    job.refresh_from_db()
    assert (job.state, job.attempts) == ("done", 1)
    assert Application.objects.filter(owner=bob).count() == 1


def test_a_job_with_a_try_left_shows_as_waiting_until_it_is_taken_over(bob_client, bob):
    job = left_by_a_killed_worker(bob)
    with time_machine.travel(T0 + import_job_lease() + datetime.timedelta(minutes=1), tick=False):
        status = bob_client.get(reverse("exports:import_job_status", args=[job.pk])).json()
    assert status["finished"] is False
    assert "Waiting for the background worker" in status["text"]


def test_a_job_that_ran_out_of_tries_is_failed_with_a_message_its_page_shows(bob_client, bob):
    job = left_by_a_killed_worker(bob, attempts=2)
    later = T0 + import_job_lease() + datetime.timedelta(minutes=1)
    with time_machine.travel(later, tick=False):
        assert services.import_jobs_resume(now=later) == []
        services.import_job_run(job_id=job.pk)  # no try left: not run again
    job.refresh_from_db()
    assert (job.state, job.problems) == ("failed", [["", "", INTERRUPTED]])
    assert (job.finished_at, bytes(job.payload), job.claim_token) == (later, b"", None)
    assert not Application.objects.filter(owner=bob).exists()
    page = bob_client.get(job.get_absolute_url()).content.decode()
    assert INTERRUPTED in page
    assert bob_client.get(reverse("exports:import_job_status", args=[job.pk])).json()["finished"]


def test_the_interrupted_message_is_in_the_language_of_the_page_that_queued_the_job(bob):
    job = left_by_a_killed_worker(bob, attempts=2, language="fi")
    later = T0 + import_job_lease() + datetime.timedelta(minutes=1)
    services.import_jobs_resume(now=later)
    job.refresh_from_db()
    assert job.problems == [["", "", "Tuonti keskeytyi; mitään ei tuotu. Yritä uudelleen."]]


def test_a_run_whose_job_was_taken_over_meanwhile_rolls_its_import_back(bob, monkeypatch):
    """Its lease ran out while it imported and another run took the job: the other's import
    counts, this one's is undone (its record, guarded by its token, finds the job not its own)."""
    job = ImportJob.objects.create(
        owner=bob, kind="json", payload=json.dumps(ONE_APPLICATION).encode()
    )
    other_token = uuid.uuid4()
    real_runner = services.RUNNERS["json"]

    def overtaken(job, report, record):
        ImportJob.objects.filter(pk=job.pk).update(claim_token=other_token)
        real_runner(job, report, record)

    monkeypatch.setitem(services.RUNNERS, "json", overtaken)
    services.import_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert (job.state, job.claim_token) == ("running", other_token)
    assert not Application.objects.filter(owner=bob).exists()


@pytest.mark.django_db(transaction=True)
def test_of_two_workers_claiming_the_same_job_one_wins():
    bob = UserFactory(email="bob@example.com")
    job = ImportJob.objects.create(
        owner=bob, kind="json", payload=json.dumps(ONE_APPLICATION).encode()
    )
    start = threading.Barrier(2)
    errors = []

    def worker():
        try:
            start.wait(5)
            services.import_job_run(job_id=job.pk)
        except Exception as exc:  # reported below, not lost in the thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert errors == []
    job.refresh_from_db()
    assert (job.state, job.attempts) == ("done", 1)
    assert Application.objects.filter(owner=bob).count() == 1
