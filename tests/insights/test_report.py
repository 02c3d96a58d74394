"""The job-search report: one review period's applications on a page, in a CSV and a PDF."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from applications.models import Status
from insights import views
from tests.factories import ApplicationFactory

pytestmark = pytest.mark.django_db
D = datetime.date
MID_MARCH = datetime.datetime(2026, 3, 15, 10, 0, tzinfo=datetime.UTC)


@pytest.fixture
def march(alice, bob):
    alice.applications_required = 4
    alice.save()
    ApplicationFactory(
        owner=alice,
        company="Beta Oy",
        position="Tester",
        applied_on=D(2026, 3, 10),
        source="TE-palvelut",
        posting_url="https://jobs.example/2",
    )
    ApplicationFactory(
        owner=alice,
        company="Alfa Oy",
        position="Developer",
        applied_on=D(2026, 3, 2),
        source="Email",
        posting_url="https://jobs.example/1",
        status=Status.INTERVIEWING,
    )
    ApplicationFactory(owner=alice, company="Feb Oy", applied_on=D(2026, 2, 28))
    ApplicationFactory(owner=alice, company="Saved Oy", applied_on=None, status=Status.SAVED)
    ApplicationFactory(
        owner=alice,
        company="Left Out Oy",
        applied_on=D(2026, 3, 5),
        not_counted=True,
        not_counted_reason="Duplicate",
    )
    ApplicationFactory(owner=bob, company="Bobs Oy", applied_on=D(2026, 3, 3))


def get(client, name, **params):
    with time_machine.travel(MID_MARCH, tick=False):
        return client.get(reverse(name), params)


def test_the_page_lists_the_periods_counted_applications_oldest_first(alice_client, march):
    response = get(alice_client, "insights:report")
    companies = [row.employer for row in response.context["rows"]]
    assert companies == ["Alfa Oy", "Beta Oy"]
    content = response.content.decode()
    assert "https://jobs.example/1" in content and "TE-palvelut" in content
    assert "Bobs Oy" not in content and "Left Out Oy" not in content and "Feb Oy" not in content


def test_the_picker_shows_an_earlier_period(alice_client, march):
    response = get(alice_client, "insights:report", period="2026-02-01")
    assert [row.employer for row in response.context["rows"]] == ["Feb Oy"]


def test_the_csv_in_english_has_commas_and_the_english_headings(alice_client, march):
    response = get(alice_client, "insights:report_csv", period="2026-03-01", dialect="en")
    assert response["Content-Disposition"].endswith('"job-search-report-2026-03-01.csv"')
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0] == (
        "Employer,Job title,Date applied,How applied,Where (job posting),Status,Status date"
    )
    assert lines[1].startswith("Alfa Oy,Developer,2026-03-02,Email,https://jobs.example/1,")
    assert len(lines) == 3


def test_the_csv_in_finnish_uses_semicolons_and_the_employment_services_words(
    alice, alice_client, march
):
    alice.language = "fi"
    alice.save()
    response = get(alice_client, "insights:report_csv", period="2026-03-01")
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0] == (
        "Työnantaja;Tehtävä;Hakupäivä;Hakutapa;Ilmoituksen osoite;Tilanne;Tilanteen päivä"
    )
    assert lines[2].startswith("Beta Oy;Tester;2026-03-10;TE-palvelut;https://jobs.example/2;")


def test_the_pdf_holds_each_application_and_nobody_elses(alice_client, march, monkeypatch):
    if not views.pdf_available():
        pytest.skip("WeasyPrint or Pango is not installed")
    import weasyprint

    rendered = []
    real = weasyprint.HTML

    def spy(*args, **kwargs):
        rendered.append(kwargs["string"])
        return real(*args, **kwargs)

    monkeypatch.setattr(weasyprint, "HTML", spy)
    response = get(alice_client, "insights:report_pdf", period="2026-03-01")
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    [html] = rendered
    assert "Alfa Oy" in html and "Beta Oy" in html
    assert "Bobs Oy" not in html and "Left Out Oy" not in html


def test_bob_sees_only_his_own(bob_client, march):
    response = get(bob_client, "insights:report")
    assert [row.employer for row in response.context["rows"]] == ["Bobs Oy"]


def test_the_report_needs_a_log_in(client, march):
    response = get(client, "insights:report_csv")
    assert response.status_code == 302


def test_today_shows_this_months_count_and_the_days_left(alice_client, march):
    with time_machine.travel(MID_MARCH, tick=False):
        response = alice_client.get(reverse("applications:dashboard"))
    content = response.content.decode()
    assert "This month: 2 of 4 applications" in content
    assert "17 days left" in content


def test_insights_shows_each_past_period_met_or_not(alice_client, march):
    with time_machine.travel(datetime.datetime(2026, 4, 2, 10, tzinfo=datetime.UTC), tick=False):
        response = alice_client.get(reverse("insights:index"))
    periods = response.context["obligation_periods"]
    assert [(p.period.first, p.done, p.met) for p in periods] == [
        (D(2026, 3, 1), 2, False),
        (D(2026, 2, 1), 1, False),
    ]
    assert "Not met" in response.content.decode()
