"""The JSON export imports back: into a fresh account, into the same one again, never half-way."""

import copy
import datetime
import json

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from applications.models import (
    Application,
    BankQuestion,
    Contact,
    FeedbackEntry,
    Interview,
    PrepItem,
    StatusChange,
)
from drafts.models import Draft, DraftTemplate
from exports.json_export import export_account
from followups import policy
from followups.models import Followup
from tests.exports.factories import application_for, helsinki, interview_for
from tests.exports.fixtures import fill_account
from tests.exports.jobs import run_jobs

MODELS = [
    Application,
    StatusChange,
    Contact,
    Interview,
    PrepItem,
    FeedbackEntry,
    Followup,
    BankQuestion,
    Draft,
    DraftTemplate,
]


@pytest.fixture
def frozen():
    with time_machine.travel(helsinki(2025, 1, 6, 9, 0), tick=False):
        yield


def export_of(user) -> dict:
    user.refresh_from_db()  # the import saved the preferences on the request's copy
    return export_account(user)


def counts(user) -> dict[str, int]:
    return {m.__name__: m.objects.filter(owner=user).count() for m in MODELS}


def comparable(data: dict) -> dict:
    """The export without what is not data: file-local ids, timestamps of creation, the email.

    References by id become references by content (a contact by name and email, an interview by
    its start), so two exports of the same data compare equal whichever ids they got.
    """
    data = copy.deepcopy(data)
    contacts = {c.pop("id"): (c["name"], c["email"]) for c in data["contacts"]}
    data["contacts"].sort(key=lambda c: (c["name"], c["email"]))
    for key in ("exported_at",):
        data.pop(key)
    data["account"].pop("email")
    for app in data["applications"]:
        app.pop("id")
        app.pop("created_at")
        app["contacts"] = sorted(contacts[i] for i in app["contacts"])
        starts = {}
        for interview in app["interviews"]:
            starts[interview.pop("id")] = interview["starts_at"]
            interview["interviewers"] = sorted(contacts[i] for i in interview["interviewers"])
        for item in app["followups"] + app["drafts"]:
            item["interview"] = starts.get(item["interview"])
        for document in app.get("documents", []):
            # The file's place in a zip names the document's id.
            document.pop("id")
            document.pop("file")
    data["applications"].sort(key=lambda a: (a["company"], a["position"]))
    return data


def upload(client, data, *, take_preferences: bool = False) -> object:
    """Upload the file as the form does; the job runs at once, in-process. The job's page."""
    body = data if isinstance(data, bytes) else json.dumps(data).encode()
    file = SimpleUploadedFile("export.json", body, content_type="application/json")
    form = {"file": file, **({"take_preferences": "on"} if take_preferences else {})}
    with run_jobs():
        response = client.post(reverse("exports:import_json"), form)
    assert response.status_code == 302, response.content.decode()
    return client.get(response.url)


def imported(response) -> bool:
    return response.status_code == 200 and response.context["job"].state == "done"


def refused(response) -> bool:
    page = response.content.decode()
    return response.context["job"].state == "failed" and "Nothing was imported" in page


def test_export_import_export_gives_the_same_data(client, alice, bob, frozen):
    fill_account(alice)
    exported = export_account(alice)
    assert counts(bob)["Application"] == 0

    client.force_login(bob)
    response = upload(client, exported, take_preferences=True)

    assert imported(response), response.content.decode()
    assert comparable(export_of(bob)) == comparable(exported)
    assert counts(bob) == counts(alice)


