"""An interview's outcome is the application's outcome, and taking it back takes the status back.

Clearing an offer or a rejection that was recorded by mistake used to leave the application at
offer/rejected, with the feedback request still scheduled.
"""

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
from tests.applications.helpers import interview_data

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2025, 3, 10, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def interview(alice):
    application = application_create(owner=alice, company="Kone", position="Engineer")
    return interview_create(application=application, starts_at=NOW - datetime.timedelta(days=2))


def feedback_states(application) -> list[str]:
    return list(
        Followup.objects.filter(application=application, kind=Kind.FEEDBACK).values_list(
            "state", flat=True
        )
    )


def timeline(application) -> list[str]:
    return list(
        application.status_changes.order_by("changed_at", "id").values_list("status", flat=True)
    )


@pytest.mark.parametrize("outcome", [InterviewOutcome.REJECTED, InterviewOutcome.OFFER])
@pytest.mark.parametrize("cleared_to", [InterviewOutcome.PENDING, InterviewOutcome.NEXT_ROUND])
def test_clearing_an_outcome_takes_the_status_back_and_cancels_the_feedback_request(
    interview, outcome, cleared_to
):
    application = interview.application
    interview_update(interview=interview, outcome=outcome)
    application.refresh_from_db()
    assert application.status == outcome
    assert feedback_states(application) == [State.SCHEDULED]

    interview_update(interview=interview, outcome=cleared_to)

    application.refresh_from_db()
    assert application.status == Status.INTERVIEWING
    assert timeline(application) == ["applied", "interviewing", outcome, "interviewing"]
    assert feedback_states(application) == [State.CANCELLED]


def test_clearing_the_outcome_in_the_edit_form_takes_the_status_back(alice_client, interview):
    url = reverse("applications:interview_update", args=[interview.pk])
    alice_client.post(url, interview_data(outcome=InterviewOutcome.REJECTED))
    alice_client.post(url, interview_data(outcome=""))
    interview.application.refresh_from_db()
    assert interview.application.status == Status.INTERVIEWING
    assert feedback_states(interview.application) == [State.CANCELLED]


def test_a_status_set_since_the_outcome_stays_when_the_outcome_is_cleared(interview):
    application = interview.application
    interview_update(interview=interview, outcome=InterviewOutcome.OFFER)
    application.refresh_from_db()
    application_set_status(application=application, status=Status.ACCEPTED)

    interview_update(interview=interview, outcome=InterviewOutcome.PENDING)

    application.refresh_from_db()
    assert application.status == Status.ACCEPTED


def test_a_rejection_another_interview_still_records_stays(interview):
    application = interview.application
    second = interview_create(
        application=application,
        starts_at=NOW - datetime.timedelta(days=1),
        outcome=InterviewOutcome.REJECTED,
    )
    interview_update(interview=interview, outcome=InterviewOutcome.REJECTED)

    interview_update(interview=interview, outcome=InterviewOutcome.PENDING)

    application.refresh_from_db()
    assert application.status == Status.REJECTED
    assert second.outcome == InterviewOutcome.REJECTED


def test_a_status_the_outcome_did_not_set_stays_when_it_is_cleared(interview):
    # Withdrawn by hand first: the offer recorded afterwards does not change it, so clearing
    # the offer has nothing to take back.
    application = interview.application
    application_set_status(application=application, status=Status.WITHDRAWN)
    interview_update(interview=interview, outcome=InterviewOutcome.OFFER)

    interview_update(interview=interview, outcome=InterviewOutcome.PENDING)

    application.refresh_from_db()
    assert application.status == Status.WITHDRAWN


def test_saving_an_interview_without_touching_its_outcome_changes_no_status(interview):
    application = interview.application
    interview_update(interview=interview, outcome=InterviewOutcome.REJECTED)
    interview_update(interview=interview, reflection="Thinking about it.")
    application.refresh_from_db()
    assert application.status == Status.REJECTED
    assert timeline(application) == ["applied", "interviewing", "rejected"]
