"""Today's "Gone quiet": which applications appear, Follow up (a check-in), Mark no response."""

import datetime
from concurrent.futures import ThreadPoolExecutor
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.cache import caches
from django.test import Client
from django.urls import reverse

from applications.models import Application, Status
from applications.services import application_create, application_set_status
from followups import queries
from followups.dispatch import dispatch_due
from followups.models import Followup, Kind, State
from followups.services import followup_check_in

HELSINKI = ZoneInfo("Europe/Helsinki")
# Tuesday 17 March 2026, 12:00 in Helsinki (alice's zone).
NOW = datetime.datetime(2026, 3, 17, 12, 0, tzinfo=HELSINKI)
TODAY = NOW.date()
TODAY_URL = reverse("applications:dashboard")


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def applied(owner, days_ago: int, company: str = "") -> Application:
    return application_create(
        owner=owner,
        company=company or f"Quiet {days_ago} Oy",
        position="Engineer",
        applied_on=TODAY - datetime.timedelta(days=days_ago),
    )


def quiet_companies(user) -> list[str]:
    return [a.company for a in queries.gone_quiet(user, TODAY, limit=50)]


def gone_quiet_section(client) -> str:
    html = client.get(TODAY_URL).content.decode()
    start = html.index('id="gone-quiet-heading"')
    return html[start : html.index("</section>", start)]


def check_in_url(application) -> str:
    return reverse("followups:check_in", args=[application.pk])


def test_an_application_appears_from_the_fourteenth_day_without_an_answer(alice):
    applied(alice, 13)
    applied(alice, 14)
    applied(alice, 15)
    assert quiet_companies(alice) == ["Quiet 15 Oy", "Quiet 14 Oy"]


def test_the_number_of_days_is_the_persons_preference(alice):
    alice.quiet_after_days = 10
    alice.save()
    applied(alice, 9)
    applied(alice, 10)
    assert quiet_companies(alice) == ["Quiet 10 Oy"]


def test_without_a_date_applied_it_counts_from_when_it_was_recorded(alice, frozen):
    frozen.move_to(NOW - datetime.timedelta(days=14))
    application_create(owner=alice, company="Undated Oy", position="Engineer")
    frozen.move_to(NOW)
    assert quiet_companies(alice) == ["Undated Oy"]


def test_a_pending_follow_up_hides_an_application(alice):
    waiting = applied(alice, 20, "Waiting Oy")
    applied(alice, 20, "Silent Oy")
    Followup.objects.create(
        owner=alice,
        application=waiting,
        kind=Kind.CALL,
        due_at=NOW + datetime.timedelta(days=1),
        next_attempt_at=NOW + datetime.timedelta(days=1),
    )
    assert quiet_companies(alice) == ["Silent Oy"]


def test_a_status_change_removes_an_application(alice):
    answered = applied(alice, 20, "Answered Oy")
    applied(alice, 20, "Silent Oy")
    application_set_status(application=answered, status=Status.INTERVIEWING)
    assert quiet_companies(alice) == ["Silent Oy"]


def test_another_persons_applications_never_appear(alice, bob):
    applied(bob, 20)
    assert quiet_companies(alice) == []


def test_follow_up_creates_one_check_in_due_at_the_call_time(alice, alice_client):
    application = applied(alice, 20)
    response = alice_client.post(check_in_url(application))
    assert response.status_code == 302
    check_in = Followup.objects.get(application=application)
    assert check_in.kind == Kind.CHECK_IN
    assert check_in.state == State.SCHEDULED
    # 12:00 is past the 10:00 call time: Wednesday at 10:00.
    assert check_in.due_at == datetime.datetime(2026, 3, 18, 10, 0, tzinfo=HELSINKI)
    assert quiet_companies(alice) == []


def test_a_friday_evening_follow_up_is_due_on_monday(alice, alice_client, frozen):
    frozen.move_to(datetime.datetime(2026, 3, 20, 19, 30, tzinfo=HELSINKI))
    application = applied(alice, 20)
    alice_client.post(check_in_url(application))
    check_in = Followup.objects.get(application=application)
    assert check_in.due_at == datetime.datetime(2026, 3, 23, 10, 0, tzinfo=HELSINKI)


def test_a_double_post_creates_one_check_in(alice, alice_client):
    application = applied(alice, 20)
    alice_client.post(check_in_url(application))
    response = alice_client.post(check_in_url(application), follow=True)
    assert Followup.objects.filter(application=application).count() == 1
    assert "already planned" in response.content.decode()


# SQLite writes one at a time; the lock is PostgreSQL's to test (run in that pass only).
@pytest.mark.postgres
def test_two_tabs_asking_at_once_create_one_check_in(alice, transactional_db):
    application = applied(alice, 20)

    def post(_):
        client = Client()
        client.force_login(alice)
        return client.post(check_in_url(application)).status_code

    with ThreadPoolExecutor(2) as pool:
        assert list(pool.map(post, range(2))) == [302, 302]
    assert Followup.objects.filter(application=application, kind=Kind.CHECK_IN).count() == 1


def test_the_service_called_twice_returns_the_first_check_in(alice):
    application = applied(alice, 20)
    first, created = followup_check_in(application=application)
    again, created_again = followup_check_in(application=application)
    assert (created, created_again) == (True, False)
    assert again.pk == first.pk


