"""What the person records closes what it answers: feedback ends the feedback request, and an
offer or a rejection recorded on the application answers its latest interview."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from applications.models import InterviewOutcome, Status
from applications.services import (
    application_create,
    application_set_status,
    interview_create,
    interview_update,
)
from followups.models import Followup, Kind, State

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 3, 10, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def application(alice):
    application = application_create(owner=alice, company="Kone", position="Engineer")
    interview_create(application=application, starts_at=NOW - datetime.timedelta(days=9))
    return application


def latest_outcome(application) -> str:
    return application.interviews.order_by("-starts_at").first().outcome


def feedback_state(application) -> str:
    return Followup.objects.get(application=application, kind=Kind.FEEDBACK).state


@pytest.mark.parametrize("state", [State.SCHEDULED, State.NOTIFIED, State.FAILED])
def test_adding_feedback_closes_the_feedback_request_as_done(alice_client, application, state):
    application_set_status(application=application, status=Status.REJECTED)
    Followup.objects.filter(kind=Kind.FEEDBACK).update(state=state)
    response = alice_client.post(
        reverse("applications:feedback_create", args=[application.pk]),
        {"received_on": "2026-03-10", "text": "More examples next time.", "constructive": "true"},
    )
    assert response.status_code == 302
    assert feedback_state(application) == State.DONE
    assert Followup.objects.get(kind=Kind.FEEDBACK).completed_at == NOW


def test_feedback_leaves_a_closed_request_and_other_follow_ups_alone(alice_client, application):
    application_set_status(application=application, status=Status.REJECTED)
    Followup.objects.filter(kind=Kind.FEEDBACK).update(state=State.SKIPPED)
    others = dict(Followup.objects.exclude(kind=Kind.FEEDBACK).values_list("pk", "state"))
    alice_client.post(
        reverse("applications:feedback_create", args=[application.pk]),
        {"received_on": "2026-03-10", "text": "Fine.", "constructive": "unknown"},
    )
    assert feedback_state(application) == State.SKIPPED
    assert dict(Followup.objects.exclude(kind=Kind.FEEDBACK).values_list("pk", "state")) == others


@pytest.mark.parametrize(
    ("status", "outcome"),
    [(Status.OFFER, InterviewOutcome.OFFER), (Status.REJECTED, InterviewOutcome.REJECTED)],
)
def test_recording_an_offer_or_a_rejection_answers_the_latest_interview(
    application, status, outcome
):
    earlier = application.interviews.get()
    later = interview_create(application=application, starts_at=NOW - datetime.timedelta(days=2))
    application_set_status(application=application, status=status)
    later.refresh_from_db()
    earlier.refresh_from_db()
    assert later.outcome == outcome
    assert earlier.outcome == InterviewOutcome.PENDING


def test_an_outcome_the_person_gave_is_kept(application):
    interview = application.interviews.get()
    interview_update(interview=interview, outcome=InterviewOutcome.NEXT_ROUND)
    application_set_status(application=application, status=Status.REJECTED)
    assert latest_outcome(application) == InterviewOutcome.NEXT_ROUND


def test_the_status_form_answers_the_interview(alice_client, application):
    alice_client.post(
        reverse("applications:application_status", args=[application.pk]), {"status": "offer"}
    )
    assert latest_outcome(application) == InterviewOutcome.OFFER


def test_taking_a_mistaken_rejection_back_takes_the_outcome_back(application):
    application_set_status(application=application, status=Status.REJECTED)
    application_set_status(application=application, status=Status.INTERVIEWING)
    assert latest_outcome(application) == InterviewOutcome.PENDING
    # An unrelated edit of the interview later does not reject the application again.
    interview_update(interview=application.interviews.get(), reflection="Went well.")
    application.refresh_from_db()
    assert application.status == Status.INTERVIEWING


def test_an_accepted_offer_keeps_the_offer_on_the_interview(application):
    application_set_status(application=application, status=Status.OFFER)
    application_set_status(application=application, status=Status.ACCEPTED)
    assert latest_outcome(application) == InterviewOutcome.OFFER
