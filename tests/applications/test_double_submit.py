"""A form posted twice (double click, reload, back button) creates its rows and follow-ups once."""

import re
import uuid

import pytest
from django.db import IntegrityError
from django.urls import reverse

from applications import services
from applications.models import Application, Interview
from applications.views import _common
from followups.models import Followup, Kind
from tests.applications.helpers import application_data, interview_data
from tests.factories import ApplicationFactory, InterviewFactory

pytestmark = pytest.mark.django_db

QUICK = reverse("applications:interview_create")


def form_key(client, url: str) -> str:
    """The hidden submission key of the empty form at url."""
    html = client.get(url).content.decode()
    match = re.search(r'<input type="hidden" name="submission_key" value="([0-9a-f-]{36})"', html)
    assert match, "the form has no hidden submission_key input"
    return match.group(1)


def test_each_empty_form_carries_a_new_key(alice_client):
    assert form_key(alice_client, QUICK) != form_key(alice_client, QUICK)


def test_the_quick_path_posted_twice_logs_one_interview_with_one_set_of_follow_ups(
    alice_client, alice
):
    data = interview_data(company="Acme Oy", position="Backend Developer")
    data["submission_key"] = form_key(alice_client, QUICK)
    first = alice_client.post(QUICK, data)
    second = alice_client.post(QUICK, data)
    interview = Interview.objects.get()
    assert first["Location"] == second["Location"] == interview.get_absolute_url()
    assert Application.objects.count() == 1
    kinds = sorted(Followup.objects.filter(owner=alice).values_list("kind", flat=True))
    assert kinds == sorted([Kind.THANK_YOU, Kind.CALL])
    page = alice_client.get(second["Location"]).content.decode()
    assert "This interview was logged already." in page


def test_logging_for_an_application_twice_with_one_form_logs_once(alice_client, alice):
    application = ApplicationFactory(owner=alice)
    url = reverse("applications:application_interview_create", args=[application.pk])
    data = interview_data(application=application.pk, submission_key=form_key(alice_client, url))
    alice_client.post(url, data)
    alice_client.post(url, data)
    assert Interview.objects.count() == 1
    assert Followup.objects.filter(kind=Kind.THANK_YOU).count() == 1


def test_two_separately_opened_forms_log_two_interviews(alice_client, alice):
    """Only the same form posted again is a duplicate; a second form is a second interview."""
    application = ApplicationFactory(owner=alice)
    url = reverse("applications:application_interview_create", args=[application.pk])
    for starts_at in ("2026-03-10T10:00", "2026-03-17T10:00"):
        key = form_key(alice_client, url)
        alice_client.post(
            url, interview_data(application=application.pk, starts_at=starts_at, submission_key=key)
        )
    assert Interview.objects.count() == 2


def test_a_new_application_posted_twice_is_saved_once(alice_client, alice):
    url = reverse("applications:application_create")
    data = application_data(submission_key=form_key(alice_client, url))
    first = alice_client.post(url, data)
    second = alice_client.post(url, data)
    assert Application.objects.count() == 1
    assert first["Location"] == second["Location"]


def test_a_form_refused_first_and_corrected_then_saves(alice_client, alice):
    """The key travels with a refused form; the corrected POST is the first to create."""
    url = reverse("applications:application_create")
    key = form_key(alice_client, url)
    refused = alice_client.post(url, application_data(company="", submission_key=key))
    assert refused.status_code == 200
    assert key in refused.content.decode()
    alice_client.post(url, application_data(submission_key=key))
    assert Application.objects.count() == 1


def test_another_users_key_is_not_a_duplicate(alice_client, alice, bob):
    """Keys are per owner: a key bob used creates alice's interview all the same."""
    key = uuid.uuid4()
    InterviewFactory(application=ApplicationFactory(owner=bob), submission_key=key)
    application = ApplicationFactory(owner=alice)
    url = reverse("applications:application_interview_create", args=[application.pk])
    alice_client.post(url, interview_data(application=application.pk, submission_key=str(key)))
    assert Interview.objects.filter(owner=alice).count() == 1


def test_two_posts_at_the_same_moment_make_one_interview(alice_client, alice, monkeypatch):
    """The second of two concurrent POSTs passes the look-ups before the first is stored; the
    unique key stops its insert, its savepoint rolls back (its new application too), and it
    answers with the first one's interview."""
    monkeypatch.setattr(services, "interview_same", lambda **kwargs: None)
    data = interview_data(company="Acme Oy", position="Backend Developer")
    data["submission_key"] = form_key(alice_client, QUICK)
    alice_client.post(QUICK, data)
    first = Interview.objects.get()
    looked_up = []
    real = _common._created_by

    def miss_once(model, request, form):
        looked_up.append(model)
        return None if len(looked_up) == 1 else real(model, request, form)

    monkeypatch.setattr(_common, "_created_by", miss_once)
    response = alice_client.post(QUICK, data)
    assert response["Location"] == first.get_absolute_url()
    assert Interview.objects.count() == 1
    assert Application.objects.count() == 1
    assert len(looked_up) == 2


def test_an_integrity_error_that_is_no_duplicate_is_not_hidden(alice_client, monkeypatch):
    def create(**kwargs):
        raise IntegrityError("something else")

    class Form:
        cleaned_data = {"submission_key": uuid.uuid4()}

    class Request:
        user = None

    monkeypatch.setattr(_common, "_created_by", lambda *args: None)
    with pytest.raises(IntegrityError):
        _common._create_once(Interview, Request(), Form(), create)
