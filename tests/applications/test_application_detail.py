"""The application page: details, salaries, contacts, interviews, feedback and the timeline."""

import datetime
import zoneinfo
from decimal import Decimal

import pytest
import time_machine
from django.utils import translation

from applications.models import SalaryPeriod, Status
from applications.services import application_set_status
from applications.templatetags.applications_tags import format_salary
from tests.factories import (
    ApplicationFactory,
    ContactFactory,
    FeedbackEntryFactory,
    InterviewFactory,
)

pytestmark = pytest.mark.django_db

HELSINKI = zoneinfo.ZoneInfo("Europe/Helsinki")


def test_salaries_are_shown_with_currency_and_period(alice_client, alice):
    application = ApplicationFactory(
        owner=alice,
        expected_salary=Decimal("2600"),
        offered_salary=Decimal("45000.50"),
        offered_salary_currency="USD",
        offered_salary_period=SalaryPeriod.YEAR,
    )
    html = alice_client.get(application.get_absolute_url()).content.decode()
    assert "2,600 €/month" in html
    assert "45,000.50 $/year" in html


def test_salary_grouping_follows_the_language():
    """Finnish groups thousands with a (non-breaking) space: 2 600 €."""
    with translation.override("fi"):
        assert format_salary(Decimal("2600"), "EUR", "month").startswith("2\xa0600 €")
    with translation.override("en"):
        assert format_salary(Decimal("2600"), "EUR", "month") == "2,600 €/month"
    assert format_salary(None, "EUR", "month") == ""
    assert format_salary(Decimal("10"), "<b>", "year") == "10 <b>/year"


def test_a_currency_code_typed_with_html_is_escaped_on_the_page(alice_client, alice):
    application = ApplicationFactory(
        owner=alice, expected_salary=Decimal("1"), expected_salary_currency="<b>"
    )
    html = alice_client.get(application.get_absolute_url()).content.decode()
    assert "1 &lt;b&gt;/month" in html


def test_page_lists_contacts_interviews_and_feedback(alice_client, alice):
    contact = ContactFactory(owner=alice, name="Maija", phone="+358 40 1")
    application = ApplicationFactory(owner=alice)
    application.contacts.add(contact)
    interview = InterviewFactory(application=application, interviewers=[contact])
    feedback = FeedbackEntryFactory(application=application, text="Be more concrete.")
    html = alice_client.get(application.get_absolute_url()).content.decode()
    assert contact.get_absolute_url() in html
    assert 'href="tel:+358401"' in html
    assert interview.get_absolute_url() in html
    assert "Be more concrete." in html
    assert f"/feedback/{feedback.pk}/edit/" in html
    assert "Log interview</a>" in html
    assert ">Edit</a>" in html
    assert ">Delete</a>" in html


@time_machine.travel(datetime.datetime(2026, 3, 1, 12, 0, tzinfo=datetime.UTC), tick=False)
def test_timeline_mixes_status_changes_and_interviews_in_order_in_the_users_time(
    alice_client, alice
):
    application = ApplicationFactory(owner=alice)
    InterviewFactory(
        application=application,
        starts_at=datetime.datetime(2026, 3, 10, 8, 0, tzinfo=datetime.UTC),
    )
    application_set_status(
        application=application,
        status=Status.OFFER,
        at=datetime.datetime(2026, 3, 12, 9, 0, tzinfo=datetime.UTC),
    )
    response = alice_client.get(application.get_absolute_url())
    kinds = ["change" if "change" in e else "interview" for e in response.context["timeline"]]
    assert kinds == ["change", "interview", "change"]
    html = response.content.decode()
    # 08:00 UTC is 10:00 in Helsinki.
    assert "10 Mar 2026, 10:00" in html
    assert "Status: Applied → Offer" in html
    assert "Added as Applied" in html


def test_cancelled_interviews_are_marked_on_the_timeline(alice_client, alice):
    application = ApplicationFactory(owner=alice)
    InterviewFactory(application=application, cancelled=True)
    html = alice_client.get(application.get_absolute_url()).content.decode()
    assert "Cancelled</span>" in html


def test_page_shows_the_status_form_with_the_current_status_selected(alice_client, alice):
    application = ApplicationFactory(owner=alice, status=Status.INTERVIEWING)
    html = alice_client.get(application.get_absolute_url()).content.decode()
    assert '<option value="interviewing" selected>' in html
    assert f'action="/applications/{application.pk}/status/"' in html


def test_page_passes_the_applications_follow_ups(alice_client, alice):
    application = ApplicationFactory(owner=alice)
    response = alice_client.get(application.get_absolute_url())
    assert response.context["followups"] == []


def test_interviewer_names_on_the_timeline_are_escaped(alice_client, alice):
    contact = ContactFactory(owner=alice, name="<i>Maija</i>")
    application = ApplicationFactory(owner=alice)
    InterviewFactory(application=application, interviewers=[contact])
    html = alice_client.get(application.get_absolute_url()).content.decode()
    assert "with &lt;i&gt;Maija&lt;/i&gt;" in html
    assert "<i>Maija</i>" not in html


def test_the_timeline_shows_each_reminder_sent_and_each_follow_up_closed(alice_client, alice):
    """A reminder emailed and later marked done are two steps; a still-open one is none."""
    from followups.models import Kind, State
    from tests.factories import FollowupFactory

    utc = datetime.UTC
    application = ApplicationFactory(owner=alice)
    interview = InterviewFactory(
        application=application, starts_at=datetime.datetime(2026, 3, 10, 8, 0, tzinfo=utc)
    )
    FollowupFactory(
        application=application,
        interview=interview,
        kind=Kind.THANK_YOU,
        state=State.DONE,
        notified_at=datetime.datetime(2026, 3, 10, 11, 0, tzinfo=utc),
        completed_at=datetime.datetime(2026, 3, 10, 15, 0, tzinfo=utc),
    )
    FollowupFactory(
        application=application,
        interview=interview,
        kind=Kind.CALL,
        state=State.SKIPPED,
        completed_at=datetime.datetime(2026, 3, 11, 9, 0, tzinfo=utc),
    )
    FollowupFactory(application=application, kind=Kind.FEEDBACK, state=State.SCHEDULED)
    html = alice_client.get(application.get_absolute_url()).content.decode()
    start = html.index('id="timeline-heading"')
    timeline = html[start : html.index("</ol>", start)]
    steps = ["Reminder emailed: Thank-you note", "Done: Thank-you note", "Skipped: Follow-up call"]
    assert [timeline.index(step) for step in steps] == sorted(timeline.index(s) for s in steps)
    assert "Feedback request" not in timeline
