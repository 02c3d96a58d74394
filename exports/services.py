"""Import jobs: created by the upload views, run by the Celery worker (exports.tasks).

A job is all or nothing: the import runs in one transaction, and a refused or failed job leaves
only its own row (with the problems) behind. The job row itself is written outside that
transaction, so the web process sees it waiting, running, then done or failed.
"""

from __future__ import annotations

import datetime
import functools
import logging

from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core import leases
from exports import csv_import, json_import
from exports.models import (
    IMPORT_JOB_TRIES,
    CalendarFeed,
    ImportJob,
    ImportKind,
    ImportState,
    import_job_lease,
    new_feed_token,
    running_past_lease,
)
from exports.problems import ImportRefused, Problem
from exports.progress import progress_clear, progress_set

log = logging.getLogger(__name__)


def import_job_create(
    *, owner, kind: str, payload: bytes, filename: str, options: dict
) -> ImportJob:
    """A queued job; the worker is asked to run it once the job is committed."""
    job = ImportJob.objects.create(
        owner=owner,
        kind=kind,
        payload=payload,
        filename=filename[:255],
        options={"language": translation.get_language(), **options},
    )
    from exports.tasks import run_import_job

    # robust: a broker that cannot be reached leaves the job waiting (the page says so) instead
    # of turning the upload into an error page after the job was saved.
    transaction.on_commit(functools.partial(run_import_job.delay, job.pk), robust=True)
    return job


@transaction.atomic
def calendar_feed_renew(*, owner) -> tuple[CalendarFeed, bool]:
    """The person's calendar feed under a new secret address; (feed, created).

    A feed made earlier gets a new token, and the old address stops working at once.
    """
    feed, created = CalendarFeed.objects.select_for_update().get_or_create(owner=owner)
    if not created:
        feed.token = new_feed_token()
        feed.last_fetched_at = None
        feed.save(update_fields=["token", "last_fetched_at"])
    return feed, created


def calendar_feed_revoke(*, owner) -> bool:
    """Turn the person's calendar feed off; whether there was one."""
    deleted, _rows = CalendarFeed.objects.filter(owner=owner).delete()
    return bool(deleted)


def calendar_feed_fetched(*, feed: CalendarFeed) -> None:
    """A calendar app read the feed (shown on the feed's page as its last fetch)."""
    CalendarFeed.objects.filter(pk=feed.pk).update(last_fetched_at=timezone.now())


def _run_json(job: ImportJob, report, record) -> None:
    upload = json_import.parse_upload(bytes(job.payload))

    def written(result: json_import.ImportResult) -> None:
        record({"created": result.created, "existing": result.existing, "skipped": result.skipped})

    json_import.import_account(
        user=job.owner,
        data=upload.data,
        take_preferences=bool(job.options.get("take_preferences")),
        report=report,
        archive=upload.archive,
        before_commit=written,
    )


def _run_csv(job: ImportJob, report, record) -> None:
    upload = csv_import.Upload(
        name=job.filename,
        text=bytes(job.payload).decode("utf-8"),
        encoding=job.options.get("encoding", "utf-8"),
        delimiter=job.options["delimiter"],
    )
    headers, rows = upload.table()
    csv_import.import_rows(
        user=job.owner,
        headers=headers,
        rows=rows,
        mapping=job.options["mapping"],
        report=report,
        date_order=job.options.get("date_order") or csv_import.DAY_FIRST,
        before_commit=lambda created: record(
            {"created": {"applications": created}, "existing": {}}
        ),
    )


# Each runs a job's import in one transaction and calls `record(result)` last inside it.
RUNNERS = {ImportKind.JSON: _run_json, ImportKind.CSV: _run_csv}


class LeaseLost(Exception):
    """The job is no longer this worker's: its lease ran out and another run took it over."""


def _claimable(now: datetime.datetime):
    """Jobs a run may take: waiting, or left "running" by a dead worker, with tries left."""
    return ImportJob.objects.filter(
        Q(state=ImportState.QUEUED) | running_past_lease(now), attempts__lt=IMPORT_JOB_TRIES
    )


def _running():
    return ImportJob.objects.filter(state=ImportState.RUNNING)


def _language(job: ImportJob) -> str:
    return job.options.get("language") or job.owner.message_language


