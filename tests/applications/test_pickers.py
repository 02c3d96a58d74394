"""The contact pickers (company's people first, search as you type) and several new
interviewers typed into one interview form."""

import re

import pytest
from django.urls import reverse

from applications.models import Contact, Interview
from tests.applications.helpers import (
    application_data,
    assert_error_next_to,
    assert_kept,
    interview_data,
    shown_errors,
)
from tests.factories import ApplicationFactory, ContactFactory, InterviewFactory

pytestmark = pytest.mark.django_db


def option_labels(response, name: str) -> list[str]:
    html = response.content.decode()
    select = re.search(rf'<select[^>]*name="{name}"[^>]*>(.*?)</select>', html, re.S)
    assert select, f"no select {name}"
    return [label.strip() for label in re.findall(r"<option[^>]*>(.*?)</option>", select[1])]


@pytest.fixture
def people(alice):
    """Contacts of alice, named so that name order puts Kone's people last."""
    kone = ApplicationFactory(owner=alice, company="Kone Oyj")
    # At Kone by their own company, and by an application at Kone (a recruiter without one).
    ContactFactory(owner=alice, name="Ville Virtanen", company="KONE OYJ")
    recruiter = ContactFactory(owner=alice, name="Tiina Talent", company="")
    kone.contacts.add(recruiter)
    ContactFactory(owner=alice, name="Aino Aalto", company="Wärtsilä")
    ContactFactory(owner=alice, name="Bertta Berg", company="")
    return kone


def test_the_interviewer_picker_offers_the_applications_company_first(alice_client, people):
    url = reverse("applications:application_interview_create", args=[people.pk])
    labels = option_labels(alice_client.get(url), "interviewers")
    assert labels == [
        "Tiina Talent",
        "Ville Virtanen (KONE OYJ)",
        "Aino Aalto (Wärtsilä)",
        "Bertta Berg",
    ]


def test_the_edit_form_and_a_refused_quick_log_order_the_same_way(alice_client, people):
    interview = InterviewFactory(application=people)
    edit = alice_client.get(reverse("applications:interview_update", args=[interview.pk]))
    assert option_labels(edit, "interviewers")[:2] == ["Tiina Talent", "Ville Virtanen (KONE OYJ)"]
    refused = alice_client.post(
        reverse("applications:interview_create"),
        interview_data(application=people.pk, duration_minutes="1"),
    )
    assert option_labels(refused, "interviewers")[:2] == [
        "Tiina Talent",
        "Ville Virtanen (KONE OYJ)",
    ]


def test_the_application_forms_contact_picker_offers_its_company_first(alice_client, people):
    edit = alice_client.get(reverse("applications:application_update", args=[people.pk]))
    assert option_labels(edit, "contacts")[:2] == ["Tiina Talent", "Ville Virtanen (KONE OYJ)"]


def test_the_contact_forms_application_picker_offers_its_company_first(alice_client, alice):
    ApplicationFactory(owner=alice, company="Aalto Oy", position="Dev")
    ApplicationFactory(owner=alice, company="Kone Oyj", position="Ops")
    contact = ContactFactory(owner=alice, company="Kone Oyj")
    page = alice_client.get(reverse("applications:contact_update", args=[contact.pk]))
    assert "Kone Oyj" in option_labels(page, "applications")[0]


def test_pickers_are_plain_selects_that_the_script_enhances(alice_client, people):
    url = reverse("applications:application_interview_create", args=[people.pk])
    html = alice_client.get(url).content.decode()
    assert re.search(r'<select[^>]*name="interviewers"[^>]*data-picker', html)
    assert re.search(r'<select[^>]*name="interviewers"[^>]*multiple', html)
    assert "vendor/tom-select-2.6.2/tom-select.complete.min.js" in html
    assert "js/picker.js" in html
    assert "css/picker.css" in html
    assert "cdn" not in html.lower()


def test_the_pickers_words_are_in_the_persons_language(alice_client, alice, people):
    alice.language = "fi"
    alice.save(update_fields=["language"])
    url = reverse("applications:application_update", args=[people.pk])
    html = alice_client.get(url).content.decode()
    select = re.search(r'<select[^>]*name="contacts"[^>]*>', html).group(0)
    assert 'data-picker-empty="Ei osumia"' in select
    assert 'data-picker-remove="Poista"' in select


