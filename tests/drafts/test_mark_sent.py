"""A thank-you draft's "Mark as sent" closes the thank-you follow-up it carries out."""

import pytest
from django.urls import reverse

from drafts import services
from drafts.models import Draft, Kind
from followups.models import Followup, State
from tests.factories import FollowupFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def thank_you(alices_interview):
    return FollowupFactory(
        application=alices_interview.application,
        interview=alices_interview,
        kind=Kind.THANK_YOU,
        state=State.NOTIFIED,
    )


def draft_of(interview, kind) -> Draft:
    return services.draft_generate(
        owner=interview.owner,
        kind=kind,
        application=interview.application,
        interview=interview,
        language="en",
    )[0]


def test_mark_as_sent_closes_the_thank_you_follow_up_as_done(alice_client, thank_you):
    draft = draft_of(thank_you.interview, Kind.THANK_YOU)
    page = alice_client.get(draft.get_absolute_url()).content.decode()
    assert "Mark as sent" in page

    response = alice_client.post(reverse("drafts:mark_sent", args=[draft.pk]))
    assert response["Location"] == draft.get_absolute_url()
    thank_you.refresh_from_db()
    assert thank_you.state == State.DONE
    page = alice_client.get(draft.get_absolute_url()).content.decode()
    assert "Mark as sent" not in page
    assert "is done" in page


def test_marking_twice_changes_nothing_more(alice_client, thank_you):
    draft = draft_of(thank_you.interview, Kind.THANK_YOU)
    alice_client.post(reverse("drafts:mark_sent", args=[draft.pk]))
    closed_at = Followup.objects.get(pk=thank_you.pk).completed_at
    alice_client.post(reverse("drafts:mark_sent", args=[draft.pk]))
    assert Followup.objects.get(pk=thank_you.pk).completed_at == closed_at


def test_the_draft_of_another_interview_leaves_this_thank_you_alone(
    alice_client, thank_you, alices_application
):
    other = draft_of(thank_you.interview, Kind.FEEDBACK)
    alice_client.post(reverse("drafts:mark_sent", args=[other.pk]))
    thank_you.refresh_from_db()
    assert thank_you.state == State.NOTIFIED


def test_a_call_script_has_no_mark_as_sent(alice_client, alices_interview):
    draft = draft_of(alices_interview, Kind.CALL)
    FollowupFactory(
        application=alices_interview.application, interview=alices_interview, kind=Kind.CALL
    )
    assert "Mark as sent" not in alice_client.get(draft.get_absolute_url()).content.decode()
