"""CSV in the person's dialect: Finnish Excel's semicolons and decimal commas, English commas;
the import reads the dates people type and previews statuses and amounts in words."""

import csv
import datetime
import io

import pytest
import time_machine
from django.urls import reverse

from applications.models import Application
from tests.exports.factories import application_for, helsinki
from tests.exports.fixtures import fill_account
from tests.exports.test_csv_import import confirm, guessed_mapping, post_file, run_import


@pytest.fixture
def frozen():
    with time_machine.travel(helsinki(2025, 1, 6, 9, 0), tick=False):
        yield


def exported(client, name="applications_csv", **params) -> str:
    response = client.get(reverse(f"exports:{name}"), params)
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    return text[1:]


def test_a_finnish_person_gets_semicolons_and_decimal_commas(alice_client, alice, frozen):
    alice.language = "fi"
    alice.save()
    fill_account(alice)

    text = exported(alice_client)

    rows = list(csv.DictReader(io.StringIO(text), delimiter=";"))
    kone = next(r for r in rows if r["Yritys"] == "Kone Oyj")
    assert kone["Palkkatoive"] == "4200,00"
    assert kone["Muistiinpanot"] == "Referred by Matti.\nSecond line."
    history = exported(alice_client, "history_csv")
    assert history.splitlines()[0].count(";") == 6 and "," not in history.splitlines()[0]


def test_an_english_person_gets_commas_and_the_notes(alice_client, alice, frozen):
    fill_account(alice)

    rows = list(csv.DictReader(io.StringIO(exported(alice_client))))

    kone = next(r for r in rows if r["Company"] == "Kone Oyj")
    assert (kone["Expected salary"], kone["Notes"]) == (
        "4200.00",
        "Referred by Matti.\nSecond line.",
    )


def test_the_export_page_offers_both_and_the_choice_wins(alice_client, alice, frozen):
    alice.language = "fi"
    alice.save()
    application_for(alice, company="Kone Oyj")

    page = alice_client.get(reverse("exports:index")).content.decode()

    assert 'name="dialect" id="dialect-fi" value="fi" checked' in page
    assert 'id="dialect-en" value="en">' in page
    header = exported(alice_client, dialect="en").splitlines()[0]
    assert header.startswith("Yritys,Tehtävä,")


def test_a_finnish_export_imports_back(client, alice, bob, frozen):
    alice.language = bob.language = "fi"
    alice.save()
    bob.save()
    fill_account(alice)
    client.force_login(alice)
    body = "\ufeff" + exported(client)
    client.force_login(bob)

    preview, confirmed = run_import(client, body)

    assert preview.status_code == 200, preview.content.decode()
    assert confirmed.context["job"].state == "done"
    fields = ("company", "status", "applied_on", "expected_salary", "notes")
    mine = sorted(Application.objects.filter(owner=alice).values_list(*fields))
    assert sorted(Application.objects.filter(owner=bob).values_list(*fields)) == mine


def test_the_import_reads_iso_finnish_and_us_dates(alice_client, alice, frozen):
    body = (
        "Company,Position,Applied on\n"
        "Kone,Dev,2024-11-20\n"
        "Wolt,Dev,20.11.2024\n"
        "Fazer,Dev,11/20/2024\n"
        "Kesko,Dev,12/03/2024\n"
    )
    preview, _confirmed = run_import(alice_client, body)

    assert preview.status_code == 200, preview.content.decode()
    dates = dict(Application.objects.filter(owner=alice).values_list("company", "applied_on"))
    assert dates["Kone"] == dates["Wolt"] == dates["Fazer"] == datetime.date(2024, 11, 20)
    assert dates["Kesko"] == datetime.date(2024, 12, 3)


def test_day_first_slashed_dates_are_read_as_such(alice_client, alice, frozen):
    run_import(
        alice_client, "Company,Position,Applied on\nKone,Dev,20/11/2024\nWolt,Dev,03/12/2024\n"
    )

    dates = dict(Application.objects.filter(owner=alice).values_list("company", "applied_on"))
    assert dates == {"Kone": datetime.date(2024, 11, 20), "Wolt": datetime.date(2024, 12, 3)}


def test_an_ambiguous_date_column_asks_for_the_order(alice_client, alice, frozen):
    post_file(alice_client, "Company,Position,Applied on\nKone,Dev,03/04/2024\n")
    mapping = guessed_mapping(alice_client)
    page = alice_client.get(reverse("exports:import_csv_map")).content.decode()
    assert "Dates written with slashes" in page

    unanswered = alice_client.post(reverse("exports:import_csv_map"), mapping)
    assert unanswered.status_code == 400
    preview = alice_client.post(reverse("exports:import_csv_map"), {**mapping, "date_order": "mdy"})
    assert preview.status_code == 200
    confirm(alice_client)

    assert Application.objects.get(owner=alice).applied_on == datetime.date(2024, 3, 4)


@pytest.mark.parametrize(
    ("language", "status", "amount"),
    [("en", "No response", "4,200.00\u00a0€"), ("fi", "Ei vastausta", "4\u00a0200,00\u00a0€")],
)
def test_the_preview_shows_statuses_and_amounts_in_words(
    alice_client, alice, frozen, language, status, amount
):
    alice.language = language
    alice.save()
    post_file(
        alice_client,
        "Company,Position,Status,Expected salary,Expected salary period\n"
        "Kone,Dev,no_response,4200,month\n",
    )

    preview = alice_client.post(reverse("exports:import_csv_map"), guessed_mapping(alice_client))

    cells = preview.context["preview"][0]["cells"]
    assert status in cells and amount in cells
    assert "no_response" not in cells and "month" not in cells
