"""The same thing sent twice by any path (the back button, two tabs) is kept once; a second
application at a company is made only when the person says so."""

import re
import zoneinfo

import pytest
from django.urls import reverse

from applications import services
from applications.models import Application, Interview, Status
from followups.models import Followup, Kind, State
from tests.applications.helpers import application_data, interview_data
from tests.factories import ApplicationFactory, InterviewFactory

pytestmark = pytest.mark.django_db

QUICK = reverse("applications:interview_create")
NEW = reverse("applications:application_create")
NOTICE = "You already have an application at"


def form_key(client, url: str) -> str:
    html = client.get(url).content.decode()
    return re.search(r'name="submission_key" value="([0-9a-f-]{36})"', html).group(1)


def quick(**overrides) -> dict:
    return interview_data(company="Kone Oyj", position="Developer", **overrides)


def test_the_back_button_form_logs_the_same_interview_once(alice_client, alice):
    """Back restores the typed values under a fresh key: still one application, one interview."""
    first = alice_client.post(QUICK, quick(submission_key=form_key(alice_client, QUICK)))
    again = alice_client.post(QUICK, quick(submission_key=form_key(alice_client, QUICK)))
    interview = Interview.objects.get()
    assert first["Location"] == again["Location"] == interview.get_absolute_url()
    assert Application.objects.count() == 1
    kinds = sorted(Followup.objects.filter(owner=alice).values_list("kind", flat=True))
    assert kinds == sorted([Kind.THANK_YOU, Kind.CALL])
    page = alice_client.get(again["Location"]).content.decode()
    assert "This interview was logged already." in page


def test_two_forms_for_one_application_at_one_start_log_one_interview(alice_client, alice):
    application = ApplicationFactory(owner=alice)
    url = reverse("applications:application_interview_create", args=[application.pk])
    for _ in range(2):
        alice_client.post(
            url,
            interview_data(application=application.pk, submission_key=form_key(alice_client, url)),
        )
    assert Interview.objects.count() == 1
    assert Followup.objects.filter(kind=Kind.THANK_YOU).count() == 1


def test_a_cancelled_interview_at_that_start_is_logged_anew(alice, alice_client):
    application = ApplicationFactory(owner=alice)
    old = InterviewFactory(application=application, cancelled=True)
    interview, created = services.interview_log(
        owner=alice, application=application, starts_at=old.starts_at
    )
    assert created and interview != old


def test_the_service_returns_the_interview_already_at_that_start(alice):
    application = ApplicationFactory(owner=alice)
    first = InterviewFactory(application=application)
    interview, created = services.interview_log(
        owner=alice, application=application, starts_at=first.starts_at
    )
    assert (interview, created) == (first, False)
    assert services.interview_create(application=application, starts_at=first.starts_at) == first


def test_an_edit_onto_another_interviews_start_is_refused(alice_client, alice):
    application = ApplicationFactory(owner=alice)
    first = InterviewFactory(application=application)
    second = InterviewFactory(application=application)
    url = reverse("applications:interview_update", args=[second.pk])
    local = first.starts_at.astimezone(zoneinfo.ZoneInfo(alice.time_zone))
    data = interview_data(starts_at=local.strftime("%Y-%m-%dT%H:%M:%S"))
    response = alice_client.post(url, data)
    assert response.status_code == 200
    assert "This application has another interview starting at that time." in (
        response.content.decode()
    )


def test_a_new_application_at_a_company_with_an_open_one_asks_first(alice_client, alice):
    existing = ApplicationFactory(owner=alice, company="Kone Oyj", status=Status.APPLIED)
    data = application_data(company="  kone OYJ ", submission_key=form_key(alice_client, NEW))
    response = alice_client.post(NEW, data)
    page = response.content.decode()
    assert response.status_code == 200
    assert f"{NOTICE} Kone Oyj." in page
    assert existing.get_absolute_url() in page
    assert 'name="create_another" value="1"' in page
    assert Application.objects.count() == 1


def test_create_another_makes_the_second_application(alice_client, alice):
    ApplicationFactory(owner=alice, company="Kone Oyj")
    data = application_data(company="Kone Oyj", submission_key=form_key(alice_client, NEW))
    response = alice_client.post(NEW, {**data, "create_another": "1"})
    assert response.status_code == 302
    assert Application.objects.filter(company="Kone Oyj").count() == 2


