"""Logging an interview: from an application, or from the dashboard creating the application too."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from applications.models import Application, Contact, Interview, Status, StatusChange
from applications.services import interview_create, interview_update
from tests.applications.helpers import (
    add_bank,
    assert_error_next_to,
    assert_kept,
    has_label,
    interview_data,
)
from tests.factories import ApplicationFactory, ContactFactory

pytestmark = pytest.mark.django_db

UTC = datetime.UTC
QUICK = "applications:interview_create"


def log_for(client, application, **overrides):
    url = reverse("applications:application_interview_create", args=[application.pk])
    return client.post(url, interview_data(application=application.pk, **overrides))


def test_starts_at_is_read_in_the_users_time_zone_and_shown_back_in_it(alice_client, alice):
    """Alice (Europe/Helsinki) types 10:00 on 10 March: stored as 08:00 UTC, shown as 10:00."""
    assert alice.time_zone == "Europe/Helsinki"
    application = ApplicationFactory(owner=alice)
    log_for(alice_client, application, starts_at="2026-03-10T10:00")
    interview = Interview.objects.get()
    assert interview.starts_at == datetime.datetime(2026, 3, 10, 8, 0, tzinfo=UTC)
    edit = alice_client.get(reverse("applications:interview_update", args=[interview.pk]))
    assert_kept(edit, "starts_at", "2026-03-10T10:00")
    detail = alice_client.get(interview.get_absolute_url()).content.decode()
    assert "10 Mar 2026, 10:00" in detail


def test_starts_at_follows_another_time_zone_of_the_user(alice_client, alice):
    """The same wall-clock time in New York is a different instant."""
    alice.time_zone = "America/New_York"
    alice.save()
    application = ApplicationFactory(owner=alice)
    log_for(alice_client, application, starts_at="2026-07-01T09:30")
    assert Interview.objects.get().starts_at == datetime.datetime(2026, 7, 1, 13, 30, tzinfo=UTC)


def test_a_time_that_does_not_exist_in_the_users_zone_is_a_form_error(alice_client, alice):
    """03:30 on the night Finland moves its clocks forward never happens: asked again, no 500."""
    application = ApplicationFactory(owner=alice)
    response = log_for(alice_client, application, starts_at="2026-03-29T03:30")
    assert_error_next_to(response, "starts_at", "time zone")
    assert not Interview.objects.exists()


def test_logging_an_interview_moves_an_applied_application_to_interviewing(alice_client, alice):
    """The status changes and the timeline shows both the change and the interview."""
    application = ApplicationFactory(owner=alice, status=Status.APPLIED)
    response = log_for(alice_client, application)
    interview = Interview.objects.get()
    assert response["Location"] == interview.get_absolute_url()
    application.refresh_from_db()
    assert application.status == Status.INTERVIEWING
    change = StatusChange.objects.filter(application=application).latest("changed_at", "id")
    assert (change.previous_status, change.status) == (Status.APPLIED, Status.INTERVIEWING)
    page = alice_client.get(application.get_absolute_url()).content.decode()
    assert "Status: Applied → Interviewing" in page
    assert "Interview (Video)" in page


def test_interviewer_fields_create_a_contact_linked_to_interview_and_application(
    alice_client, alice
):
    application = ApplicationFactory(owner=alice, company="Acme Oy")
    log_for(
        alice_client,
        application,
        interviewer_name="Maija Meikäläinen",
        interviewer_email="Maija@Acme.example",
        interviewer_phone="+358 40 765 4321",
    )
    contact = Contact.objects.get()
    assert (contact.owner, contact.name, contact.email) == (
        alice,
        "Maija Meikäläinen",
        "maija@acme.example",
    )
    assert contact.phone == "+358 40 765 4321"
    assert contact.company == "Acme Oy"
    assert list(Interview.objects.get().interviewers.all()) == [contact]
    assert list(application.contacts.all()) == [contact]


def test_interviewer_with_a_known_email_links_the_existing_contact(alice_client, alice):
    """No duplicate contact: the email finds the one alice already has."""
    existing = ContactFactory(owner=alice, name="Maija M.", email="maija@acme.example")
    application = ApplicationFactory(owner=alice)
    log_for(
        alice_client,
        application,
        interviewer_name="Maija Meikäläinen",
        interviewer_email="MAIJA@acme.example",
    )
    assert Contact.objects.count() == 1
    assert list(Interview.objects.get().interviewers.all()) == [existing]


def test_existing_contacts_can_be_picked_as_interviewers(alice_client, alice):
    first, second = ContactFactory(owner=alice), ContactFactory(owner=alice)
    application = ApplicationFactory(owner=alice)
    log_for(alice_client, application, interviewers=[first.pk, second.pk])
    assert set(Interview.objects.get().interviewers.all()) == {first, second}


def test_the_checklist_starts_as_a_copy_of_the_question_bank(alice_client, alice):
    add_bank(alice, ["Why us?", "Weaknesses?"])
    application = ApplicationFactory(owner=alice)
    log_for(alice_client, application)
    interview = Interview.objects.get()
    assert list(interview.prep_items.values_list("question", flat=True)) == [
        "Why us?",
        "Weaknesses?",
    ]


def test_logging_from_an_application_preselects_it(alice_client, alice):
    application = ApplicationFactory(owner=alice)
    ApplicationFactory(owner=alice)
    response = alice_client.get(
        reverse("applications:application_interview_create", args=[application.pk])
    )
    assert response.context["form"]["application"].value() == application.pk
    assert f'<option value="{application.pk}" selected>' in response.content.decode()


@pytest.mark.parametrize("minutes", ["5", "37", "45", "480"])
def test_any_duration_from_5_to_480_minutes_is_accepted(alice_client, alice, minutes):
    application = ApplicationFactory(owner=alice)
    log_for(alice_client, application, duration_minutes=minutes)
    assert Interview.objects.get().duration_minutes == int(minutes)


@pytest.mark.parametrize("minutes", ["4", "0", "-30", "481", "100000"])
def test_duration_out_of_range_is_refused_next_to_the_field(alice_client, alice, minutes):
    """The message names the range and the typed value stays in the input."""
    application = ApplicationFactory(owner=alice)
    response = log_for(alice_client, application, duration_minutes=minutes)
    assert_error_next_to(response, "duration_minutes", "from 5 to 480 minutes")
    assert_kept(response, "duration_minutes", minutes)
    assert not Interview.objects.exists()


def test_the_duration_input_offers_the_usual_lengths(alice_client):
    html = alice_client.get(reverse(QUICK)).content.decode()
    assert 'list="duration-choices"' in html
    for minutes in (30, 45, 60, 90):
        assert f'<option value="{minutes}"></option>' in html


@pytest.mark.parametrize(
    ("value", "fragment"),
    [("", "required"), ("next tuesday", "valid date"), ("0001-01-01T10:00", "between the years")],
)
def test_a_missing_or_unreadable_start_is_refused(alice_client, alice, value, fragment):
    application = ApplicationFactory(owner=alice)
    response = log_for(alice_client, application, starts_at=value)
    assert_error_next_to(response, "starts_at", fragment)
    assert not Interview.objects.exists()


def test_an_invalid_interviewer_email_is_refused_and_kept(alice_client, alice):
    application = ApplicationFactory(owner=alice)
    response = log_for(
        alice_client, application, interviewer_name="Maija", interviewer_email="maija@"
    )
    assert_error_next_to(response, "interviewer-0-email", "valid email")
    assert_kept(response, "interviewer-0-email", "maija@")
    assert_kept(response, "interviewer-0-name", "Maija")
    assert not Contact.objects.exists()


def test_an_interviewer_email_without_a_name_asks_for_the_name(alice_client, alice):
    application = ApplicationFactory(owner=alice)
    response = log_for(alice_client, application, interviewer_email="maija@acme.example")
    assert_error_next_to(response, "interviewer-0-name", "name")


def test_a_phone_number_with_letters_is_refused(alice_client, alice):
    application = ApplicationFactory(owner=alice)
    response = log_for(
        alice_client, application, interviewer_name="Maija", interviewer_phone="<b>call me</b>"
    )
    assert_error_next_to(response, "interviewer-0-phone", "digits")
    assert_kept(response, "interviewer-0-phone", "<b>call me</b>")


def test_over_long_place_is_refused_with_its_limit(alice_client, alice):
    application = ApplicationFactory(owner=alice)
    response = log_for(alice_client, application, location="x" * 501)
    assert_error_next_to(response, "location", "at most 500 characters")


def test_over_long_notes_are_refused_and_the_limit_is_stated(alice_client, alice):
    application = ApplicationFactory(owner=alice)
    response = log_for(alice_client, application, preparation_notes="x" * 10_001)
    assert_error_next_to(response, "preparation_notes", "at most 10000 characters")
    assert "At most 10000 characters." in response.content.decode()


def test_bobs_application_id_in_alices_form_is_a_form_error(alice_client, alice, bob):
    """Alice cannot log an interview on bob's application, even by posting its id."""
    bobs = ApplicationFactory(owner=bob)
    response = alice_client.post(reverse(QUICK), interview_data(application=bobs.pk))
    assert_error_next_to(response, "application", "valid choice")
    assert not Interview.objects.exists()
    bobs.refresh_from_db()
    assert bobs.status == Status.APPLIED


