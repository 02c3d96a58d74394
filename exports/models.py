import datetime
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.leases import Claimable
from core.owned import OwnedModel

TOKEN_BYTES = 32


def new_feed_token() -> str:
    # 256 bits: the token is the only thing guarding the feed, which calendar apps fetch
    # without a session.
    return secrets.token_urlsafe(TOKEN_BYTES)


class CalendarFeed(OwnedModel):
    """A user's private calendar subscription URL.

    One row per user at most. Revoking deletes the row; regenerating replaces the token, so the
    old URL stops working at once.
    """

    owner = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    # The feed view looks rows up by token alone; unique gives the index it needs.
    token = models.CharField(max_length=64, unique=True, default=new_feed_token)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_fetched_at = models.DateTimeField(_("last fetched at"), null=True, blank=True)

    # Touched by every calendar app that polls the feed; shown on no cached fragment.
    unshown_fields = frozenset({"last_fetched_at"})

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self) -> str:
        return f"{self.owner}"

    def get_absolute_url(self) -> str:
        return reverse("exports:calendar_feed_ics", args=[self.token])


class ImportKind(models.TextChoices):
    JSON = "json", _("Seuranta export (JSON)")
    CSV = "csv", _("Spreadsheet (CSV)")


class ImportState(models.TextChoices):
    QUEUED = "queued", _("Waiting")
    RUNNING = "running", _("Importing")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


# Runs of one job a worker may start: the first, and one more after a worker died under it. A
# file that kills every worker that imports it (out of memory, past the time limit) is then
# marked failed instead of being taken up again for ever.
IMPORT_JOB_TRIES = 2
# Past IMPORT_JOB_TIME_LIMIT the worker kills the import, so a job still "running" this long after
# its claim has no worker left. The margin covers the pool's enforcement of the limit (within
# about a second) and the clocks of the machines that claim and take over.
LEASE_MARGIN = datetime.timedelta(seconds=15)


def import_job_lease() -> datetime.timedelta:
    return datetime.timedelta(seconds=settings.IMPORT_JOB_TIME_LIMIT) + LEASE_MARGIN


def running_past_lease(now: datetime.datetime) -> Q:
    """Jobs "running" whose worker has died: their lease ran out. A job claimed before jobs had
    leases (claimed_until empty) counts from its start."""
    return Q(state=ImportState.RUNNING) & (
        Q(claimed_until__lt=now)
        | Q(claimed_until__isnull=True, started_at__lt=now - import_job_lease())
    )


class ImportJob(OwnedModel, Claimable):
    """One import, run by the Celery worker (exports.tasks), from upload to its outcome.

    The uploaded file is kept in the row (a BinaryField), not under var/: web and worker may be
    different machines sharing only the database, the file is written in the same transaction
    as the job (no job without its file, no file without its job), and it goes with the row. It
    is emptied once the job has run. Progress while the worker runs lives in the "progress"
    cache (exports.progress): the import's own transaction hides it from the web process until
    it ends, all or nothing.

    The worker runs it under a lease (core.leases): a worker killed mid-import leaves a job
    "running" past its lease, which the periodic pass (exports.tasks.resume_import_jobs) queues
    again while it has tries left and marks failed, with a message, after that. The import's
    transaction wrote nothing, so the next run imports it exactly once.
    """

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="import_jobs"
    )
    kind = models.CharField(_("kind"), max_length=8, choices=ImportKind.choices)
    state = models.CharField(
        _("state"), max_length=8, choices=ImportState.choices, default=ImportState.QUEUED
    )
    filename = models.CharField(_("file"), max_length=255, blank=True)
    payload = models.BinaryField(default=b"")
    # What the person chose: JSON {"take_preferences": bool}; CSV {"delimiter", "mapping"}.
    options = models.JSONField(default=dict, blank=True)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    # [[row, column, message], ...] as exports.problems.Problem, when the file was refused.
    problems = models.JSONField(default=list, blank=True)
    # {"created": {"applications": n, ...}, "existing": {...}}
    result = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Claimable's, with a default: a new job may be run at once (core.leases.claim takes the
    # oldest first); the periodic pass moves it on as it queues a job again.
    next_attempt_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        indexes = [
            # The export/import page lists the user's latest imports, newest first.
            models.Index(fields=["owner", "-created_at"], name="importjob_owner_recent_idx"),
            # The periodic pass (exports.services.import_jobs_resume): state = running AND
            # claimed_until < now. Partial: the jobs of the past cost nothing to skip.
            models.Index(
                fields=["claimed_until"],
                condition=Q(state="running"),
                name="importjob_lease_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.filename} ({self.state})"

    def get_absolute_url(self) -> str:
        return reverse("exports:import_job", args=[self.pk])

    @property
    def finished(self) -> bool:
        return self.state in (ImportState.DONE, ImportState.FAILED)

    def is_interrupted(self, now: datetime.datetime) -> bool:
        """Running past its lease: the worker died under it (running_past_lease, for one row)."""
        if self.state != ImportState.RUNNING:
            return False
        if self.claimed_until is not None:
            return self.claimed_until < now
        return self.started_at is not None and self.started_at < now - import_job_lease()

    @property
    def tries_left(self) -> bool:
        return self.attempts < IMPORT_JOB_TRIES

    @property
    def imported_applications(self) -> int:
        return int(self.result.get("created", {}).get("applications", 0))
