"""Creating, reading, editing and deleting applications, and changing their status."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from applications.models import Application, Status, StatusChange
from tests.applications.helpers import application_data, has_label
from tests.factories import ApplicationFactory, ContactFactory

pytestmark = pytest.mark.django_db


def test_new_application_is_saved_with_its_first_timeline_entry(alice_client, alice):
    """Posting the form creates the application, records its status and opens its page."""
    contact = ContactFactory(owner=alice)
    response = alice_client.post(
        reverse("applications:application_create"),
        application_data(contacts=[contact.pk]),
    )
    application = Application.objects.get()
    assert response.status_code == 302
    assert response["Location"] == application.get_absolute_url()
    assert application.owner == alice
    assert application.company == "Acme Oy"
    assert application.expected_salary == Decimal("2600")
    assert application.applied_on == datetime.date(2026, 3, 1)
    assert list(application.contacts.all()) == [contact]
    assert list(StatusChange.objects.values_list("status", flat=True)) == [Status.APPLIED]


def test_new_application_page_shows_the_form_with_labels(alice_client):
    """The form has the issue's labels, each as a visible label of its input."""
    html = alice_client.get(reverse("applications:application_create")).content.decode()
    for label in ("Company", "Position", "Status"):
        assert has_label(html, label), label
    assert '<h1 class="h3 mb-3">New application</h1>' in html
    assert ">Save</button>" in html


def test_editing_an_application_saves_fields_and_records_a_changed_status(alice_client, alice):
    """An edit that moves the status adds one timeline entry; the other fields are saved."""
    application = ApplicationFactory(owner=alice, company="Old Oy")
    response = alice_client.post(
        reverse("applications:application_update", args=[application.pk]),
        application_data(company="New Oy", status="offer", offered_salary="3100.50"),
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.company == "New Oy"
    assert application.status == Status.OFFER
    assert application.offered_salary == Decimal("3100.50")
    last = application.status_changes.order_by("changed_at", "id").last()
    assert (last.previous_status, last.status) == (Status.APPLIED, Status.OFFER)


def test_editing_without_changing_the_status_adds_no_timeline_entry(alice_client, alice):
    """Saving the same status again is not a status change."""
    application = ApplicationFactory(owner=alice)
    alice_client.post(
        reverse("applications:application_update", args=[application.pk]),
        application_data(status=application.status),
    )
    assert application.status_changes.count() == 1


def test_edit_form_shows_the_stored_values(alice_client, alice):
    application = ApplicationFactory(owner=alice, company="Shown Oy")
    response = alice_client.get(reverse("applications:application_update", args=[application.pk]))
    assert 'value="Shown Oy"' in response.content.decode()


def test_delete_asks_first_and_deletes_only_on_post(alice_client, alice):
    """GET shows a confirmation with a Delete button; POST deletes and goes to the list."""
    application = ApplicationFactory(owner=alice)
    url = reverse("applications:application_delete", args=[application.pk])
    response = alice_client.get(url)
    assert response.status_code == 200
    assert ">Delete</button>" in response.content.decode()
    assert Application.objects.exists()
    response = alice_client.post(url)
    assert response["Location"] == reverse("applications:application_list")
    assert not Application.objects.exists()


def test_status_form_on_the_detail_page_changes_the_status(alice_client, alice):
    """The small status form records the change on the timeline."""
    application = ApplicationFactory(owner=alice)
    response = alice_client.post(
        reverse("applications:application_status", args=[application.pk]),
        {"status": "rejected"},
    )
    assert response["Location"] == application.get_absolute_url()
    application.refresh_from_db()
    assert application.status == Status.REJECTED
    assert application.status_changes.count() == 2


def test_status_form_refuses_an_unknown_status(alice_client, alice):
    """An invented status changes nothing and says so."""
    application = ApplicationFactory(owner=alice)
    response = alice_client.post(
        reverse("applications:application_status", args=[application.pk]),
        {"status": "hired-yesterday"},
        follow=True,
    )
    assert "Choose a status from the list." in response.content.decode()
    application.refresh_from_db()
    assert application.status == Status.APPLIED


def test_status_change_needs_post(alice_client, alice):
    application = ApplicationFactory(owner=alice)
    url = reverse("applications:application_status", args=[application.pk])
    assert alice_client.get(url).status_code == 405