def import_job_run(*, job_id: int) -> None:
    """Run a job once, under a lease (core.leases).

    A second delivery of its message finds it taken and does nothing; a job whose worker died
    under it (its lease ran out) is taken over, while it has tries left.
    """
    now = timezone.now()
    claimed = leases.claim(
        _claimable(now).filter(pk=job_id),
        now=now,
        batch_size=1,
        lease=import_job_lease(),
        state=ImportState.RUNNING,
        started_at=now,
    )
    if not claimed:
        return
    [(_pk, token)] = claimed
    job = ImportJob.objects.select_related("owner").get(pk=job_id)
    report = functools.partial(_report, job)

    def record_done(result: dict) -> None:
        # In the import's own transaction: the rows and "done" commit together. Recorded after
        # the commit instead, a worker killed in between would leave an imported job "running"
        # for the next run to import again; and a job another run took over meanwhile (guarded
        # by the token) rolls this import back rather than import it twice.
        recorded = leases.finish(
            _running(),
            job.pk,
            token,
            state=ImportState.DONE,
            result=result,
            done=job.total,
            total=job.total,
            finished_at=timezone.now(),
            payload=b"",  # the file has served its purpose; the outcome stays
        )
        if not recorded:
            raise LeaseLost

    problems: list[Problem] = []
    with translation.override(_language(job)):
        try:
            RUNNERS[job.kind](job, report, record_done)
        except LeaseLost:
            log.warning("Import job %s was taken over by another run; rolled back", job.pk)
            return
        except ImportRefused as refused:
            problems = refused.problems
        except Exception:
            # Never a job that stays "running": the person sees it failed, nothing imported.
            log.exception("Import job %s failed", job.pk)
            problems = [
                Problem(
                    "", "", _("The import stopped on an unexpected error; nothing was imported.")
                )
            ]
    if problems:
        leases.finish(
            _running(),
            job.pk,
            token,
            state=ImportState.FAILED,
            problems=[[p.row, p.column, p.message] for p in problems],
            done=job.done,
            total=job.total,
            finished_at=timezone.now(),
            payload=b"",
        )
    progress_clear(job.pk)


def import_jobs_resume(*, now: datetime.datetime) -> list[int]:
    """The periodic pass over jobs whose worker died mid-import (their lease ran out), or
    before it began one.

    Those with tries left: their ids, for the caller to queue again (their next run takes them
    over), each once per lease while no worker takes it. The others: failed, with a message the
    person reads on the job's page. Their import's transaction wrote nothing, so either way
    nothing was imported twice or in part.

    A job still waiting a lease after it was queued is queued again too: a worker killed with
    its message reserved (prefetched, not yet started) takes the message with it until the
    broker's visibility timeout (an hour on Redis), and the job would wait "queued" that long.
    A second message costs nothing: whichever run comes second finds the job taken.
    """
    past_lease = ImportJob.objects.filter(running_past_lease(now))
    spent = past_lease.filter(attempts__gte=IMPORT_JOB_TRIES).select_related("owner")
    for job in spent.defer("payload"):
        with translation.override(_language(job)):
            message = _("The import was interrupted; nothing was imported. Please try again.")
        # Compare-and-set on the claim that ran out, as core.leases.finish does.
        ImportJob.objects.filter(
            running_past_lease(now), pk=job.pk, claim_token=job.claim_token
        ).update(
            state=ImportState.FAILED,
            problems=[["", "", message]],
            finished_at=now,
            payload=b"",
            claimed_until=None,
            claim_token=None,
            updated_at=now,
        )
        progress_clear(job.pk)
    queued = []
    due = past_lease.filter(attempts__lt=IMPORT_JOB_TRIES, next_attempt_at__lte=now)
    for pk in due.values_list("pk", flat=True):
        # Moved on by a lease, so that a pass queues it again only if no worker has taken it
        # meanwhile (none running, say), and two passes at once queue it once.
        moved = ImportJob.objects.filter(
            running_past_lease(now), pk=pk, next_attempt_at__lte=now
        ).update(next_attempt_at=now + import_job_lease(), updated_at=now)
        if moved:
            queued.append(pk)
    waited = now - import_job_lease()
    forgotten = ImportJob.objects.filter(state=ImportState.QUEUED, next_attempt_at__lte=waited)
    for pk in forgotten.values_list("pk", flat=True):
        # Moved on, as above: queued again once per lease, by one of two passes at once.
        moved = ImportJob.objects.filter(
            pk=pk, state=ImportState.QUEUED, next_attempt_at__lte=waited
        ).update(next_attempt_at=now, updated_at=now)
        if moved:
            queued.append(pk)
    return queued


def _report(job: ImportJob, phase: str, done: int, total: int) -> None:
    job.done, job.total = done, total
    progress_set(job.pk, phase=phase, done=done, total=total)
