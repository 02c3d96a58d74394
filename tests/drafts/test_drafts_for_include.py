"""The snippet other pages include: generate buttons and the drafts of an application/interview."""

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory

from drafts.queries import drafts_for_application, drafts_for_interview
from tests.drafts.factories import DraftFactory
from tests.factories import ApplicationFactory, InterviewFactory

pytestmark = pytest.mark.django_db


def render_include(user, **context):
    request = RequestFactory().get("/")
    request.user = user
    return render_to_string("drafts/_drafts_for.html", context, request=request)


def test_drafts_for_application_lists_its_drafts_only(alice, bob):
    application = ApplicationFactory(owner=alice)
    interview = InterviewFactory(application=application)
    mine = [
        DraftFactory(application=application),
        DraftFactory(application=application, interview=interview),
    ]
    DraftFactory(application=ApplicationFactory(owner=alice))
    DraftFactory(application=ApplicationFactory(owner=bob))

    assert set(drafts_for_application(application)) == set(mine)
    assert list(drafts_for_interview(interview)) == [mine[1]]


def test_the_include_has_one_form_with_the_three_generate_buttons(alice):
    application = ApplicationFactory(owner=alice)
    interview = InterviewFactory(application=application)
    html = render_include(
        alice,
        application=application,
        interview=interview,
        drafts=drafts_for_interview(interview),
    )
    for label in ("Thank-you email", "Request feedback", "Call script"):
        assert label in html
    for kind in ("thank_you", "feedback", "call"):
        assert f'name="kind" value="{kind}"' in html
    assert html.count('name="csrfmiddlewaretoken"') == 1
    assert html.count(f'name="interview" value="{interview.pk}"') == 1
    assert 'action="/drafts/generate/"' in html
    assert "No drafts yet." in html


def test_the_include_lists_the_drafts_it_is_given(alice):
    application = ApplicationFactory(owner=alice)
    draft = DraftFactory(application=application, subject="<b>Mine</b>")
    html = render_include(
        alice, application=application, drafts=drafts_for_application(application)
    )
    assert draft.get_absolute_url() in html
    assert "&lt;b&gt;Mine&lt;/b&gt;" in html
    assert 'name="interview"' not in html
