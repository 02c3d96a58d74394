"""An imported application keeps the date it reached its status; an old outcome is not new.

Imported "now", every old rejection in a spreadsheet would count as decided today and the
follow-ups would ask for feedback tomorrow, for each of them.
"""

import datetime
import json

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation

from applications.models import Application, Status, StatusChange
from applications.services import application_set_status
from exports import csv_import, json_import
from exports.json_export import export_account
from followups.models import Followup, Kind
from tests.exports.factories import application_for, helsinki
from tests.exports.test_csv_import import run_import

pytestmark = pytest.mark.django_db

NOW = helsinki(2025, 3, 10, 9, 0)


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def feedback_due_later(user) -> list[datetime.datetime]:
    """Feedback requests still to be sent from now on."""
    return list(
        Followup.objects.filter(
            owner=user, kind=Kind.FEEDBACK, state="scheduled", due_at__gt=NOW
        ).values_list("due_at", flat=True)
    )


def test_an_old_rejection_without_a_status_date_is_dated_on_the_day_it_was_applied_for(
    alice_client, alice, frozen
):
    body = "Company,Position,Status,Applied on\nFazer,Analyst,rejected,2024-11-15\n"

    preview, confirmed = run_import(alice_client, body)

    assert confirmed.context["job"].state == "done", preview.content.decode()
    fazer = Application.objects.get(owner=alice)
    assert fazer.status_changed_at == helsinki(2024, 11, 15, 12, 0)
    assert list(fazer.status_changes.values_list("changed_at", flat=True)) == [
        helsinki(2024, 11, 15, 12, 0)
    ]
    assert feedback_due_later(alice) == []


def test_the_status_changed_on_column_dates_the_status(alice_client, alice, frozen):
    body = (
        "Company,Position,Status,Status changed on,Applied on\n"
        "Kone,Engineer,offer,2025-02-03,2025-01-10\n"
        "Wolt,Developer,interviewing,2025-01-20,2025-01-05\n"
    )

    preview, confirmed = run_import(alice_client, body)

    assert confirmed.context["job"].state == "done", preview.content.decode()
    kone = Application.objects.get(owner=alice, company="Kone")
    assert kone.status_changed_at == helsinki(2025, 2, 3, 12, 0)
    wolt = Application.objects.get(owner=alice, company="Wolt")
    assert wolt.status_changed_at == helsinki(2025, 1, 20, 12, 0)
    assert StatusChange.objects.get(application=kone).changed_at == helsinki(2025, 2, 3, 12, 0)
    assert feedback_due_later(alice) == []


def test_an_applied_row_is_dated_on_the_day_applied_and_one_without_dates_today(
    alice_client, alice, frozen
):
    body = "Company,Position,Status,Applied on\nKone,Engineer,applied,2025-02-03\nWolt,Dev,,\n"
    run_import(alice_client, body)
    kone = Application.objects.get(owner=alice, company="Kone")
    assert kone.status_changed_at == helsinki(2025, 2, 3, 12, 0)
    assert Application.objects.get(owner=alice, company="Wolt").status_changed_at == NOW


def test_a_status_date_of_today_is_never_later_than_now(alice_client, alice, frozen):
    body = "Company,Position,Status,Status changed on\nKone,Engineer,rejected,2025-03-10\n"
    run_import(alice_client, body)
    assert Application.objects.get(owner=alice).status_changed_at == NOW


@pytest.mark.parametrize(
    ("changed_on", "message"),
    [
        ("2025-01-01", "The status cannot have changed before the date applied."),
        ("2025-03-11", "The status cannot have changed on a future date."),
        ("31.12.9999", "Enter a date between the years 1970 and 2100."),
    ],
)
def test_an_impossible_status_date_is_a_problem_and_imports_nothing(
    alice_client, alice, frozen, changed_on, message
):
    body = (
        "Company,Position,Status,Status changed on,Applied on\n"
        f"Kone,Engineer,rejected,{changed_on},2025-01-10\n"
    )
    preview, confirmed = run_import(alice_client, body)
    assert preview.status_code == 400
    problems = [(p.row, p.column, p.message) for p in preview.context["problems"]]
    assert problems == [("2", "Status changed on", message)]
    assert confirmed.context["job"].state == "failed"
    assert not Application.objects.filter(owner=alice).exists()


def test_a_date_in_the_year_9999_is_a_problem_in_any_date_column(alice_client, alice, frozen):
    body = "Company,Position,Applied on,Decision expected by\nKone,Engineer,2025-01-10,9999-12-31\n"
    preview, _confirmed = run_import(alice_client, body)
    problems = [(p.row, p.column) for p in preview.context["problems"]]
    assert problems == [("2", "Decision expected by")]
    assert not Application.objects.filter(owner=alice).exists()


@pytest.mark.parametrize(("language", "header"), [("en", "Status changed on"), ("fi", None)])
def test_the_status_date_column_of_seurantas_own_export_is_recognised(language, header):
    from exports.csv_export import application_headers

    with translation.override(language):
        headers = application_headers()
        mapping = csv_import.guess_mapping(headers)
    assert header is None or headers[3] == header
    assert mapping["status_changed_on"] == 3
    assert mapping["applied_on"] == 4


def test_the_csv_export_imports_back_with_its_status_dates(client, alice, bob):
    with time_machine.travel(helsinki(2024, 11, 1, 9, 0), tick=False):
        app = application_for(alice, company="Fazer", applied_on=datetime.date(2024, 10, 28))
    application_set_status(application=app, status=Status.REJECTED, at=helsinki(2024, 11, 20, 15))
    with time_machine.travel(NOW, tick=False):
        client.force_login(alice)
        exported = b"".join(client.get(reverse("exports:applications_csv")).streaming_content)
        client.force_login(bob)
        _preview, confirmed = run_import(client, exported)

        assert confirmed.context["job"].state == "done"
        imported = Application.objects.get(owner=bob)
        assert imported.status == Status.REJECTED
        assert imported.status_changed_at == helsinki(2024, 11, 20, 12, 0)
        assert feedback_due_later(bob) == []


def test_the_json_import_keeps_the_exported_status_times(alice, bob):
    with time_machine.travel(helsinki(2024, 11, 1, 9, 0), tick=False):
        app = application_for(alice, company="Fazer", applied_on=datetime.date(2024, 10, 28))
    application_set_status(application=app, status=Status.REJECTED, at=helsinki(2024, 11, 20, 15))
    with time_machine.travel(NOW, tick=False):
        data = json_import.parse(json.dumps(export_account(alice)).encode())
        json_import.import_account(user=bob, data=data)

        imported = Application.objects.get(owner=bob)
        assert imported.status_changed_at == helsinki(2024, 11, 20, 15)
        assert list(
            imported.status_changes.order_by("changed_at").values_list("status", "changed_at")
        ) == [
            # Dated by its date applied (noon), not the day it was typed in.
            (Status.APPLIED, helsinki(2024, 10, 28, 12, 0)),
            (Status.REJECTED, helsinki(2024, 11, 20, 15)),
        ]
        assert feedback_due_later(bob) == []
