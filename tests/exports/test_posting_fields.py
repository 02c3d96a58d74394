"""What the posting said goes out in the JSON and CSV exports and comes back with the imports;
files from before these fields import with them blank."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from applications.models import Application
from exports import csv_import
from exports.json_export import export_account
from tests.exports.factories import application_for, helsinki
from tests.exports.test_csv_import import run_import
from tests.exports.test_json_import import imported, upload

POSTING_FIELDS = (
    "description",
    "employment_type",
    "apply_by",
    "salary_min",
    "salary_max",
    "salary_currency",
    "salary_period",
)


@pytest.fixture
def frozen():
    with time_machine.travel(helsinki(2025, 1, 6, 9, 0), tick=False):
        yield


@pytest.fixture
def posted(alice, frozen):
    return application_for(
        alice,
        company="Vaisala Oyj",
        position="Developer",
        description='Line one; "quoted"\n\n• =not a formula\nÄäkköset',
        employment_type="part_time",
        apply_by=datetime.date(2025, 1, 31),
        salary_min=Decimal("3800.00"),
        salary_max=Decimal("4600.50"),
        salary_currency="EUR",
        salary_period="month",
    )


def posting_values(user) -> list[tuple]:
    return list(Application.objects.filter(owner=user).values_list(*POSTING_FIELDS))


def test_the_json_export_has_the_posting_fields(posted, alice):
    exported = export_account(alice)["applications"][0]
    assert exported["description"] == posted.description
    assert exported["employment_type"] == "part_time"
    assert exported["apply_by"] == "2025-01-31"
    assert (exported["salary_min"], exported["salary_max"]) == ("3800.00", "4600.50")
    assert (exported["salary_currency"], exported["salary_period"]) == ("EUR", "month")


def test_the_json_import_restores_them(client, posted, alice, bob):
    client.force_login(bob)
    assert imported(upload(client, export_account(alice)))
    assert posting_values(bob) == posting_values(alice)


def test_an_export_from_before_the_posting_fields_imports_with_them_blank(
    client, alice, bob, frozen
):
    application_for(alice, company="Kone", position="Dev")
    old = export_account(alice)
    for application in old["applications"]:
        for name in POSTING_FIELDS:
            del application[name]
    client.force_login(bob)
    assert imported(upload(client, old))
    assert posting_values(bob) == [("", "", None, None, None, "", "")]


def test_a_bad_posting_value_in_a_json_file_is_a_problem(client, posted, alice, bob):
    data = export_account(alice)
    data["applications"][0]["employment_type"] = "gig"
    client.force_login(bob)
    page = upload(client, data).content.decode()
    assert "employment_type" in page
    assert not Application.objects.filter(owner=bob).exists()


def csv_rows(client, dialect: str) -> list[dict]:
    response = client.get(reverse("exports:applications_csv"), {"dialect": dialect})
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text), delimiter=";" if dialect == "fi" else ","))


def test_the_csv_export_has_the_posting_columns(alice_client, posted):
    (row,) = csv_rows(alice_client, "en")
    assert row["Employment type"] == "Part-time"
    assert row["Application deadline"] == "2025-01-31"
    assert (row["Advertised salary from"], row["Advertised salary to"]) == ("3800.00", "4600.50")
    assert row["Advertised salary currency"] == "EUR"
    assert row["Advertised salary period"] == "per month"
    # Text that a spreadsheet would take for a formula is not (its line starts with "•").
    assert row["Description"] == posted.description


def test_the_csv_export_in_finnish_writes_decimal_commas(client, posted, alice):
    alice.language = "fi"
    alice.save()
    client.force_login(alice)
    (row,) = csv_rows(client, "fi")
    assert (row["Ilmoitettu palkka alkaen"], row["Ilmoitettu palkka enintään"]) == (
        "3800,00",
        "4600,50",
    )
    assert row["Työsuhteen tyyppi"] == "Osa-aikainen"


@pytest.mark.parametrize("language", ["en", "fi"])
def test_the_csv_export_imports_back_with_the_posting_fields(client, alice, bob, posted, language):
    for user in (alice, bob):
        user.language = language
        user.save()
    client.force_login(alice)
    exported = b"".join(client.get(reverse("exports:applications_csv")).streaming_content)
    client.force_login(bob)

    preview, confirmed = run_import(client, exported)

    assert confirmed.context["job"].state == "done", preview.content.decode()
    assert posting_values(bob) == posting_values(alice)


def test_a_spreadsheet_s_own_posting_columns_are_understood(client, bob, frozen):
    body = (
        "Company,Position,Job type,Deadline,Salary from,Salary to,Job description\n"
        'Kone,Dev,Full-time,31.1.2025,"3 800 €","4 600 €","Lifts, escalators"\n'
    )
    client.force_login(bob)
    preview, confirmed = run_import(client, body)
    assert confirmed.context["job"].state == "done", preview.content.decode()
    assert posting_values(bob) == [
        (
            "Lifts, escalators",
            "full_time",
            datetime.date(2025, 1, 31),
            Decimal("3800.00"),
            Decimal("4600.00"),
            "EUR",
            "",
        )
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("FULL_TIME", "full_time"),
        ("part-time", "part_time"),
        ("Osa-aikainen", "part_time"),
        ("määräaikainen", "temporary"),
        ("harjoittelu", "intern"),
        ("Contract", "contractor"),
    ],
)
def test_employment_types_in_either_language(text, expected):
    assert csv_import.parse_employment_type(text) == expected


def test_bad_posting_cells_are_problems_with_their_row_and_column(client, bob, frozen):
    body = (
        "Company,Position,Employment type,Advertised salary from,Advertised salary to\n"
        "Kone,Dev,gig,1000,2000\n"
        "Wolt,Dev,full-time,5000,4000\n"
    )
    client.force_login(bob)
    preview, _confirmed = run_import(client, body)
    problems = [(p.row, p.column, p.message) for p in preview.context["problems"]]
    assert problems[0][:2] == ("2", "Employment type")
    assert "is not an employment type" in problems[0][2]
    assert problems[1] == (
        "3",
        "Advertised salary to",
        "The upper end of the range cannot be below its lower end.",
    )
    assert not Application.objects.filter(owner=bob).exists()