def test_the_apply_by_reminder_and_the_digest_preferences_travel_with_the_export(
    client, alice, bob, frozen
):
    fill_account(alice)
    application_for(
        alice,
        company="Fazer",
        position="Data Analyst",
        status="saved",
        applied_on=None,
        apply_by=datetime.date(2025, 2, 14),
    )
    alice.digest_enabled = True
    alice.digest_time = datetime.time(7, 45)
    alice.save()
    exported = export_account(alice)
    [waiting] = [a for a in exported["applications"] if a["company"] == "Fazer"]
    assert waiting["apply_by"] == "2025-02-14"
    assert [(f["kind"], f["state"], f["due_at"]) for f in waiting["followups"]] == [
        ("apply_by", "scheduled", "2025-02-12T08:00:00Z")
    ]
    preferences = exported["account"]["preferences"]
    assert (preferences["digest_enabled"], preferences["digest_time"]) == (True, "07:45:00")
    assert preferences["apply_by_enabled"] is True

    client.force_login(bob)
    assert imported(upload(client, exported, take_preferences=True))

    bob.refresh_from_db()
    assert (bob.digest_enabled, str(bob.digest_time)) == (True, "07:45:00")
    restored = Followup.objects.get(owner=bob, kind="apply_by")
    assert (restored.application.apply_by.isoformat(), restored.state) == (
        "2025-02-14",
        "scheduled",
    )
    assert restored.due_at == helsinki(2025, 2, 12, 10, 0)
    assert comparable(export_of(bob)) == comparable(exported)


def test_an_export_from_before_apply_by_and_the_digest_still_imports(bob_client, bob, frozen):
    """No deadline, no digest preferences, no such kind: the defaults stand."""
    data = {
        "schema": "seuranta-export",
        "version": 1,
        "account": {"preferences": {"call_time": "09:00", "thank_you_enabled": True}},
        "applications": [
            {
                "company": "Kone Oyj",
                "position": "Engineer",
                "status": "saved",
                "status_changed_at": "2025-01-02T08:00:00Z",
                "followups": [],
            }
        ],
    }
    assert imported(upload(bob_client, data, take_preferences=True))

    bob.refresh_from_db()
    assert (bob.digest_enabled, bob.apply_by_enabled) == (False, True)
    assert Application.objects.get(owner=bob).apply_by is None
    assert not Followup.objects.filter(owner=bob).exists()


def test_a_second_apply_by_for_one_application_is_a_problem_named_in_the_file(
    bob_client, bob, frozen
):
    followup = {"kind": "apply_by", "state": "scheduled", "due_at": "2025-02-12T08:00:00Z"}
    data = {
        "schema": "seuranta-export",
        "version": 1,
        "applications": [
            {
                "company": "Fazer",
                "position": "Data Analyst",
                "status": "saved",
                "apply_by": "2025-02-14",
                "status_changed_at": "2025-01-02T08:00:00Z",
                "followups": [followup, dict(followup)],
            }
        ],
    }
    response = upload(bob_client, data)

    assert refused(response)
    assert "A second follow-up of this kind is not allowed." in response.content.decode()
    assert not Followup.objects.filter(owner=bob).exists()


def test_importing_the_same_file_twice_changes_nothing_the_second_time(client, alice, bob, frozen):
    fill_account(alice)
    exported = export_account(alice)
    client.force_login(bob)
    upload(client, exported)
    before = counts(bob)
    snapshot = comparable(export_of(bob))

    response = upload(client, exported)

    assert imported(response)
    assert counts(bob) == before
    assert comparable(export_of(bob)) == snapshot


def test_importing_into_the_same_account_adds_nothing(alice_client, alice, frozen):
    fill_account(alice)
    before = counts(alice)
    snapshot = comparable(export_of(alice))
    assert imported(upload(alice_client, export_account(alice)))
    assert counts(alice) == before
    assert comparable(export_of(alice)) == snapshot


def test_an_import_adds_only_what_an_existing_account_lacks(client, alice, bob, frozen):
    fill_account(alice)
    exported = export_account(alice)
    fill_account(bob)  # Bob already has the same two applications, contacts and template.
    before = counts(bob)
    client.force_login(bob)

    assert imported(upload(client, exported))

    assert counts(bob) == before


def test_the_import_never_touches_another_users_rows(client, alice, bob, frozen):
    fill_account(alice)
    alice_before = comparable(export_of(alice))
    client.force_login(bob)
    data = export_account(alice)
    for app in data["applications"]:
        app["company"] = "Changed " + app["company"]
    upload(client, data)
    assert comparable(export_of(alice)) == alice_before