def test_bobs_contact_id_in_alices_form_is_a_form_error(alice_client, alice, bob):
    ContactFactory(owner=alice)
    bobs_contact = ContactFactory(owner=bob)
    application = ApplicationFactory(owner=alice)
    response = log_for(alice_client, application, interviewers=[bobs_contact.pk])
    assert_error_next_to(response, "interviewers", "valid choice")
    assert not Interview.objects.exists()


def test_bobs_contacts_and_applications_are_not_offered_to_alice(alice_client, alice, bob):
    ContactFactory(owner=bob, name="Bob's Recruiter")
    ApplicationFactory(owner=bob, company="Bob Corp")
    html = alice_client.get(reverse(QUICK)).content.decode()
    assert "Bob Corp" not in html
    assert "Bob&#x27;s Recruiter" not in html


def test_quick_log_creates_application_interview_and_contact_in_one_submit(alice_client, alice):
    """From the dashboard: a new company and position, an interviewer, one Save."""
    response = alice_client.post(
        reverse(QUICK),
        interview_data(
            company="Quick Oy",
            position="Data Engineer",
            interviewer_name="Pekka",
            interviewer_email="pekka@quick.example",
        ),
    )
    application = Application.objects.get()
    interview = Interview.objects.get()
    assert response["Location"] == interview.get_absolute_url()
    assert (application.owner, application.company, application.position) == (
        alice,
        "Quick Oy",
        "Data Engineer",
    )
    assert application.status == Status.INTERVIEWING
    assert interview.application == application
    assert interview.interviewers.get().email == "pekka@quick.example"
    assert list(application.status_changes.values_list("status", flat=True)) == [
        Status.APPLIED,
        Status.INTERVIEWING,
    ]


