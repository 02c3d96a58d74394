"""import-kill: the Celery worker, parent and pool, SIGKILLed while it imports people's files.

Real beat, worker and Redis. PEOPLE people each queue an import job, the JSON export of
APPLICATIONS applications; the worker (two pool processes) is SIGKILLed with its process group
as soon as one import has begun (its progress appears in Redis), and a new one is started. The
jobs it held stay "running" under a lease of IMPORT_JOB_TIME_LIMIT + 15 s (20 + 15 s here, set
in the worker's environment so that the scenario ends within a minute); beat's periodic
exports.tasks.resume_import_jobs queues them again once it runs out, and the next worker takes
them over (or marks them failed, with a message, once their tries are spent).

Each job ends as one of: imported (once: the person has exactly the file's applications),
failed with a message (and nothing imported), duplicated (more rows than the file), stuck
(still running after the lease and a pass more), or lost (anything else: still queued, done
with rows missing, failed without a word). Property: lost 0, duplicated 0, stuck 0.
"""

from __future__ import annotations

import json
import time
from collections import Counter

from bench import common
from bench.faults.context import INTERVAL

NAME = "import-kill"
PEOPLE = 6
APPLICATIONS = 400
# The worker's limit on one import; the job's lease is this plus exports.models.LEASE_MARGIN.
TIME_LIMIT = 20
PROPERTY = "worker SIGKILLed mid-import: per job imported once or failed with a message; " + (
    "lost 0, duplicated 0, stuck 0"
)


def export_file(n: int) -> bytes:
    """A JSON export (exports.json_export's schema) of APPLICATIONS applications."""
    data = {
        "schema": "seuranta-export",
        "version": 1,
        "applications": [
            {"company": f"Firm {n}-{i} Oy", "position": "Developer"} for i in range(APPLICATIONS)
        ],
    }
    return json.dumps(data).encode()


def outcome(job, count: int) -> str:
    if job.state == "done" and count == APPLICATIONS:
        return "imported"
    if count > APPLICATIONS:
        return "duplicated"
    if job.state == "failed" and job.problems and count == 0:
        return "failed_with_message"
    if job.state == "running":
        return "stuck"
    return "lost"


def run(faults) -> dict:
    import redis

    from accounts.models import User
    from applications.models import Application
    from config.celery_app import app
    from exports.models import LEASE_MARGIN, ImportJob
    from exports.tasks import run_import_job

    stack = faults.stack(NAME)
    stack.env["IMPORT_JOB_TIME_LIMIT"] = str(TIME_LIMIT)
    # The workers' lease (exports.models.import_job_lease), with the time limit they are given.
    lease = TIME_LIMIT + LEASE_MARGIN.total_seconds()
    people = User.objects.bulk_create(
        User(email=f"fault-import-{n}@bench.example", password="!", display_name=f"Import {n}")
        for n in range(PEOPLE)
    )
    # The rows as exports.services.import_job_create makes them; its on_commit message would go
    # to this process's broker, not the stack's, so the message is sent below instead.
    jobs = [
        ImportJob.objects.create(
            owner=person,
            kind="json",
            payload=export_file(n),
            filename=f"export-{n}.json",
            options={"language": "en"},
        )
        for n, person in enumerate(people)
    ]
    worker = stack.start_worker(concurrency=2)
    stack.start_beat()
    common.log(
        f"{NAME}: {PEOPLE} jobs of {APPLICATIONS} applications, import time limit {TIME_LIMIT} s "
        f"(lease {lease:.0f} s)"
    )
    started = time.monotonic()
    with app.connection_for_write(stack.redis_url) as connection:
        for job in jobs:
            run_import_job.apply_async(args=[job.pk], connection=connection)

    # The worker reports its progress to Redis (exports.progress) once it has claimed a job and
    # begun the import: then it is killed, as the OOM killer would.
    progress = redis.Redis.from_url(stack.redis_url)
    if not common.wait_until(lambda: progress.keys("*import-progress:*"), 60, 0.02):
        raise RuntimeError(f"{NAME}: no import began within 60 s")
    faults.procs.kill(worker)
    killed_at = time.monotonic()
    states = Counter(
        ImportJob.objects.filter(pk__in=[j.pk for j in jobs]).values_list("state", flat=True)
    )
    imported_before = Application.objects.filter(owner__in=people).count()
    common.log(f"{NAME}: SIGKILL with jobs {dict(states)}; {imported_before} applications in")
    stack.start_worker(concurrency=2)

    def over() -> bool:
        return not ImportJob.objects.filter(
            pk__in=[j.pk for j in jobs], state__in=("queued", "running")
        ).exists()

    # The lease, then a pass of the periodic task and the import itself.
    common.wait_until(over, lease + 4 * INTERVAL + 30, 0.5)
    finished = time.monotonic()
    time.sleep(2 * INTERVAL)
    stack.stop()

    per_job = []
    for job in ImportJob.objects.filter(pk__in=[j.pk for j in jobs]).order_by("pk"):
        count = Application.objects.filter(owner_id=job.owner_id).count()
        per_job.append(
            {
                "job": job.pk,
                "state": job.state,
                "attempts": job.attempts,
                "applications": count,
                "problems": job.problems,
                "outcome": outcome(job, count),
            }
        )
    outcomes = Counter(j["outcome"] for j in per_job)
    figures = {
        "jobs": PEOPLE,
        "applications_per_file": APPLICATIONS,
        "states_at_kill": dict(states),
        "imported_before_kill": imported_before,
        "imported": outcomes["imported"],
        "failed_with_message": outcomes["failed_with_message"],
        "lost": outcomes["lost"],
        "duplicated": outcomes["duplicated"],
        "stuck": outcomes["stuck"],
        "taken_over": sum(1 for j in per_job if j["attempts"] > 1),
        "seconds_kill_to_last": round(finished - killed_at, 1),
        "seconds_total": round(finished - started, 1),
        "lease_s": lease,
        "per_job": per_job,
    }
    mid_import = states["running"] > 0 and imported_before < PEOPLE * APPLICATIONS
    met = (
        figures["lost"] == 0
        and figures["duplicated"] == 0
        and figures["stuck"] == 0
        and figures["imported"] + figures["failed_with_message"] == PEOPLE
        and mid_import
    )
    return {
        "name": NAME,
        "property": PROPERTY,
        "figures": figures,
        "met": met,
        "summary": f"{PEOPLE} jobs: imported {figures['imported']}, failed with a message "
        f"{figures['failed_with_message']}, lost {figures['lost']}, duplicated "
        f"{figures['duplicated']}, stuck {figures['stuck']}; {states['running']} running at the "
        f"kill, {figures['taken_over']} taken over",
    }
