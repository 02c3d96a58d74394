"""The interview page with its checklist, and editing, cancelling and deleting an interview."""

import datetime

import pytest
from django.urls import reverse

from applications.models import Interview, InterviewOutcome, Status
from tests.applications.helpers import (
    add_prep_items,
    assert_error_next_to,
    count_queries,
    interview_data,
)
from tests.factories import ApplicationFactory, ContactFactory, InterviewFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def interview(alice):
    contact = ContactFactory(
        owner=alice, name="Maija", email="maija@acme.example", phone="+358 40 765 4321"
    )
    interview = InterviewFactory(
        application=ApplicationFactory(owner=alice, status=Status.INTERVIEWING),
        interviewers=[contact],
    )
    add_prep_items(interview, ["Why this job?", "Your weaknesses?"])
    return interview


def checklist_post(interview, answers: list[tuple[str, bool]]) -> dict:
    items = list(interview.prep_items.order_by("position"))
    data = {"prep-TOTAL_FORMS": str(len(items)), "prep-INITIAL_FORMS": str(len(items))}
    for i, (item, (answer, done)) in enumerate(zip(items, answers, strict=True)):
        data[f"prep-{i}-id"] = str(item.pk)
        data[f"prep-{i}-answer"] = answer
        if done:
            data[f"prep-{i}-done"] = "on"
    return data


def test_page_shows_interviewers_with_email_and_phone_and_the_checklist(alice_client, interview):
    html = alice_client.get(interview.get_absolute_url()).content.decode()
    assert "mailto:maija@acme.example" in html
    assert 'href="tel:+358407654321"' in html
    assert "Why this job?</legend>" in html
    assert 'name="prep-0-answer"' in html


def test_checklist_answers_and_ready_marks_are_saved(alice_client, interview):
    response = alice_client.post(
        interview.get_absolute_url(),
        checklist_post(interview, [("I like the product.", True), ("", False)]),
    )
    assert response["Location"] == interview.get_absolute_url()
    first, second = interview.prep_items.order_by("position")
    assert (first.answer, first.done) == ("I like the product.", True)
    assert (second.answer, second.done) == ("", False)