def test_the_notice_matches_other_letters_case_too(alice):
    ApplicationFactory(owner=alice, company="Wärtsilä")
    found = services.applications_at_company(owner=alice, company=" WÄRTSILÄ ")
    assert [a.company for a in found] == ["Wärtsilä"]


def test_a_closed_application_or_another_users_is_no_reason_to_ask(alice_client, alice, bob):
    ApplicationFactory(owner=alice, company="Kone Oyj", status=Status.REJECTED)
    ApplicationFactory(owner=bob, company="Kone Oyj")
    data = application_data(company="Kone Oyj", submission_key=form_key(alice_client, NEW))
    assert alice_client.post(NEW, data).status_code == 302
    assert Application.objects.filter(owner=alice).count() == 2


def test_the_quick_path_with_another_position_asks_first(alice_client, alice):
    existing = ApplicationFactory(owner=alice, company="Kone Oyj", position="Tester")
    response = alice_client.post(QUICK, quick(submission_key=form_key(alice_client, QUICK)))
    page = response.content.decode()
    assert f"{NOTICE} Kone Oyj." in page
    assert f'name="use_application" value="{existing.pk}"' in page
    assert Interview.objects.count() == 0
    assert Application.objects.count() == 1


def test_the_quick_path_logs_for_the_application_chosen_on_the_notice(alice_client, alice):
    existing = ApplicationFactory(owner=alice, company="Kone Oyj", position="Tester")
    data = quick(submission_key=form_key(alice_client, QUICK), use_application=existing.pk)
    response = alice_client.post(QUICK, data)
    assert response.status_code == 302
    assert Interview.objects.get().application == existing
    assert Application.objects.count() == 1


def test_the_quick_path_cannot_choose_another_users_application(alice_client, bob):
    bobs = ApplicationFactory(owner=bob, company="Kone Oyj")
    data = quick(submission_key=form_key(alice_client, QUICK), use_application=bobs.pk)
    assert alice_client.post(QUICK, data).status_code == 200
    assert Interview.objects.count() == 0


def test_the_quick_path_creates_another_when_told(alice_client, alice):
    ApplicationFactory(owner=alice, company="Kone Oyj", position="Tester")
    data = quick(submission_key=form_key(alice_client, QUICK), create_another="1")
    assert alice_client.post(QUICK, data).status_code == 302
    assert Application.objects.filter(owner=alice, company="Kone Oyj").count() == 2


def test_typing_the_company_and_position_of_an_open_application_logs_there(alice_client, alice):
    existing = ApplicationFactory(owner=alice, company="Kone Oyj", position="Developer")
    data = interview_data(
        company="kone oyj", position=" developer", submission_key=form_key(alice_client, QUICK)
    )
    assert alice_client.post(QUICK, data).status_code == 302
    assert Interview.objects.get().application == existing
    assert Application.objects.count() == 1


def test_the_company_field_suggests_the_open_applications(alice_client, alice):
    ApplicationFactory(owner=alice, company="Kone Oyj", position="Developer")
    ApplicationFactory(owner=alice, company="Closed Oy", status=Status.WITHDRAWN)
    ApplicationFactory(owner=ApplicationFactory().owner, company="Not Alices Oy")
    page = alice_client.get(QUICK).content.decode()
    assert 'list="open-applications"' in page
    assert '<option value="Kone Oyj" label="Developer"></option>' in page
    assert '<option value="Closed Oy"' not in page
    assert "Not Alices Oy" not in page


def test_only_the_cancelled_follow_ups_of_a_duplicate_remain(alice):
    """Cancelling the first interview lets the same start be logged again, with follow-ups."""
    application = ApplicationFactory(owner=alice)
    first, _ = services.interview_log(owner=alice, application=application, starts_at=_soon())
    services.interview_cancel(interview=first)
    second, created = services.interview_log(
        owner=alice, application=application, starts_at=first.starts_at
    )
    assert created
    live = Followup.objects.exclude(state=State.CANCELLED)
    assert set(live.values_list("interview_id", flat=True)) == {second.pk}


def _soon():
    return InterviewFactory.build().starts_at
