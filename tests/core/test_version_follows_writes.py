"""Every POST the ownership tests list: when it changed a row the person owns, their data
version changed too, so no cached fragment of their pages outlives the change.

The owner posts on their own rows here (the ownership tests post as someone else). A new POST
view that writes past core.owned (raw SQL, or a model that is not an OwnedModel) fails this
test once its URL is listed there, as every URL with an id must be.
"""

import datetime
from urllib.parse import urlsplit

import pytest
import time_machine
from django.apps import apps
from django.db import transaction
from django.urls import reverse

from core.owned import OwnedModel
from followups import links
from followups.models import Followup, Kind, State
from tests.applications.helpers import one_of_each
from tests.applications.test_ownership import GET_ONLY
from tests.applications.test_ownership import URLS_WITH_IDS as APPLICATION_URLS
from tests.drafts.factories import DraftFactory
from tests.drafts.test_ownership import DRAFT_CASES
from tests.drafts.test_ownership import POST_DATA as DRAFT_POST_DATA
from tests.factories import (
    ApplicationFactory,
)
from tests.followups.test_ownership import CASES as FOLLOWUP_CASES

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 3, 4, 10, 0, tzinfo=datetime.UTC)

POSTS = (
    [("applications", name) for name in sorted(set(APPLICATION_URLS) - GET_ONLY)]
    + [("drafts", name) for name, method in DRAFT_CASES if method == "post"]
    + [("followups", case) for case, method in FOLLOWUP_CASES if method == "post"]
)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def alices(alice):
    """One of each row the listed URLs name, all Alice's."""
    rows = one_of_each(alice)
    due_at = NOW - datetime.timedelta(hours=1)
    return {
        **rows,
        "draft": DraftFactory(application=rows["application"], interview=rows["interview"]),
        "followup": Followup.objects.create(
            owner=alice,
            application=ApplicationFactory(owner=alice),
            kind=Kind.CALL,
            state=State.NOTIFIED,
            due_at=due_at,
            next_attempt_at=due_at,
        ),
    }


def owned_rows(user) -> dict:
    """Every row the user owns, field by field, and every link between their rows."""
    data = {}
    for model in apps.get_models():
        if not issubclass(model, OwnedModel):
            continue
        rows = model._base_manager.filter(owner=user).order_by("pk")
        data[model._meta.label] = list(rows.values())
        for field in model._meta.many_to_many:
            through = field.remote_field.through
            column = f"{field.m2m_field_name()}_id"
            links_ = through._base_manager.filter(**{f"{column}__in": rows.values("pk")})
            data[through._meta.label] = sorted(links_.values_list(column, flat=False))
    return data


def request_for(app: str, name: str, rows: dict) -> tuple[str, dict]:
    if app == "applications":
        kind, data = APPLICATION_URLS[name]
        return reverse(f"applications:{name}", args=[rows[kind].pk]), data
    if app == "drafts":
        return reverse(f"drafts:{name}", args=[rows["draft"].pk]), DRAFT_POST_DATA
    url_name, _, action = name.partition(":")
    if url_name == "signed_action":
        return urlsplit(links.action_url(rows["followup"], action)).path, {}
    return reverse(f"followups:{url_name}", args=[rows["followup"].pk]), {}


def version(user):
    user.refresh_from_db(fields=["data_version"])
    return user.data_version


@pytest.mark.parametrize(("app", "name"), POSTS, ids=[f"{a}:{n}" for a, n in POSTS])
def test_a_post_that_changes_the_owners_rows_renews_their_version(
    alice_client, alice, alices, app, name
):
    url, data = request_for(app, name, alices)
    before, version_before = owned_rows(alice), version(alice)

    response = alice_client.post(url, data)

    assert response.status_code < 500
    if owned_rows(alice) != before:
        assert version(alice) != version_before, f"{url} wrote without renewing the version"


def test_a_write_past_the_owned_rows_fails_the_check(alice, alices):
    """The check itself: a row changed by raw SQL leaves the version, and is caught."""
    from django.db import connection

    before, version_before = owned_rows(alice), version(alice)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE applications_contact SET name = %s WHERE id = %s",
            ["Written past core.owned", alices["contact"].pk],
        )
    assert owned_rows(alice) != before
    assert version(alice) == version_before


def test_every_listed_post_changes_something_for_its_owner(alice_client, alice, alices):
    """So the test above checks what it claims: most listed POSTs do write (a few only
    confirm, refuse or undo nothing, and those are few)."""
    writing = 0
    for app, name in POSTS:
        url, data = request_for(app, name, alices)
        with transaction.atomic():  # each POST from the same rows: rolled back after
            before = owned_rows(alice)
            alice_client.post(url, data)
            writing += owned_rows(alice) != before
            transaction.set_rollback(True)
    assert writing >= len(POSTS) * 3 // 4, writing
