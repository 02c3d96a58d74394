"""The two lanes of work (issue 26): every periodic pass on the "dispatch" queue, every task a
person can start on "jobs", each named in CELERY_TASK_ROUTES, so that a new task cannot land
beside the reminders (or on a queue no worker reads) without this failing."""

from django.conf import settings

from config.celery_app import app

LANES = {"dispatch", "jobs"}


def project_tasks() -> set[str]:
    app.loader.import_default_modules()
    return {name for name in app.tasks if not name.startswith("celery.")}


def queue_of(name: str) -> str:
    return app.amqp.router.route({}, name)["queue"].name


def test_every_project_task_is_routed_to_one_of_the_two_lanes():
    tasks = project_tasks()
    assert "followups.tasks.dispatch_due_followups" in tasks
    assert "notifications.tasks.send_channel_test" in tasks
    unrouted = tasks - set(settings.CELERY_TASK_ROUTES)
    assert not unrouted, f"name these tasks' queue in CELERY_TASK_ROUTES: {sorted(unrouted)}"
    elsewhere = {name: queue_of(name) for name in tasks if queue_of(name) not in LANES}
    assert not elsewhere


def test_every_beat_entry_runs_on_the_dispatch_queue():
    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        assert entry["task"] in project_tasks()
        assert queue_of(entry["task"]) == "dispatch", entry["task"]


def test_what_a_person_starts_runs_on_the_jobs_queue():
    for name in (
        "notifications.tasks.send_email_test",
        "notifications.tasks.send_channel_test",
        "webpush.tasks.send_browser_test",
        "applications.tasks.fetch_posting",
        "exports.tasks.run_import_job",
    ):
        assert queue_of(name) == "jobs", name


def test_only_the_periodic_passes_run_on_the_dispatch_queue():
    beat = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {name for name in project_tasks() if queue_of(name) == "dispatch"} == beat
