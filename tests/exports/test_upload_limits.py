"""The limits the pages state are those the server and the deploy/ nginx config accept."""

import re
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from exports import csv_import
from exports.json_import import JSON_MAX_BYTES
from exports.models import ImportJob

NGINX = Path(settings.BASE_DIR) / "deploy" / "nginx-seuranta.conf"
# Room for the multipart form around the file (boundaries, the other fields).
FORM_OVERHEAD = 64 * 1024
UNITS = {"": 1, "k": 1024, "m": 1024**2, "g": 1024**3}
LIMIT = re.compile(r"^\s*client_max_body_size\s+(\d+)([kmg]?)\s*;", re.M | re.I)


def size(match: re.Match) -> int:
    return int(match.group(1)) * UNITS[match.group(2).lower()]


def nginx_limits() -> tuple[int, int]:
    """(the server's body limit, the import location's)."""
    text = NGINX.read_text()
    location = re.search(r"location\s*=\s*/data/import/json/\s*\{(.*?)\}", text, re.S)
    assert location, "the import has no location of its own in the nginx config"
    server = LIMIT.search(text[: location.start()])
    assert server, "client_max_body_size is not set for the server"
    inside = LIMIT.search(location.group(1))
    assert inside, "client_max_body_size is not set for the import"
    return size(server), size(inside)


def test_nginx_lets_through_the_largest_document_and_csv_and_no_more():
    limit, _ = nginx_limits()
    assert limit >= settings.DOCUMENT_MAX_BYTES + FORM_OVERHEAD
    assert limit >= csv_import.MAX_BYTES + FORM_OVERHEAD
    # And refuses what Django would refuse anyway, give or take the form.
    assert limit <= settings.DOCUMENT_MAX_BYTES + 1024**2


def test_nginx_lets_through_the_largest_export_the_import_page_promises():
    _, limit = nginx_limits()
    assert limit >= settings.IMPORT_MAX_BYTES + FORM_OVERHEAD
    assert limit >= JSON_MAX_BYTES + FORM_OVERHEAD
    assert limit <= settings.IMPORT_MAX_BYTES + 1024**2


def test_nginx_shows_seurantas_page_for_a_refused_upload():
    text = NGINX.read_text()
    assert re.search(r"^\s*error_page\s+413\s+/upload-too-large/;", text, re.M)
    assert reverse("upload_too_large") == "/upload-too-large/"


def test_the_too_large_page_states_every_limit_in_the_persons_language(alice_client, alice):
    response = alice_client.get("/upload-too-large/")
    assert response.status_code == 413
    page = response.content.decode()
    assert f"A document may be at most {settings.DOCUMENT_MAX_BYTES >> 20} MB" in page
    assert f"at most {JSON_MAX_BYTES >> 20} MB as JSON" in page
    assert f"{settings.IMPORT_MAX_BYTES >> 20} MB as a zip" in page

    alice.language = "fi"
    alice.save()
    assert "Tiedosto on liian suuri" in alice_client.get("/upload-too-large/").content.decode()
    assert Client().get("/upload-too-large/").status_code == 413


def test_the_import_page_states_the_limits_the_server_applies(alice_client):
    page = alice_client.get(reverse("exports:index")).content.decode()
    assert f"the JSON (at most {JSON_MAX_BYTES >> 20} MB)" in page
    assert f"the zip with your documents (at most {settings.IMPORT_MAX_BYTES >> 20} MB)" in page
    assert f"at most {csv_import.MAX_BYTES >> 20} MB and {csv_import.MAX_ROWS} rows" in page


def upload_json(client, size: int):
    body = b"{" + b" " * (size - 2) + b"}"
    file = SimpleUploadedFile("export.json", body, content_type="application/json")
    return client.post(reverse("exports:import_json"), {"file": file})


def test_a_json_file_of_the_stated_size_is_accepted(alice_client, alice):
    response = upload_json(alice_client, JSON_MAX_BYTES)
    assert response.status_code == 302
    assert len(bytes(ImportJob.objects.get(owner=alice).payload)) == JSON_MAX_BYTES


def test_a_json_file_over_the_stated_size_is_refused_with_the_limit(alice_client, alice):
    response = upload_json(alice_client, JSON_MAX_BYTES + 1)
    assert response.status_code == 400
    assert f"larger than {JSON_MAX_BYTES >> 20} MB" in response.content.decode()
    assert not ImportJob.objects.exists()


def upload_zip(client, size: int):
    body = b"PK\x05\x06" + b"\0" * (size - 4)
    file = SimpleUploadedFile("export.zip", body, content_type="application/zip")
    return client.post(reverse("exports:import_json"), {"file": file})


def test_a_zip_of_the_stated_size_is_accepted_and_one_byte_more_refused(alice_client, alice):
    assert upload_zip(alice_client, settings.IMPORT_MAX_BYTES).status_code == 302
    assert len(bytes(ImportJob.objects.get().payload)) == settings.IMPORT_MAX_BYTES

    response = upload_zip(alice_client, settings.IMPORT_MAX_BYTES + 1)
    assert response.status_code == 400
    assert f"larger than {settings.IMPORT_MAX_BYTES >> 20} MB" in response.content.decode()
    assert ImportJob.objects.count() == 1


def test_an_upload_past_every_limit_is_refused_with_the_limit_not_kept(alice_client, settings):
    """core.uploads: the bytes past UPLOAD_MAX_BYTES are read and dropped; the form says why."""
    settings.IMPORT_MAX_BYTES = 1024**2
    settings.UPLOAD_MAX_BYTES = 1024**2 + 1024

    response = upload_zip(alice_client, 3 * 1024**2)

    assert response.status_code == 400
    assert "The file is larger than 1 MB." in response.content.decode()
    assert not ImportJob.objects.exists()
