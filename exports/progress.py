"""How far a running import job is, readable by the web process while the worker imports.

The import writes in one transaction, so nothing it writes to the database (the job row
included, if it were in that transaction) can be seen before it ends. Progress therefore goes to
a cache every process shares: the "progress" alias (Redis when REDIS_URL is set, files under
var/ otherwise; config/settings.py). Losing it loses nothing but the bar: the job row says
whether the import is waiting, running or over.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.cache import caches

CACHE_ALIAS = "progress"
# Longer than any import may run (CELERY_TASK_TIME_LIMIT), so a running job keeps its bar.
TIMEOUT_SECONDS = 60 * 60


class Phase:
    CHECKING = "checking"
    SAVING = "saving"


@dataclass(frozen=True)
class Progress:
    phase: str
    done: int
    total: int

    @property
    def percent(self) -> int:
        return min(100, self.done * 100 // self.total) if self.total else 0


def _key(job_id: int) -> str:
    return f"import-progress:{job_id}"


def progress_set(job_id: int, *, phase: str, done: int, total: int) -> None:
    caches[CACHE_ALIAS].set(_key(job_id), [phase, done, total], TIMEOUT_SECONDS)


def progress_get(job_id: int) -> Progress | None:
    value = caches[CACHE_ALIAS].get(_key(job_id))
    if not isinstance(value, list) or len(value) != 3:
        return None
    return Progress(*value)


def progress_clear(job_id: int) -> None:
    caches[CACHE_ALIAS].delete(_key(job_id))
