"""The dashboard: upcoming interviews in the user's time zone, status counts, recent activity."""

import datetime
import zoneinfo

import pytest
import time_machine
from django.urls import reverse

from applications.models import Status
from applications.services import application_set_status
from tests.applications.helpers import count_queries
from tests.factories import ApplicationFactory, InterviewFactory

pytestmark = pytest.mark.django_db

HELSINKI = zoneinfo.ZoneInfo("Europe/Helsinki")
URL = reverse("applications:dashboard")


def at(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=HELSINKI)


@time_machine.travel(at(2026, 3, 1, 14, 0), tick=False)
def test_upcoming_interviews_are_those_of_the_next_14_days_in_the_users_time_zone(
    alice_client, alice
):
    """Through the end of the 14th day as alice counts days; cancelled ones are left out."""
    application = ApplicationFactory(owner=alice, position="Shown Dev")
    shown = [
        InterviewFactory(application=application, starts_at=at(2026, 3, 1, 9, 0)),
        InterviewFactory(application=application, starts_at=at(2026, 3, 15, 23, 30)),
    ]
    hidden = [
        # Still 15 March in UTC, but 16 March in Helsinki.
        InterviewFactory(application=application, starts_at=at(2026, 3, 16, 0, 30)),
        InterviewFactory(application=application, starts_at=at(2026, 2, 28, 23, 0)),
        InterviewFactory(application=application, starts_at=at(2026, 3, 5, 10), cancelled=True),
    ]
    response = alice_client.get(URL)
    upcoming = list(response.context["sections"].upcoming)
    assert upcoming == shown
    html = response.content.decode()
    for interview in shown:
        assert interview.get_absolute_url() in html
    for interview in hidden:
        assert interview.get_absolute_url() not in html


@time_machine.travel(at(2026, 3, 1, 8, 0), tick=False)
def test_a_busy_fortnight_shows_the_first_ten_interviews_and_links_to_the_rest(alice_client, alice):
    application = ApplicationFactory(owner=alice)
    interviews = [
        InterviewFactory(application=application, starts_at=at(2026, 3, 2 + day, 10, 0))
        for day in range(12)
    ]
    response = alice_client.get(URL)
    assert list(response.context["sections"].upcoming) == interviews[:10]
    html = response.content.decode()
    assert interviews[9].get_absolute_url() in html
    assert interviews[10].get_absolute_url() not in html
    link = f'<a href="{reverse("applications:interview_list")}">All upcoming interviews</a>'
    assert link in html


@time_machine.travel(at(2026, 3, 1, 8, 0), tick=False)
def test_ten_interviews_need_no_link_to_the_rest(alice_client, alice):
    application = ApplicationFactory(owner=alice)
    for day in range(10):
        InterviewFactory(application=application, starts_at=at(2026, 3, 2 + day, 10, 0))
    html = alice_client.get(URL).content.decode()
    assert "All upcoming interviews" not in html


def test_counts_per_status_cover_every_status(alice_client, alice, bob):
    ApplicationFactory.create_batch(2, owner=alice, status=Status.APPLIED)
    ApplicationFactory(owner=alice, status=Status.OFFER)
    ApplicationFactory(owner=bob, status=Status.OFFER)
    response = alice_client.get(URL)
    counts = {value: count for value, _label, count in response.context["sections"].status_counts}
    assert counts[Status.APPLIED] == 2
    assert counts[Status.OFFER] == 1
    assert counts[Status.SAVED] == 0
    assert set(counts) == set(Status.values)


def test_recent_activity_shows_the_last_ten_status_changes_newest_first(alice_client, alice):
    application = ApplicationFactory(owner=alice)
    for status in [Status.INTERVIEWING, Status.OFFER, Status.ACCEPTED] * 4:
        application_set_status(application=application, status=status)
    recent = list(alice_client.get(URL).context["sections"].recent)
    assert len(recent) == 10
    assert recent[0].status == Status.ACCEPTED
    assert [r.changed_at for r in recent] == sorted((r.changed_at for r in recent), reverse=True)


def test_dashboard_offers_log_interview_and_new_application(alice_client):
    html = alice_client.get(URL).content.decode()
    assert f'href="{reverse("applications:interview_create")}">Log interview</a>' in html
    assert f'href="{reverse("applications:application_create")}">New application</a>' in html
    assert '<h1 class="h3 mb-0">Today</h1>' in html


def test_user_data_is_shown_as_text(alice_client, alice):
    """HTML typed into a company name is escaped, never interpreted."""
    application = ApplicationFactory(owner=alice, company="<script>alert(1)</script>")
    InterviewFactory(application=application)
    html = alice_client.get(URL).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def make_applications(user, count: int) -> None:
    for i, application in enumerate(ApplicationFactory.create_batch(count, owner=user)):
        if i % 2 == 0:
            InterviewFactory(application=application)
        if i % 3 == 0:
            application_set_status(application=application, status=Status.OFFER)


def test_dashboard_runs_the_same_queries_for_5_and_100_applications(alice_client, alice):
    make_applications(alice, 5)
    few = count_queries(alice_client, URL)
    make_applications(alice, 95)
    many = count_queries(alice_client, URL)
    assert few == many


@time_machine.travel(at(2026, 3, 10, 12, 0), tick=False)
def test_today_shows_each_interviews_preparation_progress(alice_client, alice):
    from applications.models import PrepItem

    interview = InterviewFactory(
        application=ApplicationFactory(owner=alice), starts_at=at(2026, 3, 12, 9, 0)
    )
    for i, done in enumerate([True, True, False]):
        PrepItem.objects.create(
            owner=alice, interview=interview, question=f"Q{i}", done=done, position=i
        )
    html = alice_client.get(URL).content.decode()
    assert "2 of 3 prepared" in html


@time_machine.travel(at(2026, 3, 10, 12, 0), tick=False)
def test_a_due_call_card_names_the_interviewer_with_a_tel_link_and_opens_the_call_sheet(
    alice_client, alice
):
    from applications.services import application_create, interview_create
    from followups.models import Followup, Kind
    from tests.factories import ContactFactory

    application = application_create(owner=alice, company="Kone Oyj", position="Engineer")
    person = ContactFactory(owner=alice, name="Maija Meikäläinen", phone="+358 40 123 4567")
    interview_create(
        application=application, interviewers=[person], starts_at=at(2026, 3, 2, 10, 0)
    )
    call = Followup.objects.get(kind=Kind.CALL)
    Followup.objects.filter(pk=call.pk).update(due_at=at(2026, 3, 10, 10, 0))
    html = alice_client.get(URL).content.decode()
    due = html[html.index('id="followups-due-heading"') :]
    due = due[: due.index("</section>")]
    assert "Maija Meikäläinen" in due
    assert 'href="tel:+358401234567"' in due
    assert f'href="{call.get_absolute_url()}"' in due
    assert "Open the call sheet" in due