def test_an_over_long_answer_is_refused_and_kept(alice_client, interview):
    long = "x" * 5001
    response = alice_client.post(
        interview.get_absolute_url(), checklist_post(interview, [(long, False), ("ok", True)])
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "at most 5000 characters" in html
    assert long in html
    assert interview.prep_items.get(position=1).answer == ""


def test_a_tampered_management_form_creates_no_checklist_items(alice_client, interview):
    data = checklist_post(interview, [("a", False), ("b", False)])
    data.update({"prep-TOTAL_FORMS": "3", "prep-2-answer": "extra", "prep-2-done": "on"})
    alice_client.post(interview.get_absolute_url(), data)
    assert interview.prep_items.count() == 2


def test_a_broken_management_form_is_not_an_error_page(alice_client, interview):
    response = alice_client.post(interview.get_absolute_url(), {"prep-TOTAL_FORMS": "x"})
    assert response.status_code == 200


def test_editing_saves_reflection_and_an_offer_becomes_the_applications_status(
    alice_client, interview
):
    response = alice_client.post(
        reverse("applications:interview_update", args=[interview.pk]),
        interview_data(
            reflection="Went well; too long on the intro.",
            outcome=InterviewOutcome.OFFER,
            interviewers=[c.pk for c in interview.interviewers.all()],
        ),
    )
    assert response["Location"] == interview.get_absolute_url()
    interview.refresh_from_db()
    assert interview.reflection == "Went well; too long on the intro."
    interview.application.refresh_from_db()
    assert interview.application.status == Status.OFFER


def test_editing_can_add_an_interviewer_by_name(alice_client, interview):
    alice_client.post(
        reverse("applications:interview_update", args=[interview.pk]),
        interview_data(
            interviewers=[c.pk for c in interview.interviewers.all()], interviewer_name="Pekka"
        ),
    )
    assert sorted(interview.interviewers.values_list("name", flat=True)) == ["Maija", "Pekka"]


def test_edit_form_has_no_application_choice_and_keeps_the_start(alice_client, interview):
    interview.starts_at = datetime.datetime(2026, 6, 1, 9, 15, tzinfo=datetime.UTC)
    interview.save()
    response = alice_client.get(reverse("applications:interview_update", args=[interview.pk]))
    form = response.context["form"]
    assert "application" not in form.fields
    assert 'value="2026-06-01T12:15"' in response.content.decode()  # Helsinki summer time


def test_a_refused_edit_changes_nothing(alice_client, interview):
    before = interview.duration_minutes
    response = alice_client.post(
        reverse("applications:interview_update", args=[interview.pk]),
        interview_data(duration_minutes="1000"),
    )
    assert_error_next_to(response, "duration_minutes", "from 5 to 480")
    interview.refresh_from_db()
    assert interview.duration_minutes == before


def test_cancel_marks_the_interview_cancelled_on_post(alice_client, interview):
    url = reverse("applications:interview_cancel", args=[interview.pk])
    response = alice_client.post(url)
    assert response["Location"] == interview.get_absolute_url()
    interview.refresh_from_db()
    assert interview.cancelled


def test_delete_asks_first_then_deletes_and_returns_to_the_application(alice_client, interview):
    url = reverse("applications:interview_delete", args=[interview.pk])
    assert alice_client.get(url).status_code == 200
    assert Interview.objects.exists()
    response = alice_client.post(url)
    assert response["Location"] == interview.application.get_absolute_url()
    assert not Interview.objects.exists()


def test_interview_list_shows_upcoming_by_default_and_past_on_request(alice_client, alice):
    application = ApplicationFactory(owner=alice)
    now = datetime.datetime.now(datetime.UTC)
    soon = InterviewFactory(application=application, starts_at=now + datetime.timedelta(days=1))
    gone = InterviewFactory(application=application, starts_at=now - datetime.timedelta(days=1))
    url = reverse("applications:interview_list")
    assert list(alice_client.get(url).context["page_obj"]) == [soon]
    assert list(alice_client.get(url + "?when=past").context["page_obj"]) == [gone]
    assert list(alice_client.get(url + "?when=all").context["page_obj"]) == [soon, gone]
    assert alice_client.get(url + "?when=evil&page=zz").status_code == 200


def test_interview_list_runs_the_same_queries_for_few_and_many(alice_client, alice):
    url = reverse("applications:interview_list") + "?when=all"

    def add(count):
        contact = ContactFactory(owner=alice)
        for _ in range(count):
            InterviewFactory(application=ApplicationFactory(owner=alice), interviewers=[contact])

    add(5)
    few = count_queries(alice_client, url)
    add(40)
    assert count_queries(alice_client, url) == few


def test_a_question_is_added_to_this_interviews_checklist_only(alice_client, alice, interview):
    from applications.models import BankQuestion

    url = reverse("applications:prep_item_create", args=[interview.pk])
    response = alice_client.post(url, {"new-question": "  What does a normal day look like?  "})
    assert response["Location"] == interview.get_absolute_url() + "#prep-heading"
    questions = list(interview.prep_items.order_by("position").values_list("question", flat=True))
    assert questions == ["Why this job?", "Your weaknesses?", "What does a normal day look like?"]
    assert not BankQuestion.objects.filter(question__startswith="What does").exists()
    page = alice_client.get(interview.get_absolute_url()).content.decode()
    assert "What does a normal day look like?" in page


@pytest.mark.parametrize(
    ("question", "error"), [("", "required"), ("x" * 301, "at most 300 characters")]
)
def test_an_empty_or_over_long_question_is_refused_next_to_the_field(
    alice_client, interview, question, error
):
    url = reverse("applications:prep_item_create", args=[interview.pk])
    response = alice_client.post(url, {"new-question": question})
    assert response.status_code == 200
    assert_error_next_to(response, "new-question", error)
    assert interview.prep_items.count() == 2


def test_a_question_is_removed_with_its_answer_from_one_checklist(alice_client, interview):
    first, second = interview.prep_items.order_by("position")
    response = alice_client.post(reverse("applications:prep_item_delete", args=[first.pk]))
    assert response["Location"] == interview.get_absolute_url() + "#prep-heading"
    assert list(interview.prep_items.all()) == [second]
    html = alice_client.get(interview.get_absolute_url()).content.decode()
    assert f'formaction="/questions/{second.pk}/delete/"' in html
    assert (
        alice_client.get(reverse("applications:prep_item_delete", args=[second.pk])).status_code
        == 405
    )


def test_removing_a_question_keeps_the_answers_typed_on_the_page(alice_client, interview):
    """Remove posts the checklist form: the other question's unsaved answer is saved too."""
    first, second = interview.prep_items.order_by("position")
    data = checklist_post(interview, [("", False), ("Impatience, working on it", True)])
    alice_client.post(reverse("applications:prep_item_delete", args=[first.pk]), data)
    second.refresh_from_db()
    assert (second.answer, second.done) == ("Impatience, working on it", True)
    assert list(interview.prep_items.all()) == [second]


@pytest.mark.parametrize(
    ("language", "zone", "help_text"),
    [
        ("en", "America/New_York", "Times are in your account's time zone: New York."),
        ("fi", "Europe/Helsinki", "Ajat ovat tilisi aikavyöhykkeellä: Helsinki."),
        ("en", "America/Argentina/Buenos_Aires", "time zone: Argentina / Buenos Aires."),
        ("en", "UTC", "Times are in your account's time zone: UTC."),
    ],
)
def test_the_start_time_names_the_account_s_time_zone(client, language, zone, help_text):
    """The browser's clock and the account's zone can differ: the help says which one counts."""
    from tests.factories import UserFactory

    user = UserFactory(language=language, time_zone=zone)
    interview = InterviewFactory(application=ApplicationFactory(owner=user))
    client.force_login(user)
    for url in (
        reverse("applications:interview_create"),
        reverse("applications:interview_update", args=[interview.pk]),
    ):
        page = client.get(url).content.decode()
        assert help_text in page
