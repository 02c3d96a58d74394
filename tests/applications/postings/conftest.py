import pytest

from tests.applications.postings.server import running


@pytest.fixture
def server():
    with running() as posting_server:
        yield posting_server


@pytest.fixture
def other_server():
    with running() as posting_server:
        yield posting_server


@pytest.fixture
def allow_private(settings):
    """The test servers are on 127.0.0.1: the address rule is lifted, as for an intranet."""
    settings.POSTING_FETCH_ALLOW_PRIVATE = True


@pytest.fixture(autouse=True)
def _database(db):
    """The suite clears the cache, a table of the test database, around every test
    (tests/conftest.py); a run of these tests alone needs that database too."""
