"""Celery tasks: thin interfaces over exports.services."""

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from exports.services import import_job_run, import_jobs_resume


# The worker kills an import past IMPORT_JOB_TIME_LIMIT (the job's lease outlasts it a little);
# the soft limit first stops it as an error the person reads, as CELERY_TASK_SOFT_TIME_LIMIT does.
@shared_task(
    time_limit=settings.IMPORT_JOB_TIME_LIMIT,
    soft_time_limit=settings.IMPORT_JOB_TIME_LIMIT * 4 // 5,
)
def run_import_job(job_id: int) -> None:
    import_job_run(job_id=job_id)


@shared_task(name="exports.tasks.resume_import_jobs")
def resume_import_jobs() -> int:
    """Queue again the jobs whose worker died mid-import; fail those with no tries left."""
    queued = import_jobs_resume(now=timezone.now())
    for job_id in queued:
        run_import_job.delay(job_id)
    return len(queued)
