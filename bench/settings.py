"""The production settings plus one bench-only URL (bench/urls.py): gunicorn for `make bench`
runs with DJANGO_SETTINGS_MODULE=bench.settings. Nothing else differs from config.settings."""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
