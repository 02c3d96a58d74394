"""The insights page: charts with their numbers in tables, for the owner's data only."""

import datetime
import zoneinfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from applications.models import Status
from applications.services import application_create, application_set_status, interview_create

HELSINKI = zoneinfo.ZoneInfo("Europe/Helsinki")
URL = "/insights/"


@pytest.fixture
def frozen():
    with time_machine.travel(datetime.datetime(2025, 1, 15, 9, 0, tzinfo=HELSINKI), tick=False):
        yield


def add(user, count: int, offset: int = 0) -> None:
    for i in range(offset, offset + count):
        app = application_create(
            owner=user,
            company=f"Firm {i}",
            position="Developer",
            applied_on=datetime.date(2025, 1, 2),
        )
        if i % 3 == 0:
            interview_create(
                application=app,
                starts_at=datetime.datetime(2025, 1, 10, 10, tzinfo=HELSINKI),
            )
        if i % 5 == 0:
            application_set_status(application=app, status=Status.REJECTED)


def test_the_url_is_named():
    assert reverse("insights:index") == URL


def test_the_page_shows_charts_and_tables_of_the_owners_numbers(alice_client, alice, bob, frozen):
    add(alice, 6)
    add(bob, 20)
    response = alice_client.get(URL)
    assert response.status_code == 200
    data = response.context["data"]
    assert data.total == 6
    assert data.funnel == [("applied", 6), ("interview", 2), ("offer", 0)]
    page = response.content.decode()
    assert page.count('role="img"') == 2
    assert '<title id="funnel-title">' in page
    assert "<caption>" in page and 'scope="col"' in page and 'scope="row"' in page
    assert "Response rate" in page
    assert "insights.css" in page
    assert "<script>" not in page  # no inline script: a strict CSP comes later


def test_the_page_runs_the_same_number_of_queries_for_5_and_50_applications(
    alice_client, alice, frozen
):
    add(alice, 5)
    with CaptureQueriesContext(connection) as few:
        assert alice_client.get(URL).status_code == 200
    add(alice, 45, offset=5)
    with CaptureQueriesContext(connection) as many:
        assert alice_client.get(URL).status_code == 200
    assert len(few) == len(many)


def test_an_empty_account_gets_a_page_without_errors(alice_client, alice):
    response = alice_client.get(URL)
    assert response.status_code == 200
    assert "Nothing to show yet" in response.content.decode()


def test_the_page_needs_a_login(client, db):
    response = client.get(URL)
    assert response.status_code == 302


def test_chart_coordinates_keep_a_decimal_point_in_finnish(alice_client, alice, frozen):
    """Finnish writes 400,5 for 400.5; an SVG attribute must not, or the chart does not draw."""
    import re

    alice.language = "fi"
    alice.save()
    add(alice, 7)
    page = alice_client.get(URL).content.decode()
    svg = "".join(re.findall(r"<svg.*?</svg>", page, re.S))
    numbers = re.findall(r'\b(?:x|y|width|height|viewBox)="([^"]*)"', svg)
    assert numbers
    assert not [n for n in numbers if "," in n]


@pytest.mark.parametrize(("language", "label"), [("en", "1/13"), ("fi", "13.1.")])
def test_week_labels_on_the_chart_are_day_and_month_only(
    alice_client, alice, frozen, language, label
):
    """Whole dates are wider than a week's slot; the chart shows day and month, the table more."""
    import re

    alice.language = language
    alice.save()
    add(alice, 3)
    page = alice_client.get(URL).content.decode()
    weeks_svg = page[
        page.index('aria-labelledby="weeks-title"') : page.index(
            "</svg>", page.index('aria-labelledby="weeks-title"')
        )
    ]
    labels = re.findall(r'class="chart-label chart-small">([^<]*)</text>', weeks_svg)
    assert len(labels) == 12
    assert label in labels
    assert all(len(text) <= 6 for text in labels)