def test_no_check_in_for_an_application_that_was_answered_meanwhile(alice, alice_client):
    application = applied(alice, 20)
    application_set_status(application=application, status=Status.INTERVIEWING)
    alice_client.post(check_in_url(application))
    assert not Followup.objects.filter(application=application).exists()


def test_any_status_change_cancels_the_check_in_even_after_its_reminder(alice):
    application = applied(alice, 20)
    check_in, _ = followup_check_in(application=application)
    Followup.objects.filter(pk=check_in.pk).update(state=State.NOTIFIED)
    application_set_status(application=application, status=Status.REJECTED)
    check_in.refresh_from_db()
    assert check_in.state == State.CANCELLED


def test_an_unrelated_sync_keeps_the_check_in(alice):
    application = applied(alice, 20)
    check_in, _ = followup_check_in(application=application)
    from followups.services import followups_resync_user

    followups_resync_user(user=alice)
    check_in.refresh_from_db()
    assert check_in.state == State.SCHEDULED


def test_back_to_applied_the_cancelled_check_in_is_reopened_not_doubled(alice):
    application = applied(alice, 20)
    first, _ = followup_check_in(application=application)
    application_set_status(application=application, status=Status.INTERVIEWING)
    application_set_status(application=application, status=Status.APPLIED)
    again, created = followup_check_in(application=application)
    assert created and again.pk == first.pk and again.state == State.SCHEDULED


def test_the_check_in_sends_exactly_one_reminder(alice, mailoutbox, frozen):
    application = applied(alice, 20, "Hiljainen Oy")
    followup_check_in(application=application)
    frozen.move_to(datetime.datetime(2026, 3, 18, 10, 1, tzinfo=HELSINKI))
    assert dispatch_due().sent == 1
    assert dispatch_due().sent == 0
    assert len(mailoutbox) == 1
    assert "Hiljainen Oy" in mailoutbox[0].subject
    assert "check in" in mailoutbox[0].subject.lower()
    assert Followup.objects.get(application=application).state == State.NOTIFIED


def test_the_check_in_opens_its_draft(alice, alice_client):
    application = applied(alice, 20, "Hiljainen Oy")
    check_in, _ = followup_check_in(application=application)
    response = alice_client.get(reverse("drafts:for_followup", args=[check_in.pk]), follow=True)
    assert response.status_code == 200
    assert "Hiljainen Oy" in response.content.decode()


def test_mark_no_response_sets_the_status_through_the_service(alice, alice_client):
    application = applied(alice, 20)
    response = alice_client.post(
        reverse("applications:application_no_response", args=[application.pk])
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == Status.NO_RESPONSE
    assert application.status_changes.filter(status=Status.NO_RESPONSE).exists()
    assert quiet_companies(alice) == []


def test_mark_no_response_leaves_an_application_that_moved_on(alice, alice_client):
    application = applied(alice, 20)
    application_set_status(application=application, status=Status.INTERVIEWING)
    alice_client.post(reverse("applications:application_no_response", args=[application.pk]))
    application.refresh_from_db()
    assert application.status == Status.INTERVIEWING


@pytest.mark.parametrize("name", ["followups:check_in", "applications:application_no_response"])
def test_another_persons_application_is_a_404(alice, bob_client, name):
    application = applied(alice, 20)
    assert bob_client.post(reverse(name, args=[application.pk])).status_code == 404
    assert not Followup.objects.filter(application=application).exists()


def test_today_lists_gone_quiet_and_drops_it_after_follow_up(alice, alice_client):
    application = applied(alice, 20, "Hiljainen Oy")
    html = alice_client.get(TODAY_URL).content.decode()
    assert "Gone quiet" in html and "Hiljainen Oy" in html
    assert check_in_url(application) in html
    # The cached fragment holds no CSRF token; the buttons submit the page's live form.
    assert html.count("csrfmiddlewaretoken") == 1 + html.count('method="post" action')
    alice_client.post(check_in_url(application))
    assert "Hiljainen Oy" not in gone_quiet_section(alice_client)


def test_gone_quiet_moves_with_the_day_on_a_warm_cache(alice, alice_client, frozen):
    applied(alice, 13, "Tomorrow Oy")
    assert "Tomorrow Oy" not in gone_quiet_section(alice_client)
    frozen.move_to(NOW + datetime.timedelta(days=1))
    assert "Tomorrow Oy" in gone_quiet_section(alice_client)


@pytest.mark.parametrize("warm", [False, True])
def test_today_costs_the_same_queries_for_many_applications(
    alice, alice_client, django_assert_max_num_queries, warm
):
    def fill(n):
        for i in range(n):
            application = applied(alice, 20 + i, f"Many {i} Oy")
            if i % 2:
                followup_check_in(application=application)

    def count() -> int:
        with django_assert_max_num_queries(100) as captured:
            alice_client.get(TODAY_URL)
        return len(captured.captured_queries)

    fill(2)
    if warm:
        alice_client.get(TODAY_URL)
    else:
        caches["template_fragments"].clear()
    few = count()
    fill(20)
    if warm:
        alice_client.get(TODAY_URL)
    else:
        caches["template_fragments"].clear()
    assert count() == few
