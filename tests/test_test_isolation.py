"""The suite keeps to itself: each test process its own var/ and Redis database, and property
tests draw the same examples in every CI run."""

import os
from pathlib import Path

import hypothesis
from django.conf import settings

from tests.services import REDIS_TEST_URL


def test_each_test_process_keeps_its_files_under_a_var_of_its_own():
    var_dir = Path(settings.VAR_DIR)
    assert var_dir.parent == Path(settings.BASE_DIR) / "var" / "test"
    assert var_dir.name.startswith(os.environ.get("PYTEST_XDIST_WORKER", "main") + "-")
    for path in (settings.STATIC_ROOT, settings.OUTBOX_DIR, settings.MEDIA_ROOT):
        assert Path(path).is_relative_to(var_dir) or "pytest" in str(path)


def test_each_xdist_worker_has_a_redis_database_of_its_own():
    worker = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw"))
    if "REDIS_TEST_URL" not in os.environ:
        assert REDIS_TEST_URL.endswith(f"/{15 - worker % 15}")


def test_property_tests_run_the_same_examples_in_ci():
    assert hypothesis.settings.get_profile("ci").derandomize
    if os.environ.get("CI") or os.environ.get("HYPOTHESIS_PROFILE") == "ci":
        assert hypothesis.settings.default.derandomize
