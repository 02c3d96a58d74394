"""Import jobs: created by the upload views, run by the Celery worker (exports.tasks).

A job is all or nothing: the import runs in one transaction, and a refused or failed job leaves
only its own row (with the problems) behind. The job row itself is written outside that
transaction, so the web process sees it waiting, running, then done or failed.
"""

from __future__ import annotations

import functools
import logging

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from exports import csv_import, json_import
from exports.models import CalendarFeed, ImportJob, ImportKind, ImportState, new_feed_token
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


def _run_json(job: ImportJob, report) -> dict:
    upload = json_import.parse_upload(bytes(job.payload))
    result = json_import.import_account(
        user=job.owner,
        data=upload.data,
        take_preferences=bool(job.options.get("take_preferences")),
        report=report,
        archive=upload.archive,
    )
    return {"created": result.created, "existing": result.existing, "skipped": result.skipped}


def _run_csv(job: ImportJob, report) -> dict:
    upload = csv_import.Upload(
        name=job.filename,
        text=bytes(job.payload).decode("utf-8"),
        encoding=job.options.get("encoding", "utf-8"),
        delimiter=job.options["delimiter"],
    )
    headers, rows = upload.table()
    created = csv_import.import_rows(
        user=job.owner,
        headers=headers,
        rows=rows,
        mapping=job.options["mapping"],
        report=report,
        date_order=job.options.get("date_order") or csv_import.DAY_FIRST,
    )
    return {"created": {"applications": created}, "existing": {}}


RUNNERS = {ImportKind.JSON: _run_json, ImportKind.CSV: _run_csv}


def import_job_run(*, job_id: int) -> None:
    """Run a queued job once: a second delivery of its message finds it taken and does nothing."""
    claimed = ImportJob.objects.filter(pk=job_id, state=ImportState.QUEUED).update(
        state=ImportState.RUNNING, started_at=timezone.now()
    )
    if claimed != 1:
        return
    job = ImportJob.objects.select_related("owner").get(pk=job_id)
    report = functools.partial(_report, job)
    result: dict = {}
    problems: list[Problem] = []
    with translation.override(job.options.get("language") or job.owner.message_language):
        try:
            result = RUNNERS[job.kind](job, report)
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
    ImportJob.objects.filter(pk=job.pk).update(
        state=ImportState.FAILED if problems else ImportState.DONE,
        problems=[[p.row, p.column, p.message] for p in problems],
        result=result,
        done=job.done if problems else job.total,
        total=job.total,
        finished_at=timezone.now(),
        payload=b"",  # the file has served its purpose; the outcome stays
    )
    progress_clear(job.pk)


def _report(job: ImportJob, phase: str, done: int, total: int) -> None:
    job.done, job.total = done, total
    progress_set(job.pk, phase=phase, done=done, total=total)
