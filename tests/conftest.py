import pytest
from django.db import connection

from tests.factories import UserFactory


def pytest_collection_modifyitems(config, items):
    # PostgreSQL-only tests (row locks, concurrent processes) run in the DATABASE_URL=postgres://
    # pass of `make test`; on SQLite they are left out, not skipped, and said so.
    if connection.vendor == "postgresql":
        return
    keep, left_out = [], []
    for item in items:
        (left_out if item.get_closest_marker("postgres") else keep).append(item)
    if left_out:
        config.hook.pytest_deselected(items=left_out)
        items[:] = keep
        config._seuranta_pg_left_out = len(left_out)


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    count = getattr(config, "_seuranta_pg_left_out", 0)
    if count:
        terminalreporter.write_line(
            f"{count} PostgreSQL-only tests left out on SQLite: they run with "
            "DATABASE_URL=postgres://… (CI runs both)."
        )


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
