"""Where documents are kept follows the environment: var/media/, a directory, or an S3 bucket.

Each case starts Django in a process of its own with that environment (the settings are read
once, at start) and reports the storage it built. Building the S3 backend reaches no server.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parent.parent
REPORT = """
import json, django
django.setup()
from django.conf import settings
from django.core.files.storage import storages
storage = storages["default"]
names = ["bucket_name", "location", "endpoint_url", "region_name", "access_key", "secret_key",
         "default_acl", "querystring_auth", "file_overwrite", "file_permissions_mode",
         "addressing_style"]
print(json.dumps({
    "backend": type(storage).__module__ + "." + type(storage).__name__,
    "media_root": str(settings.MEDIA_ROOT),
    **{name: getattr(storage, name, None) for name in names},
}, default=str))
"""


def storage_for(tmp_path: Path, **variables: str) -> dict:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("AWS_", "STORAGE_URL", "DJANGO_"))
    }
    env.update(SEURANTA_VAR_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="config.settings")
    env.update(variables)
    result = subprocess.run(
        [sys.executable, "-c", REPORT],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    if result.returncode:
        return {"error": result.stderr.strip().splitlines()[-1]}
    return json.loads(result.stdout)


def test_without_configuration_documents_are_files_under_var_media(tmp_path):
    storage = storage_for(tmp_path)

    assert storage["backend"] == "django.core.files.storage.filesystem.FileSystemStorage"
    assert storage["media_root"] == str(tmp_path / "media")
    assert storage["location"] == str(tmp_path / "media")
    assert storage["file_permissions_mode"] == 0o600  # the Seuranta user's only


def test_a_file_storage_url_names_the_directory(tmp_path):
    storage = storage_for(tmp_path, STORAGE_URL=f"file://{tmp_path}/docs")

    assert storage["backend"].endswith("FileSystemStorage")
    assert storage["location"] == str(tmp_path / "docs")


def test_the_aws_variables_choose_a_private_s3_bucket(tmp_path):
    storage = storage_for(
        tmp_path,
        AWS_STORAGE_BUCKET_NAME="seuranta-documents",
        AWS_S3_ENDPOINT_URL="https://s3.example.com",
        AWS_S3_REGION_NAME="eu-north-1",
        AWS_ACCESS_KEY_ID="AKIAEXAMPLE",
        AWS_SECRET_ACCESS_KEY="not-a-secret",
    )

    assert storage["backend"] == "storages.backends.s3.S3Storage"
    assert storage["bucket_name"] == "seuranta-documents"
    assert storage["endpoint_url"] == "https://s3.example.com"
    assert storage["region_name"] == "eu-north-1"
    assert (storage["access_key"], storage["secret_key"]) == ("AKIAEXAMPLE", "not-a-secret")
    assert storage["default_acl"] is None
    assert storage["querystring_auth"] is True
    assert storage["file_overwrite"] is False


def test_a_storage_url_says_the_same_in_one_variable_and_aws_variables_win(tmp_path):
    url = (
        "s3://AKIAURL:se%2Fcret@seuranta-docs/prod/files"
        "?endpoint_url=https://minio.example.com:9000&region_name=us-east-1&addressing_style=path"
    )
    storage = storage_for(tmp_path, STORAGE_URL=url)

    assert storage["backend"] == "storages.backends.s3.S3Storage"
    assert storage["bucket_name"] == "seuranta-docs"
    assert storage["location"] == "prod/files"
    assert storage["endpoint_url"] == "https://minio.example.com:9000"
    assert storage["region_name"] == "us-east-1"
    assert storage["addressing_style"] == "path"
    assert (storage["access_key"], storage["secret_key"]) == ("AKIAURL", "se/cret")

    storage = storage_for(tmp_path, STORAGE_URL=url, AWS_S3_REGION_NAME="eu-west-1")
    assert storage["region_name"] == "eu-west-1"


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("ftp://files.example.com/docs", "use file:///path or s3://bucket"),
        ("file:relative/docs", "needs an absolute path"),
        ("s3:///prefix-only", "needs a bucket"),
    ],
)
def test_a_malformed_storage_url_stops_the_start_with_its_name(tmp_path, url, message):
    error = storage_for(tmp_path, STORAGE_URL=url)["error"]

    assert "ImproperlyConfigured" in error
    assert "STORAGE_URL" in error
    assert message in error
    assert "secret" not in error