def test_without_javascript_the_form_has_three_rows_for_new_interviewers(alice_client, alice):
    application = ApplicationFactory(owner=alice)
    url = reverse("applications:application_interview_create", args=[application.pk])
    html = alice_client.get(url).content.decode()
    for i in range(3):
        assert f'name="interviewer-{i}-name"' in html
    assert 'name="interviewer-3-name"' not in html
    assert "Add another interviewer" in html


def test_several_new_interviewers_are_linked_in_one_save_without_duplicates(alice_client, alice):
    existing = ContactFactory(owner=alice, name="Maija M.", email="maija@kone.example")
    application = ApplicationFactory(owner=alice, company="Kone Oyj")
    url = reverse("applications:application_interview_create", args=[application.pk])
    response = alice_client.post(
        url,
        interview_data(
            application=application.pk,
            new_interviewers=[
                {"name": "Pekka Puro", "email": "pekka@kone.example", "phone": "+358 40 1"},
                {"name": "Maija Meikäläinen", "email": "MAIJA@kone.example"},
                {"name": "Liisa Lahti"},
                {"name": "Pekka P.", "email": "pekka@kone.example"},  # The same person again.
            ],
        ),
    )
    assert response.status_code == 302
    interview = Interview.objects.get()
    names = sorted(interview.interviewers.values_list("name", flat=True))
    assert names == ["Liisa Lahti", "Maija M.", "Pekka Puro"]
    assert Contact.objects.count() == 3
    assert existing in interview.interviewers.all()
    assert set(application.contacts.all()) == set(interview.interviewers.all())
    assert set(Contact.objects.exclude(pk=existing.pk).values_list("company", flat=True)) == {
        "Kone Oyj"
    }


def test_errors_stand_next_to_their_row_and_every_row_keeps_what_was_typed(alice_client, alice):
    application = ApplicationFactory(owner=alice)
    url = reverse("applications:application_interview_create", args=[application.pk])
    response = alice_client.post(
        url,
        interview_data(
            application=application.pk,
            new_interviewers=[
                {"name": "Pekka Puro", "email": "pekka@kone.example"},
                {"name": "Maija", "email": "maija@"},
                {"email": "nameless@kone.example"},
            ],
        ),
    )
    assert_error_next_to(response, "interviewer-1-email", "valid email")
    assert_error_next_to(response, "interviewer-2-name", "name")
    assert shown_errors(response, "interviewer-0-name") == []
    assert shown_errors(response, "interviewer-0-email") == []
    for field, typed in [
        ("interviewer-0-name", "Pekka Puro"),
        ("interviewer-0-email", "pekka@kone.example"),
        ("interviewer-1-name", "Maija"),
        ("interviewer-1-email", "maija@"),
        ("interviewer-2-email", "nameless@kone.example"),
    ]:
        assert_kept(response, field, typed)
    assert not Interview.objects.exists()
    assert not Contact.objects.exists()


def test_a_post_without_the_rows_names_no_one_new(alice_client, alice):
    """A script or an old page posting no management form: saved, with nobody new."""
    application = ApplicationFactory(owner=alice)
    data = {
        k: v
        for k, v in interview_data(application=application.pk).items()
        if not k.startswith("interviewer-")
    }
    url = reverse("applications:application_interview_create", args=[application.pk])
    assert alice_client.post(url, data).status_code == 302
    assert not Interview.objects.get().interviewers.exists()


def test_more_rows_than_the_maximum_are_refused(alice_client, alice):
    application = ApplicationFactory(owner=alice)
    url = reverse("applications:application_interview_create", args=[application.pk])
    people = [{"name": f"Person {i}"} for i in range(21)]
    response = alice_client.post(
        url, interview_data(application=application.pk, new_interviewers=people)
    )
    assert response.status_code == 200
    assert not Interview.objects.exists()


def test_the_application_form_still_saves_picked_contacts(alice_client, alice, people):
    tiina = Contact.objects.get(name="Tiina Talent")
    response = alice_client.post(
        reverse("applications:application_update", args=[people.pk]),
        application_data(company="Kone Oyj", contacts=[tiina.pk]),
    )
    assert response.status_code == 302
    assert list(people.contacts.all()) == [tiina]
