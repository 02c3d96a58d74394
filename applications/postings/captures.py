"""A captured posting, waiting for the person to check it on the new-application form.

Nothing is saved to the database until the person presses Save: a capture is a cache entry
under a random token (core.pending, shared by the web processes and the worker), kept for
CAPTURE_SECONDS. It is made in two ways:
- "Add from posting URL": queued by the web process, filled in by the worker's fetch (the fetch
  may take seconds and must not hold one of the few gunicorn processes meanwhile);
- the bookmarklet: filled in at once from what the person's browser sent.

The bookmarklet's POST comes from another site's page, so the browser sends no session cookie
with it (SameSite=Lax); the capture then has no owner until the first logged-in person opens
its form (captures_claim), after logging in if need be. From then on it is theirs alone. The
token (128 random bits) is the only way to it, and it holds only what that browser sent.

The token is also the form's submission key: the same capture saved twice (a double click, the
back button, a reload of the form) is one application.
"""

from __future__ import annotations

import dataclasses
import uuid

from django.utils import translation
from django.utils.translation import gettext as _

from applications.models import Status
from applications.postings.extract import NoPosting, posting_from_html
from applications.postings.fetch import FetchRefused, fetch_page
from core.pending import Pending, State, Store

CAPTURE_SECONDS = 6 * 60 * 60


@dataclasses.dataclass
class Capture(Pending):
    url: str
    fields: dict[str, str] = dataclasses.field(default_factory=dict)
    notes: list[str] = dataclasses.field(default_factory=list)
    error: str = ""

    @property
    def submission_key(self) -> uuid.UUID:
        return uuid.UUID(self.token)

    def initial(self) -> dict[str, str]:
        """The new-application form's initial values: a captured posting is not applied for
        yet, so it starts as saved."""
        return {"status": Status.SAVED, "posting_url": self.url, **self.fields}


_store = Store(Capture, prefix="posting-capture", seconds=CAPTURE_SECONDS)


def capture_create(
    *,
    owner_id: int | None,
    url: str,
    state: str = State.QUEUED,
    fields: dict[str, str] | None = None,
    notes: list[str] | None = None,
) -> Capture:
    return _store.create(
        owner_id=owner_id, state=state, url=url, fields=fields or {}, notes=notes or []
    )


def capture_get(token: str, *, user) -> Capture | None:
    """The capture if it is this person's, claiming one that has no owner yet; else None."""
    capture = _store.load(token)
    if capture is None or not user.is_authenticated:
        return None
    if capture.owner_id is None:
        capture.owner_id = user.pk
        _store.save(capture)
    return capture if capture.owner_id == user.pk else None


def capture_fetch(*, token: str) -> None:
    """The worker's part: fetch the page and read its posting, once per capture."""
    capture = _store.start(token)
    if capture is None:
        return  # expired, or a second delivery of the task
    with translation.override(capture.language):
        try:
            page = fetch_page(capture.url, language=capture.language)
            posting = posting_from_html(page.text(), capture.url)
        except FetchRefused as refused:
            capture.state, capture.error = State.FAILED, refused.message
        except NoPosting:
            capture.state = State.FAILED
            capture.error = _("No job posting was found on the page: it has no title either.")
        else:
            capture.state = State.DONE
            capture.fields, capture.notes = posting.initial(), posting.notes
    _store.save(capture)
