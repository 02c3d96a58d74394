"""Contacts: list with search, detail with their applications and interviews, create/edit/delete."""

import pytest
from django.urls import reverse

from applications.models import Contact
from tests.applications.helpers import assert_error_next_to, assert_kept, count_queries
from tests.factories import ApplicationFactory, ContactFactory, InterviewFactory

pytestmark = pytest.mark.django_db

LIST = reverse("applications:contact_list")


def test_contact_is_created_and_linked_to_applications(alice_client, alice):
    application = ApplicationFactory(owner=alice)
    response = alice_client.post(
        reverse("applications:contact_create"),
        {
            "name": "Maija",
            "role": "HR",
            "email": "Maija@Acme.example",
            "phone": "+358 40 1",
            "applications": [application.pk],
        },
    )
    contact = Contact.objects.get()
    assert response["Location"] == contact.get_absolute_url()
    assert (contact.owner, contact.email) == (alice, "maija@acme.example")
    assert list(contact.applications.all()) == [application]


def test_new_contact_from_an_application_preselects_it(alice_client, alice):
    application = ApplicationFactory(owner=alice)
    response = alice_client.get(
        reverse("applications:contact_create") + f"?application={application.pk}"
    )
    assert response.context["form"]["applications"].value() == [application.pk]


@pytest.mark.parametrize("value", ["abc", "-1", "1e5", "99999999999999999999999", "١"])
def test_odd_application_ids_in_the_query_string_are_ignored(alice_client, alice, value):
    ApplicationFactory(owner=alice)
    response = alice_client.get(reverse("applications:contact_create") + f"?application={value}")
    assert response.status_code == 200


def test_contact_needs_a_name_and_a_valid_email_and_phone(alice_client, alice):
    response = alice_client.post(
        reverse("applications:contact_create"),
        {"name": "", "email": "not-an-email", "phone": "call me", "role": "HR"},
    )
    assert_error_next_to(response, "name", "required")
    assert_error_next_to(response, "email", "valid email")
    assert_error_next_to(response, "phone", "digits")
    assert_kept(response, "email", "not-an-email")
    assert_kept(response, "role", "HR")
    assert not Contact.objects.exists()


def test_a_second_contact_with_the_same_email_is_refused(alice_client, alice, bob):
    ContactFactory(owner=alice, name="Maija", email="maija@acme.example")
    ContactFactory(owner=bob, email="pekka@acme.example")
    response = alice_client.post(
        reverse("applications:contact_create"), {"name": "M", "email": "MAIJA@acme.example"}
    )
    assert_error_next_to(response, "email", "already has this email")
    # Bob's contacts are no obstacle.
    alice_client.post(
        reverse("applications:contact_create"), {"name": "P", "email": "pekka@acme.example"}
    )
    assert Contact.objects.filter(owner=alice).count() == 2


def test_contact_is_edited_without_tripping_over_its_own_email(alice_client, alice):
    contact = ContactFactory(owner=alice, email="maija@acme.example")
    alice_client.post(
        reverse("applications:contact_update", args=[contact.pk]),
        {"name": "Maija Renamed", "email": "maija@acme.example"},
    )
    contact.refresh_from_db()
    assert contact.name == "Maija Renamed"


def test_detail_lists_the_contacts_applications_and_interviews(alice_client, alice):
    contact = ContactFactory(owner=alice)
    application = ApplicationFactory(owner=alice)
    application.contacts.add(contact)
    interview = InterviewFactory(application=application, interviewers=[contact])
    html = alice_client.get(contact.get_absolute_url()).content.decode()
    assert application.get_absolute_url() in html
    assert interview.get_absolute_url() in html


def test_delete_asks_first_and_keeps_the_interviews(alice_client, alice):
    contact = ContactFactory(owner=alice)
    interview = InterviewFactory(
        application=ApplicationFactory(owner=alice), interviewers=[contact]
    )
    url = reverse("applications:contact_delete", args=[contact.pk])
    assert alice_client.get(url).status_code == 200
    assert alice_client.post(url)["Location"] == LIST
    assert not Contact.objects.exists()
    interview.refresh_from_db()
    assert not interview.interviewers.exists()


def test_list_searches_name_company_and_email(alice_client, alice):
    maija = ContactFactory(owner=alice, name="Maija", company="Acme", email="m@x.example")
    ContactFactory(owner=alice, name="Pekka", company="Other", email="p@y.example")
    assert list(alice_client.get(LIST + "?q=acme").context["page_obj"]) == [maija]
    assert list(alice_client.get(LIST + "?q=m@x").context["page_obj"]) == [maija]
    assert alice_client.get(LIST + "?page=abc&q=" + "z" * 500).status_code == 200


def test_list_runs_the_same_queries_for_few_and_many(alice_client, alice):
    def add(count):
        for contact in ContactFactory.create_batch(count, owner=alice):
            InterviewFactory(application=ApplicationFactory(owner=alice), interviewers=[contact])

    add(5)
    few = count_queries(alice_client, LIST)
    add(40)
    assert count_queries(alice_client, LIST) == few
