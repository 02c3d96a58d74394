"""A page drawn from cached fragments shows every write at once, whoever wrote and however.

Each test warms the page's cache first, then writes the way the issue's stale paths did (issue
20: the checklist, an import's re-link, the digest's close), and reads the page again.
"""

import datetime
import json
import zoneinfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from exports.json_export import export_account
from followups.digest import send_digests
from followups.models import Kind, State
from tests.applications.helpers import add_prep_items
from tests.exports.jobs import run_jobs
from tests.factories import ApplicationFactory, ContactFactory, InterviewFactory, followup_of_kind

pytestmark = pytest.mark.django_db

HELSINKI = zoneinfo.ZoneInfo("Europe/Helsinki")
# Tuesday 10 March 2026, 08:03 in Helsinki: just after an 08:00 digest, no holiday near.
NOW = datetime.datetime(2026, 3, 10, 8, 3, tzinfo=HELSINKI)
TODAY = reverse("applications:dashboard")
BOARD = reverse("applications:board")


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def interview(alice):
    interview = InterviewFactory(
        application=ApplicationFactory(owner=alice, company="Kone Oyj"),
        starts_at=NOW + datetime.timedelta(days=2),
    )
    add_prep_items(interview, ["Why this job?", "Your weaknesses?"])
    return interview


def checklist(interview, *, done: set[int]) -> dict:
    """The checklist form's POST, with the items at these positions ticked."""
    items = list(interview.prep_items.order_by("position", "id"))
    data = {"prep-TOTAL_FORMS": str(len(items)), "prep-INITIAL_FORMS": str(len(items))}
    for i, item in enumerate(items):
        data[f"prep-{i}-id"] = str(item.pk)
        data[f"prep-{i}-answer"] = ""
        if i in done:
            data[f"prep-{i}-done"] = "on"
    return data


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_ticking_the_checklist_shows_on_today_at_once(alice_client, interview):
    assert "0 of 2 prepared" in page(alice_client, TODAY)

    alice_client.post(interview.get_absolute_url(), checklist(interview, done={0}))

    assert "1 of 2 prepared" in page(alice_client, TODAY)


def test_adding_and_removing_a_question_shows_on_today_at_once(alice_client, interview):
    assert "0 of 2 prepared" in page(alice_client, TODAY)

    alice_client.post(
        reverse("applications:prep_item_create", args=[interview.pk]),
        {"new-question": "What would you change first?"},
    )
    assert "0 of 3 prepared" in page(alice_client, TODAY)

    first = interview.prep_items.order_by("position", "id").first()
    alice_client.post(
        reverse("applications:prep_item_delete", args=[first.pk]),
        checklist(interview, done=set()),
    )
    assert "0 of 2 prepared" in page(alice_client, TODAY)


def test_an_import_that_links_a_contact_to_an_existing_application_shows_it_at_once(
    alice_client, alice
):
    application = ApplicationFactory(owner=alice, company="Kone Oyj", position="Data Engineer")
    ContactFactory(owner=alice, name="Maija Meikäläinen", email="maija@kone.example")
    assert "Maija Meikäläinen" not in page(alice_client, application.get_absolute_url())
    # The same account's export, in which the application now names the contact.
    exported = export_account(alice)
    (contact,) = exported["contacts"]
    (entry,) = exported["applications"]
    entry["contacts"] = [contact["id"]]

    file = SimpleUploadedFile("export.json", json.dumps(exported).encode(), "application/json")
    with run_jobs():
        alice_client.post(reverse("exports:import_json"), {"file": file})

    assert application.contacts.get().name == "Maija Meikäläinen"
    assert "Maija Meikäläinen" in page(alice_client, application.get_absolute_url())


def test_a_digest_pass_that_closes_a_card_s_follow_up_shows_on_the_board_at_once(client, alice):
    alice.digest_enabled = True
    alice.digest_time = datetime.time(8, 0)
    alice.save()
    # A thank-you a week late: the digest closes it (skipped) instead of listing it. A call due
    # tomorrow stays open, and with it the newest updated_at of the person's follow-ups.
    stale = followup_of_kind(Kind.THANK_YOU, owner=alice, due_at=NOW - datetime.timedelta(days=7))
    followup_of_kind(Kind.CALL, owner=alice, due_at=NOW + datetime.timedelta(days=1))
    client.force_login(alice)
    assert page(client, BOARD).count("board-card-followup") == 2

    # The pass began two and a half minutes ago and closes the row with its own `now`: earlier
    # than the rows' last change, so a key on the newest updated_at did not move.
    send_digests(now=NOW - datetime.timedelta(seconds=150))

    stale.refresh_from_db()
    assert stale.state == State.SKIPPED
    assert page(client, BOARD).count("board-card-followup") == 1
