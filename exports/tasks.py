"""Celery tasks: thin interfaces over exports.services."""

from celery import shared_task

from exports.services import import_job_run


@shared_task
def run_import_job(job_id: int) -> None:
    import_job_run(job_id=job_id)
