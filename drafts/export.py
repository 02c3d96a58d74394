"""Drafts leaving Seuranta: .eml, .txt, mailto: links, and a zip of many.

Everything here is plain text: HTML in the user's data stays literal characters. Values that end
up in a header or a file name are reduced to one line first, because EmailMessage refuses a
header with a line break (and one must never become a second header).

An .eml is written by Django's EmailMessage, as a reminder is: core.mail says why its address
headers, and not the email package's modern policy, keep a display name one quoted name.
"""

from __future__ import annotations

import functools
import io
import zipfile
from collections.abc import Iterable, Iterator, Mapping
from email.utils import format_datetime, make_msgid
from urllib.parse import quote, urlsplit

from django.conf import settings
from django.core import mail
from django.utils import timezone
from django.utils.text import slugify

from applications.models import Contact
from core.mail import mailbox
from drafts.models import Draft, Kind
from drafts.rendering import one_line

# File names say what a draft is in any UI language, so they use fixed English words.
_KIND_SLUG = {
    Kind.THANK_YOU: "thank-you",
    Kind.FEEDBACK: "feedback-request",
    Kind.CALL: "call-script",
    Kind.CHECK_IN: "check-in",
}
_SLUG_MAX = 60


def _normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _message_id_domain() -> str:
    # make_msgid() would otherwise ask the resolver for this host's name on every export.
    return _hostname(settings.SITE_URL)


# The caches below hold what every draft of an export shares (one owner, one moment).
@functools.lru_cache(maxsize=16)
def _hostname(url: str) -> str:
    return urlsplit(url).hostname or "localhost"


@functools.lru_cache(maxsize=16)
def _date(now, tzinfo) -> str:
    return format_datetime(timezone.localtime(now, tzinfo))


def recipient_names(owner) -> dict[str, str]:
    """The names of owner's contacts by email (lower case), for the To header of their drafts.

    A draft keeps only its recipient's address; the name is the contact's with that address.
    An address two contacts with different names share gets no name rather than a wrong one.
    """
    names: dict[str, str] = {}
    shared: set[str] = set()
    for address, name in (
        Contact.objects.owned_by(owner).exclude(email="").values_list("email", "name")
    ):
        key = address.lower()
        if names.setdefault(key, name) != name:
            shared.add(key)
    return {key: name for key, name in names.items() if key not in shared}


def eml_message(draft: Draft, now=None, names: Mapping[str, str] | None = None):
    """The draft as an unsent RFC 5322 message (X-Unsent: 1 makes Outlook open it for editing).

    names: recipient_names(draft.owner), given when writing many drafts of one owner.
    """
    now = now or timezone.now()
    if names is None:
        names = recipient_names(draft.owner)
    recipient = one_line(draft.recipient)
    owner = draft.owner
    message = mail.EmailMessage(
        subject=one_line(draft.subject),
        # Django picks a transfer encoding that keeps ä and ö intact (8bit, or quoted-printable
        # for lines too long for SMTP).
        body=_normalise_newlines(draft.body),
        from_email=mailbox(owner.display_name, owner.email),
        to=[mailbox(names.get(recipient.lower(), ""), recipient)] if recipient else [],
        headers={
            "Date": _date(now, owner.tzinfo),
            "Message-ID": make_msgid(idstring=f"draft{draft.pk}", domain=_message_id_domain()),
            "X-Unsent": "1",
        },
    )
    return message.message()


def eml_bytes(draft: Draft, now=None, names: Mapping[str, str] | None = None) -> bytes:
    # RFC 5322 line endings, as a mail program writes an .eml.
    return eml_message(draft, now, names).as_bytes(linesep="\r\n")


def txt_bytes(draft: Draft) -> bytes:
    """The subject line, a blank line, and the body, in UTF-8."""
    text = f"{one_line(draft.subject)}\n\n{_normalise_newlines(draft.body)}"
    if not text.endswith("\n"):
        text += "\n"
    return text.encode("utf-8")


def mailto_url(draft: Draft) -> str:
    """A mailto: link (RFC 6068) that opens the draft in the user's mail program."""
    recipient = quote(one_line(draft.recipient), safe="@")
    subject = quote(one_line(draft.subject), safe="")
    # RFC 6068: line breaks in the body are written as %0D%0A.
    body = quote(_normalise_newlines(draft.body).replace("\n", "\r\n"), safe="")
    return f"mailto:{recipient}?subject={subject}&body={body}"


def _slug(value: str) -> str:
    # slugify keeps only ASCII letters, digits and hyphens: no "..", "/", "\\" or control
    # characters can survive it, so a name never leaves the archive or the download folder.
    return slugify(one_line(value))[:_SLUG_MAX].strip("-")


def file_stem(draft: Draft) -> str:
    """A readable name without extension, e.g. "acme-oy-feedback-request-2026-03-12"."""
    when = draft.interview.starts_at if draft.interview_id else draft.created_at
    day = timezone.localtime(when, draft.owner.tzinfo).date().isoformat()
    parts = [_slug(draft.application.company), _KIND_SLUG.get(draft.kind, "draft"), day]
    return "-".join(part for part in parts if part) or "draft"


def unique_stems(drafts: Iterable[Draft]) -> Iterator[tuple[Draft, str]]:
    """Each draft with a file stem no other draft in the batch has (-2, -3 … on clashes)."""
    taken: set[str] = set()
    for draft in drafts:
        stem = base = file_stem(draft)
        number = 1
        while stem in taken:
            number += 1
            stem = f"{base}-{number}"
        taken.add(stem)
        yield draft, stem


# What zip_chunks reads of a draft (its .eml, .txt and file name): the zip view loads these
# columns only, and zip_chunks sets the owner.
ZIP_FIELDS = (
    "kind",
    "recipient",
    "subject",
    "body",
    "created_at",
    "owner_id",
    "application__company",
    "interview__starts_at",
)


class _Pipe(io.RawIOBase):
    """Where ZipFile writes: holds what was written until zip_chunks hands it on.

    Not seekable, so ZipFile writes each member's sizes after its data (a data descriptor,
    which every unzip program reads) instead of going back to the member's header.
    """

    def __init__(self):
        super().__init__()
        self.chunks: list[bytes] = []

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        self.chunks.append(bytes(data))
        return len(data)

    def take(self) -> bytes:
        data = b"".join(self.chunks)
        self.chunks.clear()
        return data


def _owned_by(drafts: Iterable[Draft], owner) -> Iterator[Draft]:
    for draft in drafts:
        # Every one is owner's: one User object, not a copy loaded with each draft.
        draft.owner = owner
        yield draft


def zip_chunks(drafts: Iterable[Draft], owner, now=None) -> Iterator[bytes]:
    """A zip of one .eml and one .txt per draft of owner's, flat at the top, in pieces as it is
    written.

    One draft's files are in memory at a time, however many drafts there are: the view streams
    the pieces to the browser as they come, and reads the drafts in chunks.
    """
    now = now or timezone.now()
    stamp = timezone.localtime(now).timetuple()[:6]
    names = recipient_names(owner)
    pipe = _Pipe()
    with zipfile.ZipFile(pipe, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for draft, stem in unique_stems(_owned_by(drafts, owner)):
            for name, data in (
                (f"{stem}.eml", eml_bytes(draft, now, names)),
                (f"{stem}.txt", txt_bytes(draft)),
            ):
                info = zipfile.ZipInfo(name, date_time=stamp)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                archive.writestr(info, data)
            yield pipe.take()
    # Closing the archive wrote its central directory.
    yield pipe.take()
