"""Reading zip files someone else made (a DOCX, an ODT, an export to import) without trusting them.

Nothing is ever extracted to disk. What is read is bounded before it is read:
- the number of entries, from the end-of-central-directory record, before zipfile parses the
  directory (zipfile builds an object per entry of the directory, whatever the count claims;
  a 10 MB file of empty entries is a quarter of a million objects);
- each entry's size, by its header and again while it is inflated (a header may lie; a small
  deflated entry may inflate to gigabytes);
- the names, for an archive whose paths mean something (no absolute paths, no "..").
"""

from __future__ import annotations

import struct
import zipfile
import zlib
from typing import IO

# End of central directory: signature, disk numbers, entry counts, directory size and offset,
# comment length (APPNOTE.TXT 4.3.16); a comment of up to 64 KiB may follow it.
_EOCD = struct.Struct("<4s4H2LH")
_EOCD_SIGNATURE = b"PK\x05\x06"
_EOCD_SEARCH = _EOCD.size + 0xFFFF
# Bytes of central directory allowed per entry: the 46-byte header, a name and extra fields.
_DIRECTORY_BYTES_PER_ENTRY = 1024
ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")


class UnsafeZip(ValueError):
    """Not a zip we read: broken, too many entries, an entry too large, or a dangerous name."""


def looks_like_zip(head: bytes) -> bool:
    return head[:4] in ZIP_MAGIC


def _entry_count(file: IO[bytes]) -> tuple[int, int]:
    """(entries, size of the central directory) as the end record states them."""
    file.seek(0, 2)
    end = file.tell()
    start = max(0, end - _EOCD_SEARCH)
    file.seek(start)
    tail = file.read(end - start)
    at = tail.rfind(_EOCD_SIGNATURE)
    if at < 0 or len(tail) - at < _EOCD.size:
        raise UnsafeZip("no end of central directory")
    _sig, _disk, _cd_disk, _here, total, cd_size, _cd_offset, _comment = _EOCD.unpack_from(tail, at)
    if total == 0xFFFF or cd_size == 0xFFFFFFFF:
        # ZIP64: only archives past 65 535 entries or 4 GiB need it, far past any limit here.
        raise UnsafeZip("ZIP64 archive")
    return total, cd_size


def open_zip(file: IO[bytes], *, max_entries: int) -> zipfile.ZipFile:
    """The archive, once its directory is known to be small enough to read (UnsafeZip if not)."""
    try:
        total, cd_size = _entry_count(file)
        if total > max_entries or cd_size > max_entries * _DIRECTORY_BYTES_PER_ENTRY:
            raise UnsafeZip(f"{total} entries")
        file.seek(0)
        archive = zipfile.ZipFile(file)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, struct.error) as error:
        raise UnsafeZip(str(error)) from None
    if len(archive.infolist()) > max_entries:
        raise UnsafeZip("more entries than the end record says")
    return archive


def read_entry(archive: zipfile.ZipFile, info: zipfile.ZipInfo, *, max_bytes: int) -> bytes:
    """An entry's bytes, never more than max_bytes of them (UnsafeZip past that or if broken)."""
    if info.file_size > max_bytes:
        raise UnsafeZip(f"{info.filename}: {info.file_size} bytes")
    try:
        with archive.open(info) as entry:
            data = entry.read(max_bytes + 1)
    except (
        zipfile.BadZipFile,
        zlib.error,
        EOFError,
        OSError,
        NotImplementedError,  # a compression method zipfile does not know
        RuntimeError,  # an encrypted entry
    ) as error:
        raise UnsafeZip(f"{info.filename}: {error}") from None
    if len(data) > max_bytes:
        raise UnsafeZip(f"{info.filename}: larger than stated")
    return data


def safe_member_name(name: str) -> bool:
    """Whether an entry's name is a plain relative path: no root, drive, backslash or "..".

    For archives whose paths are read as places (an import's documents/…); an entry that fails
    this refuses the whole archive, so nothing depends on how the name would be cleaned.
    """
    if not name or "\x00" in name or "\\" in name or ":" in name:
        return False
    if name.startswith("/"):
        return False
    # A directory entry ("documents/") ends in one slash; a path never has an empty part.
    path = name.removesuffix("/")
    return all(part not in ("", ".", "..") for part in path.split("/"))
