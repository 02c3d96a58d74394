"""Work the worker does while a page waits for it: a cache entry under a random token.

Why not in the request: gunicorn runs a few synchronous processes (WEB_CONCURRENCY, 2 by
default, one request at a time each, no threads). A request that waits seconds on another
server (a posting's site, a notification channel, a mail server, a push service) takes one of
them from everyone else meanwhile, and two such requests at once stall the whole site. So the
web process records the work here, queues a Celery task with the token and answers at once
with a page that waits for it; the task does the work and records how it went; the page polls a
small JSON status (static/js/waiting.js, or a meta refresh without JavaScript) and then shows it.

An entry lives in the default cache (Redis, or the database cache table: shared by the web
processes and the worker) for the store's `seconds`, under 128 random bits that are the only way
to it. Pages read it for its owner only (Store.get): another person's token reads as missing.
Nothing is written to the database.
"""

from __future__ import annotations

import dataclasses
import re
import time
import uuid
from typing import Generic, TypeVar

from django.core.cache import cache
from django.utils import translation

TOKEN_RE = re.compile(r"^[0-9a-f]{32}$")
# Work no worker has taken after this long: the page says the worker may not be running.
QUEUED_HINT_SECONDS = 10
# Work taken but not over after this long (more than any of the network timeouts the work
# waits for): the worker that took it has probably died, and the page says so too.
RUNNING_HINT_SECONDS = 120


class State:
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


@dataclasses.dataclass
class Pending:
    """What every entry holds; a kind of work adds its own fields (with defaults, or without:
    entries are always built by keyword)."""

    token: str
    owner_id: int | None
    state: str
    # The language of the page that queued it: the worker writes its outcome in it.
    language: str
    created: float

    @property
    def finished(self) -> bool:
        return self.state in (State.DONE, State.FAILED)

    @property
    def waited(self) -> float:
        return time.time() - self.created

    @property
    def late(self) -> bool:
        """No worker took it within QUEUED_HINT_SECONDS, or the one that did has not finished
        it within RUNNING_HINT_SECONDS. A worker busy sending (a channel may take its whole
        timeout) is not late."""
        if self.state == State.QUEUED:
            return self.waited > QUEUED_HINT_SECONDS
        return self.state == State.RUNNING and self.waited > RUNNING_HINT_SECONDS


P = TypeVar("P", bound=Pending)


class Store(Generic[P]):
    """The entries of one kind of work (`kind`, a Pending dataclass) under `prefix`."""

    def __init__(self, kind: type[P], *, prefix: str, seconds: int):
        self.kind = kind
        self.prefix = prefix
        self.seconds = seconds

    def _key(self, token: str) -> str:
        return f"{self.prefix}:{token}"

    def create(self, *, owner_id: int | None, state: str = State.QUEUED, **fields) -> P:
        entry = self.kind(
            token=uuid.uuid4().hex,
            owner_id=owner_id,
            state=state,
            language=translation.get_language() or "en",
            created=time.time(),
            **fields,
        )
        self.save(entry)
        return entry

    def save(self, entry: P) -> None:
        cache.set(self._key(entry.token), dataclasses.asdict(entry), self.seconds)

    def load(self, token: str) -> P | None:
        """The entry, whoever owns it; None if the token is malformed, unknown or expired."""
        if not isinstance(token, str) or not TOKEN_RE.match(token):
            return None
        data = cache.get(self._key(token))
        if not isinstance(data, dict):
            return None
        try:
            return self.kind(**data)
        except TypeError:  # written by another version of this code
            return None

    def get(self, token: str, *, user) -> P | None:
        """The entry if it is this person's; else None (a page answers 404)."""
        entry = self.load(token)
        if entry is None or not user.is_authenticated or entry.owner_id != user.pk:
            return None
        return entry

    def start(self, token: str) -> P | None:
        """The worker's part: the queued entry, now running, to this caller only.

        None if it expired, is over, or another delivery of the task took it already: the
        `cache.add` is atomic on every backend (SET NX on Redis, the primary key of the
        database cache), so the work is done once even if the broker delivers the task twice.
        The caller saves the entry with its outcome.
        """
        entry = self.load(token)
        if entry is None or entry.state != State.QUEUED:
            return None
        if not cache.add(f"{self._key(token)}:started", 1, self.seconds):
            return None
        entry.state = State.RUNNING
        self.save(entry)
        return entry
