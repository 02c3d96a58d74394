"""Bad input on the application form: a message next to the field, and what was typed kept."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from applications.models import Application
from tests.applications.helpers import (
    application_data,
    assert_error_next_to,
    assert_kept,
)
from tests.factories import ApplicationFactory

pytestmark = pytest.mark.django_db

URL = reverse("applications:application_create")


def post(client, **overrides):
    return client.post(URL, application_data(**overrides))


@pytest.mark.parametrize("field", ["company", "position"])
def test_company_and_position_are_required(alice_client, field):
    response = post(alice_client, **{field: "   "})
    assert_error_next_to(response, field, "required")
    assert not Application.objects.exists()


def test_an_invalid_posting_url_is_refused_and_kept(alice_client):
    response = post(alice_client, posting_url="not a url", company="Kept Oy")
    assert_error_next_to(response, "posting_url", "valid URL")
    assert_kept(response, "posting_url", "not a url")
    assert_kept(response, "company", "Kept Oy")
    assert not Application.objects.exists()


def test_a_javascript_url_is_not_a_posting_url(alice_client):
    response = post(alice_client, posting_url="javascript:alert(1)")
    assert_error_next_to(response, "posting_url", "valid URL")


@pytest.mark.parametrize("field", ["expected_salary", "offered_salary"])
def test_a_salary_below_zero_is_refused(alice_client, field):
    response = post(alice_client, **{field: "-1"})
    assert_error_next_to(response, field, "cannot be below zero")
    assert_kept(response, field, "-1")
    assert not Application.objects.exists()


@pytest.mark.parametrize("value", ["lots", "NaN", "Infinity", "1e400", "12345678901234"])
def test_a_salary_that_is_not_a_sensible_number_is_refused(alice_client, value):
    response = post(alice_client, expected_salary=value)
    assert response.status_code == 200
    assert response.context["form"].errors["expected_salary"]
    assert not Application.objects.exists()


def test_a_decision_date_before_the_application_date_is_refused(alice_client):
    response = post(alice_client, applied_on="2026-03-10", decision_expected_on="2026-03-01")
    assert_error_next_to(response, "decision_expected_on", "cannot be before the date you applied")
    assert_kept(response, "decision_expected_on", "2026-03-01")
    assert_kept(response, "applied_on", "2026-03-10")


def test_a_decision_date_on_the_application_date_is_fine(alice_client):
    post(alice_client, applied_on="2026-03-10", decision_expected_on="2026-03-10")
    assert Application.objects.exists()


@pytest.mark.parametrize(
    ("field", "limit"),
    [("company", 200), ("position", 200), ("location", 200), ("source", 200)],
)
def test_over_long_text_is_refused_and_the_limit_named(alice_client, field, limit):
    response = post(alice_client, **{field: "x" * (limit + 1)})
    assert_error_next_to(response, field, f"at most {limit} characters")
    assert not Application.objects.exists()


def test_over_long_notes_are_refused_and_the_limit_stated_in_advance(alice_client):
    form_page = alice_client.get(URL).content.decode()
    assert "At most 10000 characters." in form_page
    response = post(alice_client, notes="x" * 10_001)
    assert_error_next_to(response, "notes", "at most 10000 characters")


def test_an_over_long_posting_url_is_refused(alice_client):
    response = post(alice_client, posting_url="https://example.com/" + "x" * 500)
    assert_error_next_to(response, "posting_url", "at most 500 characters")


def test_a_currency_must_be_a_three_letter_code(alice_client):
    response = post(alice_client, expected_salary_currency="E1R")
    assert_error_next_to(response, "expected_salary_currency", "three-letter")


def test_a_lower_case_currency_code_is_accepted_in_capitals(alice_client):
    post(alice_client, expected_salary_currency="sek")
    assert Application.objects.get().expected_salary_currency == "SEK"


@pytest.mark.parametrize("value", ["10.3.2026", "2026-02-30", "0001-01-01", "9999-12-31"])
def test_an_impossible_date_is_refused(alice_client, value):
    response = post(alice_client, applied_on=value, decision_expected_on="")
    assert response.status_code == 200
    assert response.context["form"].errors["applied_on"]


def test_an_unknown_status_is_refused(alice_client):
    response = post(alice_client, status="hired")
    assert_error_next_to(response, "status", "valid choice")


def test_html_in_fields_is_kept_as_text(alice_client):
    """Stored as typed and shown escaped on the application's page."""
    post(alice_client, company="<b>Bold</b> & Co", notes="<script>alert(1)</script>")
    application = Application.objects.get()
    assert application.company == "<b>Bold</b> & Co"
    html = alice_client.get(application.get_absolute_url()).content.decode()
    assert "&lt;b&gt;Bold&lt;/b&gt; &amp; Co" in html
    assert "<script>alert(1)</script>" not in html


def test_a_refused_edit_keeps_the_stored_values_in_the_heading(alice_client, alice):
    """The page title names the application as stored, not the half-typed edit."""
    application = ApplicationFactory(owner=alice, company="Stored Oy")
    response = alice_client.post(
        reverse("applications:application_update", args=[application.pk]),
        application_data(company="Typed Oy", expected_salary="-5"),
    )
    assert "Edit application: Backend Developer – Stored Oy" in response.content.decode()
    assert_kept(response, "company", "Typed Oy")
    application.refresh_from_db()
    assert application.company == "Stored Oy"


@time_machine.travel(datetime.datetime(2026, 3, 10, 22, 30, tzinfo=datetime.UTC), tick=False)
def test_a_date_applied_in_the_future_is_refused_in_the_users_time_zone(alice_client):
    """At 00:30 on 11 March in Helsinki the 11th is today (fine) and the 12th is the future."""
    response = post(alice_client, applied_on="2026-03-12", decision_expected_on="")
    assert_error_next_to(response, "applied_on", "cannot be in the future")
    assert_kept(response, "company", "Acme Oy")
    assert not Application.objects.exists()
    post(alice_client, applied_on="2026-03-11", decision_expected_on="")
    assert Application.objects.get().applied_on == datetime.date(2026, 3, 11)
