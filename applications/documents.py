"""Documents sent with an application (a CV, a cover letter): what a file is, by its content.

A file's name and the type the browser claims are the sender's word; its bytes are not. A
document is accepted only as one of four types recognised from the content itself:
- PDF: starts with the "%PDF-" header;
- DOCX: a zip with [Content_Types].xml declaring a Word document and its parts under word/
  (a macro-enabled .docm, whose content types say so or which carries word/vbaProject.bin, is not);
- ODT: a zip whose "mimetype" entry says application/vnd.oasis.opendocument.text;
- TXT: text (UTF-8, or Windows-1252 as older Windows editors save it) without NUL or other control
  characters, and no known binary signature.
The zips are opened through core.safezip: nothing is extracted and what is read is bounded.

Names are kept for the person (original_name) only after clean_name; the storage name is random
(upload_to), so a name never becomes a path.
"""

from __future__ import annotations

import dataclasses
import logging
import re
import unicodedata
import uuid
from typing import IO

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core import safezip

log = logging.getLogger(__name__)

# Enough of the start of a file to recognise any signature filetype knows.
HEAD_BYTES = 8192
# A DOCX or ODT has tens of entries; a thousand is generous and still cheap to list.
DOCUMENT_ZIP_MAX_ENTRIES = 1000
# [Content_Types].xml and mimetype are small; reading more of them is never needed.
ZIP_META_MAX_BYTES = 256 * 1024
# Long enough for any real file name, short enough for a list and a Content-Disposition header.
NAME_MAX = 150
FALLBACK_NAME = "document"

ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"
DOCX_MAIN = b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"


@dataclasses.dataclass(frozen=True)
class DocumentType:
    key: str
    extension: str
    content_type: str
    label: str


PDF = DocumentType("pdf", ".pdf", "application/pdf", "PDF")
DOCX = DocumentType(
    "docx",
    ".docx",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "DOCX",
)
ODT = DocumentType("odt", ".odt", "application/vnd.oasis.opendocument.text", "ODT")
TXT = DocumentType("txt", ".txt", "text/plain", "TXT")
TYPES = (PDF, DOCX, ODT, TXT)
BY_EXTENSION = {t.extension: t for t in TYPES}
ACCEPT = ",".join([*BY_EXTENSION, *(t.content_type for t in TYPES)])


@dataclasses.dataclass(frozen=True)
class Detected:
    type: DocumentType
    # With its charset for text, so that a download opens as it was written.
    content_type: str


class DocumentRefused(ValidationError):
    """The file is not a document Seuranta keeps; the message says why, for the person."""


def max_bytes() -> int:
    return settings.DOCUMENT_MAX_BYTES


def size_text(size: int) -> str:
    """A size as the limit messages put it: whole megabytes (10 MB), else kilobytes."""
    if size >= 1024 * 1024 and size % (1024 * 1024) == 0:
        return _("%(n)d MB") % {"n": size >> 20}
    return _("%(n)d kB") % {"n": max(1, round(size / 1024))}


def too_large(limit: int | None = None) -> DocumentRefused:
    limit = max_bytes() if limit is None else limit
    return DocumentRefused(
        _("The file is larger than %(limit)s, the most a document may be.")
        % {"limit": size_text(limit)},
        code="too_large",
    )


def _other_type(head: bytes) -> DocumentRefused:
    guessed = filetype.guess(head)
    if guessed is not None:
        message = _(
            "This file is not a PDF, DOCX, ODT or text document: its content is %(kind)s."
        ) % {"kind": guessed.extension.upper()}
    else:
        message = _("This file is not a PDF, DOCX, ODT or text document.")
    return DocumentRefused(message, code="type")


def _read_all(file: IO[bytes], limit: int) -> bytes:
    file.seek(0)
    data = file.read(limit + 1)
    if len(data) > limit:
        raise too_large(limit)
    return data


def _zip_type(file: IO[bytes]) -> DocumentType:
    refused = DocumentRefused(
        _("This zip archive is not a DOCX or ODT document."), code="zip_not_document"
    )
    try:
        archive = safezip.open_zip(file, max_entries=DOCUMENT_ZIP_MAX_ENTRIES)
        names = set(archive.namelist())
        if "mimetype" in names:
            mimetype = safezip.read_entry(
                archive, archive.getinfo("mimetype"), max_bytes=ZIP_META_MAX_BYTES
            )
            if mimetype.strip() == ODT_MIMETYPE:
                return ODT
            raise refused
        # Office reads part names without regard to case (word/VBAPROJECT.BIN is the macros
        # too), so they are compared in lower case.
        lower = {name.lower(): name for name in names}
        if "[content_types].xml" in lower and any(n.startswith("word/") for n in lower):
            types = safezip.read_entry(
                archive, archive.getinfo(lower["[content_types].xml"]), max_bytes=ZIP_META_MAX_BYTES
            )
            macros = "word/vbaproject.bin" in lower
            if DOCX_MAIN in types and not macros:
                return DOCX
            if b"macroenabled" in types.lower() or macros:
                raise DocumentRefused(
                    _("Word documents with macros are not accepted: save it as a plain DOCX."),
                    code="macros",
                )
    except safezip.UnsafeZip as error:
        log.info("Refused a zip uploaded as a document: %s", error)
    raise refused


