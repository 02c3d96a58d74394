"""Production settings pass Django's deployment checklist."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent


def production_env(var_dir: Path, **extra: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_URL", "REDIS_URL", "EMAIL_URL", "SITE_URL"))
    }
    env.update(
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(60),
        DJANGO_ALLOWED_HOSTS="seuranta.example.com",
        SITE_URL="https://seuranta.example.com",
        DATABASE_URL=f"sqlite:///{var_dir / 'db.sqlite3'}",
        REDIS_URL="redis://127.0.0.1:6379/0",
        EMAIL_URL="smtp+tls://mailer:not-a-secret@smtp.example.com:587",
        DEFAULT_FROM_EMAIL="seuranta@example.com",
        SEURANTA_VAR_DIR=str(var_dir),
        DJANGO_SETTINGS_MODULE="config.settings",
    )
    env.update(extra)
    return env


def manage(var_dir: Path, *args: str, **extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=production_env(var_dir, **extra),
        capture_output=True,
        text=True,
        timeout=120,
    )


def with_static(var_dir: Path, static: Path) -> Path:
    """var_dir, whose static/ is the collected one."""
    (var_dir / "static").symlink_to(static, target_is_directory=True)
    return var_dir


def test_check_deploy_passes_without_a_warning_under_production_values(tmp_path):
    result = manage(tmp_path, "check", "--deploy", "--fail-level", "WARNING")
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "WARNINGS" not in output
    assert "no issues" in output


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    result = manage(tmp_path, "check", DJANGO_SECRET_KEY="")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is required" in result.stderr


def test_plain_http_site_url_runs_but_check_deploy_says_it_is_not_production(tmp_path):
    """`make prod-local` serves production settings over http: it works, and is flagged."""
    result = manage(
        tmp_path,
        "check",
        "--deploy",
        SITE_URL="http://127.0.0.1:8000",
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DJANGO_SECURE_SSL_REDIRECT="0",
    )
    assert result.returncode == 0, result.stderr
    assert "security.W012" in result.stderr  # SESSION_COOKIE_SECURE follows the scheme