def test_quick_log_with_an_error_creates_nothing_and_keeps_what_was_typed(alice_client, alice):
    """A bad duration: no application, contact or interview, and every field as typed."""
    response = alice_client.post(
        reverse(QUICK),
        interview_data(
            company="Quick Oy",
            position="Data Engineer",
            duration_minutes="600",
            interviewer_name="Pekka",
            interviewer_email="pekka@quick.example",
            preparation_notes="Read their blog",
        ),
    )
    assert_error_next_to(response, "duration_minutes", "from 5 to 480")
    assert not Application.objects.exists()
    assert not Contact.objects.exists()
    assert not Interview.objects.exists()
    for field, typed in [
        ("company", "Quick Oy"),
        ("position", "Data Engineer"),
        ("interviewer-0-name", "Pekka"),
        ("interviewer-0-email", "pekka@quick.example"),
        ("starts_at", "2026-03-10T10:00"),
        ("preparation_notes", "Read their blog"),
    ]:
        assert_kept(response, field, typed)


def test_quick_log_needs_an_application_or_a_company_and_position(alice_client, alice):
    response = alice_client.post(reverse(QUICK), interview_data())
    assert_error_next_to(response, "company", "Enter the company")
    assert_error_next_to(response, "position", "Enter the position")
    assert not Interview.objects.exists()


def test_quick_log_refuses_both_an_application_and_a_new_company(alice_client, alice):
    application = ApplicationFactory(owner=alice)
    response = alice_client.post(
        reverse(QUICK), interview_data(application=application.pk, company="Other Oy")
    )
    assert_error_next_to(response, "application", "not both")
    assert not Interview.objects.exists()


def test_quick_log_with_an_existing_application_uses_it(alice_client, alice):
    application = ApplicationFactory(owner=alice)
    alice_client.post(reverse(QUICK), interview_data(application=application.pk))
    assert Interview.objects.get().application == application
    assert Application.objects.count() == 1


def test_quick_log_refuses_an_over_long_company(alice_client, alice):
    response = alice_client.post(reverse(QUICK), interview_data(company="x" * 201, position="Dev"))
    assert_error_next_to(response, "company", "at most 200 characters")
    assert not Application.objects.exists()


def test_the_form_has_the_issues_labels(alice_client):
    html = alice_client.get(reverse(QUICK)).content.decode()
    for label in (
        "Company",
        "Position",
        "Starts at",
        "Duration (minutes)",
        "Interviewer name",
        "Interviewer email",
        "Interviewer phone",
    ):
        assert has_label(html, label), label
    assert 'type="datetime-local"' in html


def test_only_the_quick_path_loads_its_script(alice_client, alice):
    """The script that hides the new-application fields once an application is chosen."""
    application = ApplicationFactory(owner=alice)
    assert "js/log-interview.js" in alice_client.get(reverse(QUICK)).content.decode()
    from_application = reverse("applications:application_interview_create", args=[application.pk])
    assert "js/log-interview.js" not in alice_client.get(from_application).content.decode()


def test_moving_an_interview_onto_another_live_ones_start_is_refused_by_the_service(alice):
    """The form's rule holds for every caller: the move is refused and nothing changes."""
    application = ApplicationFactory(owner=alice)
    first = datetime.datetime(2026, 3, 10, 8, 0, tzinfo=UTC)
    second = first + datetime.timedelta(hours=1)
    interview_create(application=application, starts_at=first)
    moving = interview_create(application=application, starts_at=second)
    with pytest.raises(ValidationError) as refused:
        interview_update(interview=moving, starts_at=first)
    assert "starts_at" in refused.value.message_dict
    assert Interview.objects.get(pk=moving.pk).starts_at == second
    # Cancelled, the other start no longer stands in the way.
    interview_update(interview=Interview.objects.get(starts_at=first), cancelled=True)
    interview_update(interview=Interview.objects.get(pk=moving.pk), starts_at=first)
    assert Interview.objects.get(pk=moving.pk).starts_at == first
