"""CSV of applications, CSV of the status history, and the JSON export of the whole account."""

import csv
import io
import json

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.exports.factories import application_for, helsinki, interview_for
from tests.exports.fixtures import fill_account


@pytest.fixture
def frozen():
    with time_machine.travel(helsinki(2025, 1, 6, 9, 0), tick=False):
        yield


def download(client, name: str) -> str:
    response = client.get(reverse(f"exports:{name}"))
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    return b"".join(response.streaming_content).decode("utf-8")


def rows_of(text: str) -> list[dict[str, str]]:
    assert text.startswith("\ufeff"), "Excel needs the byte-order mark to read UTF-8"
    return list(csv.DictReader(io.StringIO(text[1:])))


def test_the_applications_csv_has_one_row_per_application_of_the_owner_only(
    alice_client, alice, bob, frozen
):
    fill_account(alice)
    fill_account(bob, company_prefix="Bob's ")

    rows = rows_of(download(alice_client, "applications_csv"))

    assert [r["Company"] for r in rows] == ["Kone Oyj", "Wolt"]
    kone = rows[0]
    assert kone["Position"] == "Data Engineer"
    assert kone["Status"] == "Offer"
    assert kone["Status changed on"] == "2025-01-06"
    assert kone["Applied on"] == "2024-12-02"
    assert kone["Location"] == "Espoo"
    assert kone["Source"] == "Duunitori"
    assert kone["Job posting URL"] == "https://example.com/jobs/1"
    assert kone["Contacts"] == "Maija Meikäläinen"
    assert kone["Contact emails"] == "maija@kone.example"
    assert kone["Interviews"] == "1"
    assert (kone["Expected salary"], kone["Expected salary currency"]) == ("4200.00", "EUR")
    assert kone["Expected salary period"] == "per month"
    assert kone["Offered salary"] == "4400.00"
    assert rows[1]["Status"] == "No response"
    assert rows[1]["Expected salary"] == rows[1]["Expected salary currency"] == ""


def test_the_history_csv_lists_every_status_change_with_its_date(alice_client, alice, bob, frozen):
    fill_account(alice)
    fill_account(bob, company_prefix="Bob's ")

    rows = rows_of(download(alice_client, "history_csv"))

    assert {r["Company"] for r in rows} == {"Kone Oyj", "Wolt"}
    kone = [(r["Status"], r["Previous status"]) for r in rows if r["Company"] == "Kone Oyj"]
    assert kone == [("Applied", ""), ("Interviewing", "Applied"), ("Offer", "Interviewing")]
    # The applied step is dated by the date applied (noon, the user's time), the rest by when
    # they were recorded.
    dates = {(r["Status"], r["Date"], r["Time"]) for r in rows if r["Company"] == "Kone Oyj"}
    assert dates == {
        ("Applied", "2024-12-02", "12:00"),
        ("Interviewing", "2025-01-06", "09:00"),
        ("Offer", "2025-01-06", "09:00"),
    }
    assert rows[0]["Applied on"] == "2024-12-02"


def test_formula_like_text_is_kept_as_text_in_the_csv(alice_client, alice, frozen):
    application_for(alice, company='=HYPERLINK("http://x")', position="+1 Engineer")
    rows = rows_of(download(alice_client, "applications_csv"))
    assert rows[0]["Company"] == '\'=HYPERLINK("http://x")'
    assert rows[0]["Position"] == "'+1 Engineer"


def test_a_contact_email_that_reads_as_a_formula_is_kept_as_text(alice_client, alice, frozen):
    """ "=1+1@x.example" is a valid address and a formula: the cell starts with an apostrophe."""
    from applications.models import Contact

    application = application_for(alice)
    application.contacts.add(
        Contact.objects.create(owner=alice, name="Eve", email="=1+1@x.example")
    )
    rows = rows_of(download(alice_client, "applications_csv"))
    assert [r for r in rows[0].values() if "x.example" in r] == ["'=1+1@x.example"]


def test_the_json_export_has_the_schema_and_only_the_owners_data(alice_client, alice, bob, frozen):
    fill_account(alice)
    fill_account(bob, company_prefix="Bob's ")

    response = alice_client.get(reverse("exports:account_json"))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    data = json.loads(response.content)
    assert (data["schema"], data["version"]) == ("seuranta-export", 1)
    assert data["account"]["email"] == "alice@example.com"
    assert data["account"]["preferences"]["call_delay_business_days"] == 4
    assert data["account"]["preferences"]["quiet_hours_start"] == "22:00:00"
    assert [a["company"] for a in data["applications"]] == ["Kone Oyj", "Wolt"]
    assert "Bob" not in json.dumps(data)
    kone = data["applications"][0]
    assert [s["status"] for s in kone["status_history"]] == ["applied", "interviewing", "offer"]
    # Applied on 2 December: noon in Helsinki.
    assert kone["status_history"][0]["changed_at"] == "2024-12-02T10:00:00Z"
    interview = kone["interviews"][0]
    assert interview["starts_at"] == "2024-12-12T08:00:00Z"
    assert interview["kind"] == "onsite"
    contact_ids = {c["id"]: c["name"] for c in data["contacts"]}
    assert [contact_ids[i] for i in interview["interviewers"]] == ["Maija Meikäläinen"]
    assert any(p["answer"] == "I like elevators." for p in interview["prep_items"])
    assert kone["feedback"][0]["text"] == "Strong SQL."
    assert {f["kind"] for f in kone["followups"]} >= {"feedback"}
    assert kone["drafts"][0]["subject"] == "Kiitos haastattelusta"
    assert kone["drafts"][0]["interview"] == interview["id"]
    assert data["draft_templates"] == [
        {"kind": "call", "language": "en", "subject": "Call {company}", "body": "Hello {company}"}
    ]
    assert "Why this team?" in [q["question"] for q in data["question_bank"]]


def _count_queries(client, name: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse(f"exports:{name}"))
        if response.streaming:
            b"".join(response.streaming_content)
    return len(queries)


def _add_applications(user, count: int) -> None:
    for i in range(count):
        app = application_for(user, company=f"Firm {i}", position="Developer")
        if i % 2:
            interview_for(
                app, helsinki(2025, 1, 10 + i % 10, 10, 0), interviewers=[(f"P {i}", "", "")]
            )


@pytest.mark.parametrize("name", ["applications_csv", "history_csv", "account_json"])
def test_exports_run_the_same_number_of_queries_for_5_and_50_applications(
    alice_client, alice, frozen, name
):
    _add_applications(alice, 5)
    few = _count_queries(alice_client, name)
    _add_applications(alice, 45)
    many = _count_queries(alice_client, name)
    assert few == many


@pytest.mark.parametrize("name", ["applications_csv", "history_csv", "account_json"])
def test_exports_need_a_login(client, db, name):
    response = client.get(reverse(f"exports:{name}"))
    assert response.status_code == 302
