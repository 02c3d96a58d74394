"""The complete export with the documents' files: a zip of data.json and documents/<id>/<name>.

data.json is the JSON export (exports.json_export) as it is; each document it lists is in the zip
at its "file" path. The zip is written as it is sent: one file of the storage at a time passes
through, so an account with hundreds of megabytes of documents needs no more memory than one
chunk. data.json comes last, listing only the documents whose files made it into the zip: a file
missing from the storage is left out and logged, never a broken zip.
"""

from __future__ import annotations

import datetime
import json
import logging
import zipfile
from collections.abc import Iterator

from applications.models import Document
from exports import json_export

log = logging.getLogger(__name__)

DATA_NAME = "data.json"


class _Pipe:
    """A write-only file for zipfile whose bytes the response takes as they come.

    It has no tell() or seek(): zipfile then writes each entry's sizes after its data (a data
    descriptor), as a zip streamed to its reader must.
    """

    def __init__(self):
        self.parts: list[bytes] = []

    def write(self, data) -> int:
        self.parts.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass

    def take(self) -> bytes:
        data, self.parts = b"".join(self.parts), []
        return data


def _entry(name: str, when: datetime.datetime) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=when.timetuple()[:6])
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o600 << 16  # a file, readable by its owner once unpacked
    return info


def export_chunks(user, now: datetime.datetime | None = None) -> Iterator[bytes]:
    """The zip of `user`'s account, in pieces. The rows are read now, the files as it is sent."""
    data = json_export.export_account(user, now)
    documents = list(Document.objects.owned_by(user).order_by("id"))
    return _chunks(data, documents, datetime.datetime.now(user.tzinfo))


def _first_chunk(document: Document):
    """(the open file, its chunks, the first one), or None when the storage cannot give it."""
    try:
        source = document.file.open("rb")
        chunks = source.chunks()
        return source, chunks, next(chunks, b"")
    except Exception:
        # A file gone from the directory, a bucket that says 404: that document is left out.
        log.exception("Document %s: its file %s cannot be read", document.pk, document.file.name)
        return None


def _chunks(data: dict, documents: list[Document], local: datetime.datetime) -> Iterator[bytes]:
    pipe = _Pipe()
    sent: set[int] = set()
    with zipfile.ZipFile(pipe, "w") as archive:
        for document in documents:
            opened = _first_chunk(document)
            if opened is None:
                continue
            source, chunks, first = opened
            name = json_export.document_path(document)
            with source, archive.open(_entry(name, local), "w") as out:
                out.write(first)
                for chunk in chunks:
                    out.write(chunk)
                    if piece := pipe.take():
                        yield piece
            sent.add(document.pk)
        for application in data["applications"]:
            application["documents"] = [d for d in application["documents"] if d["id"] in sent]
        body = json.dumps(data, ensure_ascii=False, indent=1).encode()
        archive.writestr(_entry(DATA_NAME, local), body)
    yield pipe.take()