def test_a_bad_row_imports_nothing_and_each_problem_is_named(client, alice, bob, frozen):
    fill_account(alice)
    data = export_account(alice)
    data["applications"][0]["company"] = ""
    data["applications"][1]["applied_on"] = "31.2.2024"
    data["applications"][0]["interviews"][0]["duration_minutes"] = 9999
    client.force_login(bob)

    response = upload(client, data, take_preferences=True)

    assert refused(response)
    page = response.content.decode()
    assert "applications[0]" in page and "company" in page
    assert "applications[1]" in page and "applied_on" in page
    assert "applications[0].interviews[0]" in page and "duration_minutes" in page
    assert all(n == 0 for n in counts(bob).values())
    bob.refresh_from_db()
    assert bob.call_delay_business_days == 3  # the preferences were not imported either


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"{not json", "Not valid JSON"),
        (b'{"schema": "something-else", "version": 1}', "not a Seuranta export"),
        (b'{"schema": "seuranta-export", "version": 2}', "version 2 is not supported"),
        (b"\xff\xfe\x00", "not UTF-8"),
    ],
)
def test_a_file_that_is_not_an_export_is_refused(bob_client, bob, body, message):
    response = upload(bob_client, body)
    assert refused(response)
    assert message in response.content.decode()
    assert all(n == 0 for n in counts(bob).values())


def test_a_reference_to_a_missing_contact_is_a_problem(bob_client, alice, bob, frozen):
    fill_account(alice)
    data = export_account(alice)
    data["applications"][0]["contacts"] = [123456]
    response = upload(bob_client, data)
    assert refused(response)
    assert "No contact with id 123456" in response.content.decode()
    assert counts(bob)["Application"] == 0


def test_a_hand_written_file_without_history_gets_a_first_timeline_step(bob_client, bob, frozen):
    data = {
        "schema": "seuranta-export",
        "version": 1,
        "applications": [{"company": "Supercell", "position": "Game Dev", "status": "applied"}],
    }
    assert imported(upload(bob_client, data))
    app = Application.objects.get(owner=bob)
    assert list(app.status_changes.values_list("status", flat=True)) == ["applied"]


def test_an_imported_interview_gets_its_follow_ups_from_the_sync(bob_client, bob, frozen):
    """A file with an interview but no follow-ups: the same sync as the forms schedules them."""
    data = {
        "schema": "seuranta-export",
        "version": 1,
        "applications": [
            {
                "company": "Kone Oyj",
                "position": "Engineer",
                "status": "interviewing",
                "interviews": [{"starts_at": "2025-01-08T11:00:00Z", "duration_minutes": 60}],
            }
        ],
    }
    assert imported(upload(bob_client, data))

    interview = Interview.objects.get(owner=bob)
    followups = {f.kind: f for f in Followup.objects.filter(owner=bob)}
    prefs = policy.Preferences.from_user(bob)
    assert followups["thank_you"].due_at == policy.thank_you_due(interview.ends_at, prefs)
    assert followups["call"].due_at == policy.call_due(interview.ends_at, prefs)
    assert {f.state for f in followups.values()} == {"scheduled"}


def test_an_import_that_changes_the_call_time_moves_the_pending_calls(alice_client, alice, frozen):
    """As when the preferences form saves a new call time: pending follow-ups reschedule."""
    application = application_for(alice)
    interview_for(application, helsinki(2025, 1, 7, 13, 0))
    assert Followup.objects.get(kind="call").due_at == helsinki(2025, 1, 10, 10, 0)
    data = {
        "schema": "seuranta-export",
        "version": 1,
        "account": {"preferences": {"call_time": "14:30"}},
    }

    assert imported(upload(alice_client, data, take_preferences=True))

    assert Followup.objects.get(kind="call").due_at == helsinki(2025, 1, 10, 14, 30)


def test_an_old_export_with_a_skip_code_in_last_error_restores_it_as_the_skip_reason(
    bob_client, bob, frozen
):
    data = {
        "schema": "seuranta-export",
        "version": 1,
        "applications": [
            {
                "company": "Kone Oyj",
                "position": "Engineer",
                "status": "rejected",
                "status_changed_at": "2024-10-01T08:00:00Z",
                "followups": [
                    {
                        "kind": "feedback",
                        "state": "skipped",
                        "due_at": "2024-10-02T07:00:00Z",
                        "last_error": "stale_feedback",
                    }
                ],
            }
        ],
    }
    assert imported(upload(bob_client, data))

    followup = Followup.objects.get(owner=bob)
    assert (followup.skip_reason, followup.last_error) == ("stale_feedback", "")
