"""The follow-up page of a call is a call sheet: who, how to reach them, about what, and the
script; a thank-you links its draft; a skipped follow-up reads as skipped."""

import datetime
import re

import pytest
from django.urls import reverse

from drafts.models import Draft
from followups.models import Kind, State
from tests.factories import (
    ApplicationFactory,
    ContactFactory,
    FollowupFactory,
    InterviewFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def interview(alice):
    application = ApplicationFactory(owner=alice, company="Kone Oyj", position="Data Engineer")
    person = ContactFactory(
        owner=alice,
        name="Maija Meikäläinen",
        role="Head of Data",
        email="maija@kone.example",
        phone="+358 40 123 4567",
    )
    return InterviewFactory(
        application=application,
        starts_at=datetime.datetime(2026, 3, 2, 8, 0, tzinfo=datetime.UTC),
        interviewers=[person],
    )


def page_of(client, followup) -> str:
    response = client.get(followup.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def test_the_call_page_has_the_interviewer_the_interview_and_the_script(alice_client, interview):
    call = FollowupFactory(application=interview.application, interview=interview, kind=Kind.CALL)
    html = page_of(alice_client, call)
    assert "Maija Meikäläinen" in html
    assert "Head of Data" in html
    assert 'href="tel:+358401234567"' in html
    assert 'href="mailto:maija@kone.example"' in html
    assert interview.application.get_absolute_url() in html
    assert "Interview on" in html
    # The script, written from the data, on the same page; nothing saved by looking.
    assert 'id="call-script-text"' in html
    assert "Maija" in re.search(r'id="call-script-text"[^>]*>(.*?)</div>', html, re.S).group(1)
    assert not Draft.objects.exists()
    assert reverse("drafts:for_followup", args=[call.pk]) in html
    assert "Attempts to send" not in html


def test_a_saved_call_script_is_the_one_shown(alice_client, interview):
    call = FollowupFactory(application=interview.application, interview=interview, kind=Kind.CALL)
    alice_client.get(reverse("drafts:for_followup", args=[call.pk]))
    draft = Draft.objects.get()
    draft.body = "My own words for Maija."
    draft.save()
    html = page_of(alice_client, call)
    assert "My own words for Maija." in html
    assert draft.get_absolute_url() in html


def test_the_thank_you_page_links_its_draft(alice_client, interview):
    thanks = FollowupFactory(
        application=interview.application, interview=interview, kind=Kind.THANK_YOU
    )
    html = page_of(alice_client, thanks)
    assert reverse("drafts:for_followup", args=[thanks.pk]) in html
    assert "Write the draft: Thank-you email" in html
    assert 'id="call-script-text"' not in html


def test_a_skipped_follow_up_reads_skipped_not_reminder_not_yet_sent(alice_client, interview):
    call = FollowupFactory(
        application=interview.application,
        interview=interview,
        kind=Kind.CALL,
        state=State.SKIPPED,
        completed_at=datetime.datetime(2026, 3, 5, 8, 0, tzinfo=datetime.UTC),
    )
    html = page_of(alice_client, call)
    assert "Skipped" in html
    assert "Not yet" not in html


@pytest.mark.parametrize(
    ("typed", "href"),
    [
        ("+358 40 123 4567", "+358401234567"),
        ("040-123 4567", "0401234567"),
        ("(09) 123 45", "0912345"),
        ("", ""),
    ],
)
def test_a_phone_link_has_only_digits_and_a_leading_plus(typed, href):
    from followups.templatetags.followups_tags import tel_href

    assert tel_href(typed) == href


def test_a_call_without_interviewers_says_so_and_links_the_interview(alice_client, alice):
    interview = InterviewFactory(application=ApplicationFactory(owner=alice))
    call = FollowupFactory(application=interview.application, interview=interview, kind=Kind.CALL)
    html = page_of(alice_client, call)
    assert "No interviewer is recorded for this interview." in html
    assert interview.get_absolute_url() in html
