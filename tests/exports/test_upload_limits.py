"""The limits the import page states are those the server and the deploy/ nginx config accept."""

import re
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from exports import csv_import
from exports.json_import import JSON_MAX_BYTES
from exports.models import ImportJob

NGINX = Path(settings.BASE_DIR) / "deploy" / "nginx-seuranta.conf"
# Room for the multipart form around the file (boundaries, the other fields).
FORM_OVERHEAD = 64 * 1024
UNITS = {"": 1, "k": 1024, "m": 1024**2, "g": 1024**3}


def nginx_body_limit() -> int:
    match = re.search(
        r"^\s*client_max_body_size\s+(\d+)([kmg]?)\s*;", NGINX.read_text(), re.M | re.I
    )
    assert match, "client_max_body_size is not set in the nginx config"
    return int(match.group(1)) * UNITS[match.group(2).lower()]


def test_nginx_lets_through_the_largest_file_the_import_page_promises():
    limit = nginx_body_limit()
    assert limit >= JSON_MAX_BYTES + FORM_OVERHEAD
    assert limit >= csv_import.MAX_BYTES + FORM_OVERHEAD
    # And refuses what Django would refuse anyway, give or take the form.
    assert limit <= JSON_MAX_BYTES + 1024**2


def test_the_import_page_states_the_limits_the_server_applies(alice_client):
    page = alice_client.get(reverse("exports:index")).content.decode()
    assert f"at most {JSON_MAX_BYTES >> 20} MB" in page
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
