"""/healthz tells a load balancer whether this web process can serve."""

import socket

import pytest
from django.db import DatabaseError
from django.urls import reverse

from config import health
from tests.services import require_redis

pytestmark = pytest.mark.django_db


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(autouse=True)
def filesystem_broker(settings, tmp_path):
    """The embedded broker of `make run`, in folders of this test's own."""
    folders = {name: tmp_path / "broker" / name for name in ("out", "processed", "control")}
    for folder in folders.values():
        folder.mkdir(parents=True)
    settings.CELERY_BROKER_URL = "filesystem://"
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(folders["out"]),
        "data_folder_out": str(folders["out"]),
        "processed_folder": str(folders["processed"]),
        "control_folder": str(folders["control"]),
    }
    return folders


def test_healthz_is_ok_with_the_test_database_and_the_filesystem_broker(client):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "broker": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_healthz_needs_no_login_and_no_session(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert "Set-Cookie" not in response


def test_unreachable_redis_is_a_503_naming_the_broker_and_no_secret(client, settings):
    url = f"redis://:hunter2-secret@127.0.0.1:{closed_port()}/0"
    settings.REDIS_URL = settings.CELERY_BROKER_URL = url
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "ok", "broker": "error"}
    assert b"hunter2" not in response.content
    assert b"127.0.0.1" not in response.content


def test_missing_broker_folder_is_a_503(client, filesystem_broker):
    filesystem_broker["out"].rmdir()
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["broker"] == "error"


def test_database_failure_is_a_503_naming_the_database(client, monkeypatch):
    def broken():
        raise DatabaseError("could not connect to server at db.internal:5432 as seuranta")

    monkeypatch.setitem(health.CHECKS, "database", broken)
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "error", "broker": "ok"}
    assert b"db.internal" not in response.content


def test_healthz_refuses_post(client):
    assert client.post(reverse("healthz")).status_code == 405


@pytest.mark.redis
def test_healthz_is_ok_with_a_running_redis(client, settings):
    settings.REDIS_URL = settings.CELERY_BROKER_URL = require_redis()
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json()["broker"] == "ok"
