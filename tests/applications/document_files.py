"""Small but real files of each kind a document may be, and of kinds it may not."""

import io
import zipfile

from applications.documents import DOCX_MAIN, ODT_MIMETYPE

PDF = (
    b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
    b"2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n"
    b"trailer\n<< /Root 1 0 R >>\n%%EOF\n"
)
# The start of a Windows executable: "MZ", then the DOS header (full of NUL bytes).
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + bytes(200)
TEXT = "Hakemus\nHyvä vastaanottaja,\thaen paikkaa.\n".encode()


def zip_of(entries: dict[str, bytes], *, stored_first: str | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        if stored_first:
            archive.writestr(stored_first, entries[stored_first], zipfile.ZIP_STORED)
        for name, data in entries.items():
            if name != stored_first:
                archive.writestr(name, data)
    return buffer.getvalue()


def content_types(main: bytes = DOCX_MAIN) -> bytes:
    return (
        b'<?xml version="1.0" encoding="UTF-8"?>'
        b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        b'<Default Extension="xml" ContentType="application/xml"/>'
        b'<Override PartName="/word/document.xml" ContentType="' + main + b'"/></Types>'
    )


def docx(text: str = "Cover letter") -> bytes:
    return zip_of(
        {
            "[Content_Types].xml": content_types(),
            "_rels/.rels": b"<Relationships/>",
            "word/document.xml": f"<w:document><w:t>{text}</w:t></w:document>".encode(),
        }
    )


def odt(text: str = "CV") -> bytes:
    return zip_of(
        {
            "mimetype": ODT_MIMETYPE,
            "content.xml": f"<office:document-content>{text}</office:document-content>".encode(),
            "META-INF/manifest.xml": b"<manifest:manifest/>",
        },
        stored_first="mimetype",
    )


def docm() -> bytes:
    """A Word document with macros, as Word saves a .docm."""
    return zip_of(
        {
            "[Content_Types].xml": content_types(
                b"application/vnd.ms-word.document.macroEnabled.main+xml"
            ),
            "word/document.xml": b"<w:document/>",
            "word/vbaProject.bin": b"\xd0\xcf\x11\xe0" + bytes(64),
        }
    )


def docx_with_hidden_macros() -> bytes:
    """Plain DOCX content types, the macros under an upper-case name, which Word still reads."""
    return zip_of(
        {
            "[CONTENT_TYPES].XML": content_types(),
            "word/document.xml": b"<w:document/>",
            "WORD/VBAPROJECT.BIN": b"\xd0\xcf\x11\xe0" + bytes(64),
        }
    )


def xlsx() -> bytes:
    return zip_of(
        {
            "[Content_Types].xml": b"<Types/>",
            "xl/workbook.xml": b"<workbook/>",
        }
    )


def plain_zip() -> bytes:
    return zip_of({"notes.txt": b"Not a document"})
