"""Undo for a few minutes after Done, Skip and Cancel: what the action changed, kept in the session.

The view that acts records what it needs to put the row back (its state before, and the moment
it last changed, so that an undo after another change can be refused), and shows a message with
an Undo button (templates/_undo.html, from base.html's messages, outside any cached fragment,
so its CSRF token is live). The Undo view takes the record once: a second Undo finds nothing.
The session belongs to the person, so one person's record is never another's; the Undo views
still fetch the row through get_owned_or_404.
"""

import datetime

from django.contrib import messages
from django.http import HttpRequest
from django.utils import timezone

# An undo is for a slip noticed at once, not a history to go back through.
UNDO_WINDOW = datetime.timedelta(minutes=10)

SESSION_KEY = "undo"
# The tag that marks a message as offering an Undo; the rest of its extra tags is the URL.
TAG = "undo:"


class UndoRefused(Exception):
    """An Undo that came too late or after another change: nothing changed. The message is
    translated and meant for the person."""


def _key(kind: str, pk: int) -> str:
    return f"{kind}:{pk}"


def offer(request: HttpRequest, *, kind: str, pk: int, record: dict, url: str, text: str) -> None:
    """Keep `record` (JSON-ready) for an undo of this row; say `text` with an Undo button."""
    records = request.session.get(SESSION_KEY, {})
    now = timezone.now()
    # Forget the records nobody can use any more, so the session does not grow.
    records = {
        key: value
        for key, value in records.items()
        if now - datetime.datetime.fromisoformat(value["recorded_at"]) <= UNDO_WINDOW
    }
    records[_key(kind, pk)] = {**record, "recorded_at": now.isoformat()}
    request.session[SESSION_KEY] = records
    messages.success(request, text, extra_tags=TAG + url)


def take(request: HttpRequest, *, kind: str, pk: int) -> dict | None:
    """The record of the last action on this row, once; None if there is none (or no more)."""
    records = request.session.get(SESSION_KEY, {})
    record = records.pop(_key(kind, pk), None)
    if record is not None:
        request.session[SESSION_KEY] = records
    return record


def recorded_at(record: dict) -> datetime.datetime:
    return datetime.datetime.fromisoformat(record["recorded_at"])


def expired(record: dict, now: datetime.datetime) -> bool:
    return now - recorded_at(record) > UNDO_WINDOW


def url_of(message) -> str:
    """The Undo URL a message offers, or "" (for the template)."""
    tags = message.extra_tags or ""
    return tags[len(TAG) :] if tags.startswith(TAG) else ""
