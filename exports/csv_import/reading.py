"""Step 1 of the CSV import: decoding, delimiter sniffing and the table of an upload.

The size and row limits, and read_upload that applies them, are in the package's __init__.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

DELIMITERS = ",;\t"


class UploadRefused(Exception):
    """The upload cannot be read at all; the message is for the user."""


@dataclass
class Upload:
    name: str
    text: str
    encoding: str
    delimiter: str

    def as_session(self) -> dict[str, str]:
        return {
            "name": self.name,
            "text": self.text,
            "encoding": self.encoding,
            "delimiter": self.delimiter,
        }

    @classmethod
    def from_session(cls, data: dict[str, str]) -> Upload:
        return cls(**data)

    def table(self) -> tuple[list[str], list[list[str]]]:
        return read_table(self.text, self.delimiter)


def decode(raw: bytes) -> tuple[str, str]:
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8", errors="strict"), "utf-8-sig"
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        # Excel on Windows saves "CSV" in the ANSI code page.
        return raw.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        return raw.decode("latin-1"), "latin-1"


def sniff_delimiter(text: str) -> str:
    sample = text[:8192]
    try:
        return csv.Sniffer().sniff(sample, delimiters=DELIMITERS).delimiter
    except csv.Error:
        first_line = sample.splitlines()[0] if sample else ""
        counts = {d: first_line.count(d) for d in DELIMITERS}
        best = max(counts, key=lambda d: counts[d])
        return best if counts[best] else ","


def read_table(text: str, delimiter: str) -> tuple[list[str], list[list[str]]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows = list(reader)
    if not rows:
        return [], []
    headers = [h.strip() for h in rows[0]]
    return headers, rows[1:]
