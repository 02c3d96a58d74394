"""`make run` on a fresh clone: DEBUG off unless DJANGO_DEBUG=1, the product's own error pages,
and local defaults that need no configuration."""

import os
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent

PROBE = """
from django.conf import settings
from django.test import Client
client = Client(HTTP_HOST="127.0.0.1")
missing = client.get("/no-such-page/")
static = client.get("/static/css/seuranta.css")
print("DEBUG", settings.DEBUG)
print("404", missing.status_code, "Page not found" in missing.content.decode())
print("technical", "URLconf" in missing.content.decode())
print("static", static.status_code)
"""


def run_locally(tmp_path: Path, **extra: str) -> str:
    """The settings as `make run` starts them on a fresh clone: no DJANGO_* variable at all."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_URL", "REDIS_URL", "EMAIL_URL", "SITE_URL"))
    }
    env.update(SEURANTA_VAR_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="config.settings", **extra)
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", PROBE],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_a_local_run_shows_the_products_404_page_and_serves_static_files(tmp_path):
    out = run_locally(tmp_path)

    assert "DEBUG False" in out
    assert "404 404 True" in out
    assert "technical False" in out
    assert "static 200" in out


def test_django_debug_1_turns_the_technical_pages_on(tmp_path):
    out = run_locally(tmp_path, DJANGO_DEBUG="1")

    assert "DEBUG True" in out
    assert "technical True" in out
