import os
from pathlib import Path

import pytest
from django.db import connection
from hypothesis import settings as hypothesis_settings

from tests.factories import UserFactory
from tests.services import require_chromium
from tests.webhook import webhook_sink  # noqa: F401 - a fixture for every test directory

# Property tests explore at random on a developer's machine, where a new failing example is
# news; in CI (CI=1, or HYPOTHESIS_PROFILE=ci) they run the same examples every time, so that a
# red run is the code's doing and not the draw's. Examples found once are kept as @example.
hypothesis_settings.register_profile("ci", derandomize=True, database=None)
hypothesis_settings.load_profile(
    os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "default")
)


def pytest_collection_modifyitems(config, items):
    # Tests of one database's own behaviour run in that database's pass of `make test` (CI runs
    # both): PostgreSQL-only ones (row locks, concurrent processes) in the DATABASE_URL=postgres://
    # pass, SQLite-only ones (its single write lock) in the default one. Elsewhere they are left
    # out, not skipped, and said so: under REQUIRE_SERVICES=1 a skip means something is missing.
    other = "sqlite" if connection.vendor == "postgresql" else "postgres"
    keep, left_out = [], []
    for item in items:
        (left_out if item.get_closest_marker(other) else keep).append(item)
    if left_out:
        config.hook.pytest_deselected(items=left_out)
        items[:] = keep
        config._seuranta_left_out = (len(left_out), other)


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    count, other = getattr(config, "_seuranta_left_out", (0, ""))
    if count:
        name = {"postgres": "PostgreSQL", "sqlite": "SQLite"}[other]
        terminalreporter.write_line(
            f"{count} {name}-only tests left out on this database: they run in the other pass "
            "of `make test` (CI runs both)."
        )


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path_factory):
    # Documents are written to the storage: each test to a directory of its own, never var/.
    settings.MEDIA_ROOT = tmp_path_factory.mktemp("media")
    return settings.MEDIA_ROOT


# The database settings before pytest-django points them at the test database.
CONFIGURED_DATABASE = connection.settings_dict["NAME"]


def _clear_caches() -> None:
    from django.core.cache import caches
    from django.core.cache.backends.db import DatabaseCache

    for cache in caches.all():
        # A run of tests none of which uses the database (one policy file, say) sets up no test
        # database: then no test can have used the cache table either, and clearing it would
        # reach the configured database instead.
        if isinstance(cache, DatabaseCache) and connection.settings_dict["NAME"] == (
            CONFIGURED_DATABASE
        ):
            continue
        cache.clear()


@pytest.fixture(autouse=True)
def empty_cache(django_db_setup, django_db_blocker):
    # Rate-limit counters live in the cache; each test starts from none. Without REDIS_URL the
    # cache is a table of the test database (created with it), so clearing it needs the
    # database even in a test that does not otherwise use it.
    # Cached page fragments too, so that no test sees another's pages.
    with django_db_blocker.unblock():
        _clear_caches()
    yield
    with django_db_blocker.unblock():
        _clear_caches()


@pytest.fixture
def alice(db):
    return UserFactory(email="alice@example.com", display_name="Alice Example")


@pytest.fixture
def bob(db):
    return UserFactory(email="bob@example.com", display_name="Bob Example")


@pytest.fixture
def alice_client(client, alice):
    client.force_login(alice)
    return client


@pytest.fixture
def bob_client(client, bob):
    client.force_login(bob)
    return client


# Browser tests (tests/e2e, tests/integration): Playwright drives the system Chromium against
# pytest-django's live server.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    executable = require_chromium()
    # Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
    # around it are still plain synchronous code.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def page_for(browser, live_server):
    """A fresh browser context per test, with the Accept-Language and time zone asked for."""
    contexts = []

    def open_page(locale: str = "en-GB", timezone_id: str = "Europe/Helsinki"):
        # A browser's own clock: sign-up takes the account's time zone from it.
        context = browser.new_context(
            locale=locale, base_url=live_server.url, timezone_id=timezone_id
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture(scope="session")
def collected_static(tmp_path_factory) -> Path:
    """Static files collected once with production settings, as every deployment does first:
    pages (the 404 page too) name their files through the manifest this writes."""
    var_dir = tmp_path_factory.mktemp("collected")
    from tests.test_deploy_checks import manage

    result = manage(var_dir, "collectstatic", "--noinput", "--verbosity", "0")
    assert result.returncode == 0, result.stderr
    return var_dir / "static"