def _text_type(data: bytes, head: bytes) -> str:
    """The charset of a text document, or DocumentRefused."""
    if b"\x00" in data or filetype.guess(head) is not None:
        raise _other_type(head)
    for charset in ("utf-8", "windows-1252"):
        try:
            text = data.decode("utf-8-sig" if charset == "utf-8" else charset)
        except UnicodeDecodeError:
            continue
        # Tabs, line breaks and form feeds are text; other control characters are not.
        if any(unicodedata.category(ch) == "Cc" and ch not in "\t\n\r\f" for ch in text):
            break
        return charset
    raise _other_type(head)


def detect(file: IO[bytes], *, limit: int | None = None) -> Detected:
    """What this file is by its content, or DocumentRefused saying why it is not accepted.

    `file` is seekable (an upload, or bytes in a BytesIO); it is left at its start.
    """
    limit = max_bytes() if limit is None else limit
    file.seek(0, 2)
    size = file.tell()
    if size == 0:
        raise DocumentRefused(_("The file is empty."), code="empty")
    if size > limit:
        raise too_large(limit)
    file.seek(0)
    head = file.read(HEAD_BYTES)
    try:
        if head.startswith(b"%PDF-"):
            return Detected(PDF, PDF.content_type)
        if safezip.looks_like_zip(head):
            kind = _zip_type(file)
            return Detected(kind, kind.content_type)
        charset = _text_type(_read_all(file, limit), head)
        return Detected(TXT, f"{TXT.content_type}; charset={charset}")
    finally:
        file.seek(0)


def check_name(name: str, detected: Detected) -> None:
    """A name that says one of the accepted types must say the one the content is."""
    named = BY_EXTENSION.get(_extension(name))
    if named is not None and named != detected.type:
        raise DocumentRefused(
            _("The name ends in %(named)s, but the file is a %(actual)s document.")
            % {"named": named.extension, "actual": detected.type.label},
            code="type_mismatch",
        )


def _extension(name: str) -> str:
    stem, dot, extension = name.rpartition(".")
    return f".{extension.lower()}" if dot and stem else ""


def clean_name(name: str) -> str:
    """A file name as the person may see it again: its last path part, printable, one line.

    "../../etc/passwd" is "passwd"; "C:\\Users\\cv.pdf" is "cv.pdf"; line breaks, control and
    format characters (a right-to-left override, U+202E, makes "cv<RLO>fdp.exe" read
    as "cvexe.pdf") are dropped; runs of spaces are one; leading dots go (no "..", no hidden file).
    Long names keep their extension.
    """
    name = unicodedata.normalize("NFC", str(name))
    name = re.split(r"[/\\]", name)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    name = " ".join(name.split()).lstrip(". ").rstrip(" ")
    if len(name) > NAME_MAX:
        extension = _extension(name)
        if len(extension) > 10:
            extension = ""
        name = name[: NAME_MAX - len(extension)].rstrip(". ") + extension
    return name or FALLBACK_NAME


def download_name(original_name: str, content_type: str) -> str:
    """The name a download is saved under: the person's, ending in the type it really is."""
    kind = type_of(content_type)
    name = clean_name(original_name)
    if kind is not None and _extension(name) != kind.extension:
        name = f"{name}{kind.extension}"
    return name


def type_of(content_type: str) -> DocumentType | None:
    base = content_type.split(";", 1)[0].strip()
    return next((t for t in TYPES if t.content_type == base), None)


def upload_to(instance, filename: str) -> str:
    """A random storage name: never the person's file name, which stays in original_name."""
    kind = type_of(instance.content_type)
    return f"documents/{uuid.uuid4().hex}{kind.extension if kind else ''}"


# --- Files go with their rows ----------------------------------------------------------------


def _remove(storage, name: str) -> None:
    try:
        storage.delete(name)
    except Exception:
        # The row is gone already; a file left behind is found by the storage's own listing.
        log.exception("Could not remove the document file %s", name)


def remove_file_after_commit(sender, instance, using, **kwargs) -> None:
    """post_delete of Document: its file leaves the storage once the delete is committed.

    A signal rather than a step of the services, because rows are deleted by cascade too (an
    application, an account, the admin's bulk delete, seed_demo --reset), and each of those
    deletes goes through Django's collector, which sends this for every document. After the
    commit, so that a delete rolled back keeps its file.
    """
    if instance.file and instance.file.name:
        storage, name = instance.file.storage, instance.file.name
        transaction.on_commit(lambda: _remove(storage, name), using=using)
