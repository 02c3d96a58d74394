"""The application list: search, status filter, sorting, pagination, a fixed number of queries."""

import datetime

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from applications.models import Status
from applications.services import application_create, application_update
from tests.applications.helpers import count_queries
from tests.factories import ApplicationFactory, InterviewFactory

pytestmark = pytest.mark.django_db

URL = reverse("applications:application_list")


def listed(client, query: str = "") -> list:
    response = client.get(URL + query)
    assert response.status_code == 200
    return list(response.context["page_obj"])


def test_search_matches_company_or_position_ignoring_case(alice_client, alice):
    by_company = ApplicationFactory(owner=alice, company="Nokia Oyj", position="Tester")
    by_position = ApplicationFactory(owner=alice, company="Acme", position="NOKIA liaison")
    ApplicationFactory(owner=alice, company="Other", position="Developer")
    assert set(listed(alice_client, "?q=nokia")) == {by_company, by_position}


def test_status_filter_keeps_one_status(alice_client, alice):
    offer = ApplicationFactory(owner=alice, status=Status.OFFER)
    ApplicationFactory(owner=alice, status=Status.APPLIED)
    assert listed(alice_client, "?status=offer") == [offer]


def test_sorting_by_company_applied_date_and_status(alice_client, alice):
    b = ApplicationFactory(owner=alice, company="beta", applied_on=datetime.date(2026, 1, 2))
    a = ApplicationFactory(
        owner=alice, company="Alpha", applied_on=None, status=Status.INTERVIEWING
    )
    c = ApplicationFactory(
        owner=alice, company="Gamma", applied_on=datetime.date(2026, 1, 5), status=Status.SAVED
    )
    assert listed(alice_client, "?sort=company") == [a, b, c]
    # Newest application first; those without a date last.
    assert listed(alice_client, "?sort=applied") == [c, b, a]
    # Pipeline order: saved, applied, interviewing.
    assert listed(alice_client, "?sort=status") == [c, b, a]
    # The default: the most recently updated first.
    assert listed(alice_client) == [c, a, b]


def test_list_is_paginated_by_25_and_keeps_the_filters_in_page_links(alice_client, alice):
    ApplicationFactory.create_batch(30, owner=alice, status=Status.APPLIED)
    first = alice_client.get(URL + "?status=applied&sort=company")
    assert len(first.context["page_obj"]) == 25
    assert "?status=applied&amp;sort=company&amp;page=2" in first.content.decode()
    assert len(listed(alice_client, "?status=applied&sort=company&page=2")) == 5


def test_rows_show_the_number_of_interviews_without_cancelled_ones(alice_client, alice):
    application = ApplicationFactory(owner=alice)
    InterviewFactory.create_batch(2, application=application)
    InterviewFactory(application=application, cancelled=True)
    (row,) = listed(alice_client)
    assert row.interview_count == 2


def test_rows_show_the_next_interview_that_is_not_cancelled(alice_client, alice):
    now = timezone.now()
    application = ApplicationFactory(owner=alice)
    InterviewFactory(application=application, starts_at=now - datetime.timedelta(days=1))
    InterviewFactory(
        application=application, starts_at=now + datetime.timedelta(days=1), cancelled=True
    )
    nearest = InterviewFactory(application=application, starts_at=now + datetime.timedelta(days=2))
    InterviewFactory(application=application, starts_at=now + datetime.timedelta(days=5))
    without = ApplicationFactory(owner=alice)
    rows = {row.pk: row for row in listed(alice_client)}
    assert rows[application.pk].next_interview_at == nearest.starts_at
    assert rows[application.pk].interview_count == 4 - 1
    assert rows[without.pk].next_interview_at is None
    assert rows[without.pk].interview_count == 0


def test_the_total_is_counted_without_reading_the_interviews(alice_client, alice):
    """The paginator's count is a plain COUNT of the user's applications, not a join."""
    ApplicationFactory.create_batch(3, owner=alice)
    with CaptureQueriesContext(connection) as captured:
        response = alice_client.get(URL)
    assert response.context["page_obj"].paginator.count == 3
    (count,) = [
        q["sql"]
        for q in captured.captured_queries
        if q["sql"].startswith("SELECT COUNT(*)") and "applications_application" in q["sql"]
    ]
    assert "interview" not in count


@pytest.mark.parametrize(
    "query",
    [
        "?page=abc",
        "?page=-1",
        "?page=0",
        "?page=1.5",
        "?page=99999999999999999999999999",
        "?page=1e400",
        "?sort=evil",
        "?sort=-id",
        "?sort=company;drop table",
        "?status=evil",
        "?q=" + "x" * 5000,
        "?q=%00",
        "?q=%27%22%3C",
        "?status=applied&status=offer",
    ],
)
def test_odd_query_strings_give_a_page_never_an_error(alice_client, alice, query):
    ApplicationFactory.create_batch(3, owner=alice)
    response = alice_client.get(URL + query)
    assert response.status_code == 200


def test_an_empty_search_says_so(alice_client, alice):
    ApplicationFactory(owner=alice)
    html = alice_client.get(URL + "?q=nothing-like-this").content.decode()
    assert "No applications match your search." in html


def make_applications(user, count: int) -> None:
    for i, application in enumerate(ApplicationFactory.create_batch(count, owner=user)):
        if i % 2 == 0:
            InterviewFactory(application=application)


@pytest.mark.parametrize("query", ["", "?sort=status", "?q=acme&sort=applied"])
def test_list_runs_the_same_queries_for_5_and_100_applications(alice_client, alice, query):
    """Drawn afresh (the cache emptied), the page's queries do not grow with the rows."""
    make_applications(alice, 5)
    caches["template_fragments"].clear()
    few = count_queries(alice_client, URL + query)
    make_applications(alice, 95)
    caches["template_fragments"].clear()
    many = count_queries(alice_client, URL + query)
    assert few == many


def test_a_second_visit_draws_the_rows_from_the_cache(alice_client, alice):
    make_applications(alice, 30)
    first = alice_client.get(URL)
    with CaptureQueriesContext(connection) as second_queries:
        second = alice_client.get(URL)

    def main(response) -> str:  # the page's own part: the navigation's CSRF tokens differ
        html = response.content.decode()
        return html[html.index("<main") : html.index("</main>")]

    assert main(second) == main(first)
    assert not any("applications_interview" in q["sql"] for q in second_queries.captured_queries)


def test_a_change_through_a_service_shows_at_once(alice_client, alice):
    application = application_create(owner=alice, company="Kone Oyj", position="Engineer")
    assert "Kone Oyj" in alice_client.get(URL).content.decode()

    application_update(application=application, company="Wärtsilä")

    html = alice_client.get(URL).content.decode()
    assert "Wärtsilä" in html
    assert "Kone Oyj" not in html


def test_the_cached_rows_of_one_person_are_never_shown_to_another(client, alice, bob):
    application_create(owner=alice, company="Kone Oyj", position="Engineer")
    client.force_login(alice)
    assert "Kone Oyj" in client.get(URL).content.decode()
    client.force_login(bob)
    assert "Kone Oyj" not in client.get(URL).content.decode()
