"""The drafts page: newest first, filter by kind, selection for export, constant queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from drafts.models import Kind
from tests.drafts.factories import DraftFactory
from tests.factories import ApplicationFactory, InterviewFactory

pytestmark = pytest.mark.django_db


def make_drafts(owner, count):
    for n in range(count):
        application = ApplicationFactory(owner=owner)
        interview = InterviewFactory(application=application) if n % 2 else None
        DraftFactory(
            application=application,
            interview=interview,
            kind=[Kind.THANK_YOU, Kind.FEEDBACK, Kind.CALL][n % 3],
            subject=f"Draft number {n} [interview date]" if n % 4 == 0 else f"Draft number {n}",
        )


def count_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("drafts:list"))
    assert response.status_code == 200
    return len(queries)


def test_the_list_runs_the_same_number_of_queries_for_5_and_50_drafts(alice, alice_client):
    make_drafts(alice, 5)
    few = count_queries(alice_client)
    make_drafts(alice, 45)
    many = count_queries(alice_client)
    assert few == many


def test_the_list_shows_drafts_with_checkboxes_and_export_buttons(alice, alice_client):
    draft = DraftFactory(application=ApplicationFactory(owner=alice, company="Ääni Oy"))
    html = alice_client.get(reverse("drafts:list")).content.decode()
    assert draft.get_absolute_url() in html
    assert f'name="ids" value="{draft.pk}"' in html
    assert "Export all" in html and "Export selected" in html
    assert "Ääni Oy" in html
    assert "drafts.js" in html


def test_the_list_filters_by_kind(alice, alice_client):
    application = ApplicationFactory(owner=alice)
    call = DraftFactory(application=application, kind=Kind.CALL, subject="The call script")
    DraftFactory(application=application, kind=Kind.FEEDBACK, subject="The feedback request")

    html = alice_client.get(reverse("drafts:list"), {"kind": "call"}).content.decode()
    assert call.subject in html
    assert "The feedback request" not in html


def test_an_unknown_kind_filter_shows_everything(alice, alice_client):
    DraftFactory(application=ApplicationFactory(owner=alice), subject="Visible")
    html = alice_client.get(reverse("drafts:list"), {"kind": "nonsense"}).content.decode()
    assert "Visible" in html


def test_drafts_with_missing_details_are_marked(alice, alice_client):
    DraftFactory(application=ApplicationFactory(owner=alice), subject="Hi [interviewer's name]")
    assert "Details missing" in alice_client.get(reverse("drafts:list")).content.decode()


def test_html_in_a_subject_is_shown_as_text(alice, alice_client):
    DraftFactory(
        application=ApplicationFactory(owner=alice), subject="<img src=x onerror=alert(1)>"
    )
    html = alice_client.get(reverse("drafts:list")).content.decode()
    assert "<img src=x" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html


def test_an_empty_list_says_how_to_make_a_draft(alice_client):
    html = alice_client.get(reverse("drafts:list")).content.decode()
    assert "No drafts yet" in html
