"""An impossible salary amount is a clear error next to it, wherever it is typed or imported.

Huge exponents, NaN and Infinity (quiet or signalling) once reached Decimal arithmetic that
raised decimal.InvalidOperation: a 500 on the CSV import's preview. The form, the CSV import
and the JSON import each say what is wrong with the value, where it is, and store nothing.
"""

import datetime
import json
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from applications.models import Application
from exports.csv_import.values import parse_amount
from exports.json_export import export_account
from tests.applications.helpers import application_data, shown_errors
from tests.exports.factories import application_for, helsinki
from tests.exports.test_csv_import import run_import
from tests.exports.test_json_import import upload

pytestmark = pytest.mark.django_db

IMPOSSIBLE = [
    "1e30",
    "1E+40",
    "9e999999",
    "-9e999999",
    "NaN",
    "-NaN",
    "Infinity",
    "-Infinity",
    "inf",
    "sNaN",
    "-sNaN",
    "99999999999",
    "1e10",
]


@pytest.fixture
def frozen():
    with time_machine.travel(helsinki(2025, 1, 6, 9, 0), tick=False):
        yield


@pytest.mark.parametrize("amount", IMPOSSIBLE)
@pytest.mark.parametrize("field", ["expected_salary", "offered_salary"])
def test_the_application_form_says_what_is_wrong_with_the_amount(alice_client, field, amount):
    response = alice_client.post(
        reverse("applications:application_create"), application_data(**{field: amount})
    )
    assert response.status_code == 200
    assert shown_errors(response, field)
    assert not Application.objects.exists()


@pytest.mark.parametrize("amount", IMPOSSIBLE)
def test_the_csv_import_names_the_row_and_column_of_an_impossible_amount(
    alice_client, frozen, amount
):
    body = f"Company,Position,Expected salary\nKone Oyj,Data Engineer,{amount}\n"
    preview, confirmed = run_import(alice_client, body)
    assert preview.status_code == 400
    problems = [(p.row, p.column) for p in preview.context["problems"]]
    assert problems == [("2", "Expected salary")]
    # Confirming anyway (a crafted POST): the import job fails and writes nothing.
    assert confirmed.context["job"].state == "failed"
    assert not Application.objects.exists()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("1e30", "too large"),
        ("1E+40", "too large"),
        ("9e999999", "too large"),
        ("NaN", "not an amount"),
        ("Infinity", "not an amount"),
        ("-Infinity", "not an amount"),
        ("sNaN", "not an amount"),
    ],
)
def test_a_csv_amount_is_refused_with_a_message_not_an_exception(text, message):
    with pytest.raises(ValueError, match=message):
        parse_amount(text)


def test_ordinary_csv_amounts_still_read():
    assert parse_amount("2 600,50 €") == (Decimal("2600.50"), "EUR")
    assert parse_amount("1e3") == (Decimal("1000.00"), "")
    assert parse_amount("9999999999.99") == (Decimal("9999999999.99"), "")
    # Far too small to be a salary, but a number: it rounds to no cents, as 0.001 does.
    assert parse_amount("1e-999999999") == (Decimal("0.00"), "")
    assert parse_amount("0E+999999") == (Decimal("0.00"), "")


def json_with_amount(user, literal: str) -> bytes:
    """An export whose first application's expected salary is this JSON text, as written."""
    data = export_account(user)
    data["applications"][0]["expected_salary"] = "__AMOUNT__"
    return json.dumps(data).encode().replace(b'"__AMOUNT__"', literal.encode())


@pytest.mark.parametrize(
    "literal",
    [f'"{amount}"' for amount in IMPOSSIBLE] + ["1e30", "1E+40", "9e999999", "-9e999999"],
)
def test_the_json_import_names_the_application_and_field_of_an_impossible_amount(
    client, alice, bob, frozen, literal
):
    application_for(alice, applied_on=datetime.date(2024, 12, 2))
    body = json_with_amount(alice, literal)
    client.force_login(bob)
    response = upload(client, body)
    assert response.context["job"].state == "failed"
    problems = [(p.row, p.column) for p in response.context["problems"]]
    assert ("applications[0]", "expected_salary") in problems
    assert not Application.objects.filter(owner=bob).exists()
