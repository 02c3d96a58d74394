"""Documents in an S3 bucket: the storage the settings build from STORAGE_URL, against a tiny
local stand-in for S3 (objects in a dict, the four calls django-storages makes), so that the
upload, the owner's download, the zip export and the delete after commit are seen to reach the
bucket and come back byte for byte. No request leaves the machine; no signature is checked."""

import http.server
import io
import threading
import urllib.parse
import zipfile

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from applications import services
from tests.applications import document_files as files
from tests.factories import ApplicationFactory

pytestmark = pytest.mark.django_db

BUCKET = "seuranta-documents"


class FakeS3(http.server.BaseHTTPRequestHandler):
    """Path-style object calls: HEAD, GET, PUT and DELETE of /bucket/key."""

    objects: dict[str, bytes]
    requests: list[tuple[str, str]]

    def log_message(self, *args):
        pass

    def _key(self) -> str | None:
        path = urllib.parse.urlsplit(self.path).path
        bucket, _, key = urllib.parse.unquote(path).lstrip("/").partition("/")
        self.requests.append((self.command, key))
        return key if bucket == BUCKET else None

    def _answer(self, status: int, body: bytes = b"", headers: dict | None = None) -> None:
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _object_headers(self, data: bytes) -> dict:
        return {
            "ETag": f'"{hash(data) & 0xFFFFFFFF:08x}"',
            "Last-Modified": "Mon, 01 Dec 2026 10:00:00 GMT",
            "Content-Type": "binary/octet-stream",
        }

    def do_HEAD(self):
        data = self.objects.get(self._key())
        if data is None:
            self._answer(404)
            return
        self.send_response(200)
        for name, value in self._object_headers(data).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()

    def do_GET(self):
        data = self.objects.get(self._key())
        if data is None:
            self._answer(404, b"<Error><Code>NoSuchKey</Code></Error>")
            return
        self._answer(200, data, self._object_headers(data))

    def do_PUT(self):
        key = self._key()
        body = self.rfile.read(int(self.headers["Content-Length"]))
        if "aws-chunked" in self.headers.get("Content-Encoding", ""):
            body = _unchunk(body)
        self.objects[key] = body
        self._answer(200, headers={"ETag": '"put"'})

    def do_DELETE(self):
        self.objects.pop(self._key(), None)
        self._answer(204)


def _unchunk(body: bytes) -> bytes:
    """The payload of an aws-chunked body (hex size;extensions CRLF data CRLF …, trailers)."""
    data, rest = b"", body
    while rest:
        header, _, rest = rest.partition(b"\r\n")
        size = int(header.split(b";")[0], 16)
        if size == 0:
            break
        data, rest = data + rest[:size], rest[size + 2 :]
    return data


@pytest.fixture
def bucket(settings, monkeypatch):
    """A running stand-in; the default storage is the one STORAGE_URL names, pointed at it."""
    import config.settings

    handler = type("Handler", (FakeS3,), {"objects": {}, "requests": []})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    endpoint = f"http://127.0.0.1:{server.server_port}"
    for name in ("AWS_STORAGE_BUCKET_NAME", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv(
        "STORAGE_URL",
        f"s3://KEY:SECRET@{BUCKET}/seuranta?endpoint_url={endpoint}&region_name=eu-north-1"
        "&addressing_style=path",
    )
    # The stand-in reads plain bodies; checksums are a matter for real S3.
    monkeypatch.setenv("AWS_REQUEST_CHECKSUM_CALCULATION", "when_required")
    storage = config.settings._document_storage()
    assert storage["BACKEND"] == "storages.backends.s3.S3Storage"
    settings.STORAGES = {**settings.STORAGES, "default": storage}
    yield handler
    server.shutdown()
    server.server_close()


def test_a_document_goes_to_the_bucket_comes_back_whole_and_leaves_with_its_row(
    alice_client, alice, bucket, django_capture_on_commit_callbacks
):
    application = ApplicationFactory(owner=alice)
    data = files.docx("Arvoisa vastaanottaja")

    document = services.document_attach(
        application=application, file=ContentFile(data), name="Hakemus.docx", kind="cover_letter"
    )

    key = f"seuranta/{document.file.name}"
    assert document.file.name.startswith("documents/")
    assert bucket.objects == {key: data}
    response = alice_client.get(document.get_absolute_url())
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == data
    assert response["Content-Disposition"] == 'attachment; filename="Hakemus.docx"'

    export = zipfile.ZipFile(
        io.BytesIO(b"".join(alice_client.get(reverse("exports:account_zip")).streaming_content))
    )
    assert export.read(f"documents/{document.pk}/Hakemus.docx") == data

    with django_capture_on_commit_callbacks(execute=True):
        alice_client.post(reverse("applications:document_delete", args=[document.pk]))

    assert bucket.objects == {}
    assert ("DELETE", key) in bucket.requests


def test_a_document_missing_from_the_bucket_is_a_404(alice_client, alice, bucket):
    document = services.document_attach(
        application=ApplicationFactory(owner=alice),
        file=ContentFile(files.PDF),
        name="cv.pdf",
        kind="cv",
    )
    bucket.objects.clear()

    assert alice_client.get(document.get_absolute_url()).status_code == 404
