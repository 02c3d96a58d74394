"""The follow-ups page, one follow-up, its actions, and the dashboard/application includes."""

import datetime

import html5lib
import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from followups import queries
from followups.models import Followup, Kind, SkipReason, State
from tests.factories import ApplicationFactory, InterviewFactory

NOW = datetime.datetime(2025, 3, 4, 10, 0, tzinfo=datetime.UTC)  # Tuesday, 12:00 in Helsinki
LIST_URL = reverse("followups:followup_list")


@pytest.fixture(autouse=True)
def frozen(time_machine):
    time_machine.move_to(NOW, tick=False)


def make_followup(owner, *, kind=Kind.CALL, state=State.SCHEDULED, due_at=None, **fields):
    due_at = due_at or NOW + datetime.timedelta(days=1)
    return Followup.objects.create(
        owner=owner,
        application=fields.pop("application", None) or ApplicationFactory(owner=owner),
        kind=kind,
        state=state,
        due_at=due_at,
        next_attempt_at=due_at,
        **fields,
    )


def assert_valid_html(content: bytes) -> None:
    html5lib.HTMLParser(strict=True).parse(content)


def row_ids(response) -> list[int]:
    return [f.pk for f in response.context["followups"]]


# --- List page -----------------------------------------------------------------------------------


def test_list_shows_open_followups_by_default(alice_client, alice):
    open_one = make_followup(alice)
    failed = make_followup(alice, state=State.FAILED)
    make_followup(alice, state=State.DONE)
    make_followup(alice, state=State.CANCELLED)
    response = alice_client.get(LIST_URL)
    assert response.status_code == 200
    assert set(row_ids(response)) == {open_one.pk, failed.pk}
    assert_valid_html(response.content)


def test_list_filters_by_state(alice_client, alice):
    make_followup(alice)
    done = make_followup(alice, state=State.DONE)
    response = alice_client.get(LIST_URL, {"state": "done"})
    assert row_ids(response) == [done.pk]


def test_list_can_show_every_state(alice_client, alice):
    rows = [make_followup(alice, state=s) for s in State]
    response = alice_client.get(LIST_URL, {"state": "all"})
    assert set(row_ids(response)) == {f.pk for f in rows}


def test_list_filters_by_kind(alice_client, alice):
    make_followup(alice, kind=Kind.CALL)
    thank_you = make_followup(alice, kind=Kind.THANK_YOU)
    response = alice_client.get(LIST_URL, {"kind": "thank_you"})
    assert row_ids(response) == [thank_you.pk]


def test_list_filters_are_labelled_selects(alice_client, alice):
    body = alice_client.get(LIST_URL).content.decode()
    assert '<label for="id_state" class="form-label">State</label>' in body
    assert '<label for="id_kind" class="form-label">Kind</label>' in body
    assert '<form method="get"' in body


def test_an_unknown_filter_value_is_reported_not_a_crash(alice_client, alice):
    make_followup(alice)
    response = alice_client.get(LIST_URL, {"state": "bogus", "kind": "<script>"})
    assert response.status_code == 200
    assert response.context["form"].errors
    assert "<script>" not in response.content.decode()


def test_list_puts_overdue_first_then_by_due_then_closed(alice_client, alice):
    later = make_followup(alice, due_at=NOW + datetime.timedelta(days=3))
    soon = make_followup(alice, due_at=NOW + datetime.timedelta(hours=2))
    overdue = make_followup(alice, state=State.NOTIFIED, due_at=NOW - datetime.timedelta(days=2))
    closed = make_followup(alice, state=State.DONE, due_at=NOW - datetime.timedelta(days=5))
    response = alice_client.get(LIST_URL, {"state": "all"})
    assert row_ids(response) == [overdue.pk, soon.pk, later.pk, closed.pk]
    body = response.content.decode()
    assert "Overdue" in body
    assert response.context["followups"][0].overdue is True
    assert response.context["followups"][1].overdue is False


def test_list_is_paginated_and_keeps_filters_in_page_links(alice_client, alice):
    for i in range(30):
        make_followup(alice, kind=Kind.THANK_YOU, due_at=NOW + datetime.timedelta(hours=i + 1))
    response = alice_client.get(LIST_URL, {"kind": "thank_you"})
    assert len(response.context["followups"]) == 25
    assert "?kind=thank_you&amp;page=2" in response.content.decode()
    second = alice_client.get(LIST_URL, {"kind": "thank_you", "page": 2})
    assert len(second.context["followups"]) == 5


@pytest.mark.parametrize("count", [5, 50])
def test_list_runs_a_constant_number_of_queries(
    alice_client, alice, count, django_assert_max_num_queries
):
    for i in range(count):
        make_followup(
            alice,
            kind=Kind.THANK_YOU,
            interview=InterviewFactory(application__owner=alice),
            due_at=NOW + datetime.timedelta(hours=i - 3),
        )
    # Session, user, count, one page (with application and interview joined).
    with django_assert_max_num_queries(6):
        response = alice_client.get(LIST_URL, {"state": "all"})
    assert response.status_code == 200


def test_list_query_count_is_the_same_for_5_and_50(client, alice):
    client.force_login(alice)

    def queries_for_list() -> int:
        with CaptureQueriesContext(connection) as captured:
            client.get(LIST_URL)
        return len(captured)

    for _ in range(5):
        make_followup(
            alice, interview=InterviewFactory(application__owner=alice), kind=Kind.THANK_YOU
        )
    few = queries_for_list()
    for _ in range(45):
        make_followup(
            alice, interview=InterviewFactory(application__owner=alice), kind=Kind.THANK_YOU
        )
    assert queries_for_list() == few


def test_list_needs_login(client):
    response = client.get(LIST_URL)
    assert response.status_code == 302
    assert reverse("login") in response.url


def test_nav_links_to_the_followups_page(alice_client):
    body = alice_client.get(LIST_URL).content.decode()
    assert f'aria-current="page" href="{LIST_URL}">Follow-ups</a>' in body


# --- Detail page ---------------------------------------------------------------------------------


def test_detail_shows_what_when_and_where_in_the_users_time_zone(alice_client, alice):
    interview = InterviewFactory(application__owner=alice)
    followup = make_followup(
        alice,
        application=interview.application,
        interview=interview,
        due_at=datetime.datetime(2025, 3, 6, 8, 0, tzinfo=datetime.UTC),
        notified_at=datetime.datetime(2025, 3, 6, 8, 1, tzinfo=datetime.UTC),
        state=State.NOTIFIED,
        attempts=1,
    )
    response = alice_client.get(followup.get_absolute_url())
    assert response.status_code == 200
    body = response.content.decode()
    assert "Follow-up call" in body
    assert interview.application.company in body
    assert interview.application.get_absolute_url() in body
    assert "2025-03-06T10:00:00+0200" in body  # 08:00 UTC in Helsinki
    assert "Reminder sent" in body
    for label in ("Mark done", "Tomorrow", "Next business day", "In a week", "Skip"):
        assert label in body
    assert_valid_html(response.content)


def test_detail_of_a_failed_followup_explains_and_still_offers_the_actions(alice_client, alice):
    followup = make_followup(
        alice, state=State.FAILED, attempts=5, last_error="SMTP 554 <relay denied>"
    )
    body = alice_client.get(followup.get_absolute_url()).content.decode()
    assert "The reminder email could not be sent." in body
    assert "You can still do it" in body
    assert "The email could not be sent: SMTP 554 &lt;relay denied&gt;" in body
    assert "Mark done" in body


@pytest.mark.parametrize(
    "code", ["stale_thank_you", "stale_call", "stale_feedback"], ids=lambda code: code
)
def test_a_follow_up_skipped_as_stale_shows_its_reason_as_a_sentence_not_a_code(
    alice_client, alice, code
):
    followup = make_followup(alice, state=State.SKIPPED, completed_at=NOW, skip_reason=code)

    body = alice_client.get(followup.get_absolute_url()).content.decode()

    assert "Why it was skipped" in body
    assert str(SkipReason(code).label) in body
    assert code not in body
    assert "The email could not be sent" not in body
    assert "Seuranta will try again" not in body


def test_a_skip_reason_is_shown_in_the_readers_language(alice):
    followup = make_followup(alice, state=State.SKIPPED, skip_reason="stale_call")

    with translation.override("fi"):
        assert followup.get_skip_reason_display() == translation.gettext(
            "Skipped: the interview was too long ago for a follow-up call."
        )
    assert make_followup(alice, last_error="SMTPException: 451").get_skip_reason_display() == ""


def test_detail_of_a_closed_followup_offers_no_actions(alice_client, alice):
    followup = make_followup(alice, state=State.DONE, completed_at=NOW)
    body = alice_client.get(followup.get_absolute_url()).content.decode()
    assert "This follow-up is closed" in body
    assert reverse("followups:followup_done", args=[followup.pk]) not in body


# --- Actions -------------------------------------------------------------------------------------


def test_mark_done_closes_the_followup_and_returns_to_the_page(alice_client, alice):
    followup = make_followup(alice)
    response = alice_client.post(
        reverse("followups:followup_done", args=[followup.pk]), {"next": LIST_URL}
    )
    assert response.status_code == 302
    assert response.url == LIST_URL
    followup.refresh_from_db()
    assert followup.state == State.DONE


def test_snooze_brings_the_followup_back_the_next_business_day_at_the_call_time(
    alice_client, alice
):
    followup = make_followup(alice, state=State.NOTIFIED, due_at=NOW - datetime.timedelta(hours=1))
    response = alice_client.post(
        reverse("followups:followup_snooze", args=[followup.pk]), {"choice": "next_business_day"}
    )
    assert response.status_code == 302
    assert response.url == followup.get_absolute_url()
    followup.refresh_from_db()
    assert followup.state == State.SCHEDULED
    local = followup.due_at.astimezone(alice.tzinfo)
    assert local.date() == (NOW.astimezone(alice.tzinfo) + datetime.timedelta(days=1)).date()
    assert local.time() == alice.call_time


def test_skip_closes_the_followup(alice_client, alice):
    followup = make_followup(alice)
    alice_client.post(reverse("followups:followup_skip", args=[followup.pk]))
    followup.refresh_from_db()
    assert followup.state == State.SKIPPED


def test_an_action_on_a_closed_followup_changes_nothing_and_says_so(alice_client, alice):
    followup = make_followup(alice, state=State.CANCELLED)
    response = alice_client.post(
        reverse("followups:followup_done", args=[followup.pk]), follow=True
    )
    assert "already closed" in response.content.decode()
    followup.refresh_from_db()
    assert followup.state == State.CANCELLED


def test_actions_do_not_redirect_to_another_site(alice_client, alice):
    followup = make_followup(alice)
    response = alice_client.post(
        reverse("followups:followup_skip", args=[followup.pk]), {"next": "https://evil.example/"}
    )
    assert response.url == followup.get_absolute_url()


@pytest.mark.parametrize("name", ["followup_done", "followup_snooze", "followup_skip"])
def test_actions_refuse_get(alice_client, alice, name):
    followup = make_followup(alice)
    assert alice_client.get(reverse(f"followups:{name}", args=[followup.pk])).status_code == 405
    followup.refresh_from_db()
    assert followup.state == State.SCHEDULED


@pytest.mark.parametrize("name", ["followup_done", "followup_snooze", "followup_skip"])
def test_actions_refuse_a_post_without_csrf_token(alice, name):
    followup = make_followup(alice)
    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(alice)
    response = csrf_client.post(reverse(f"followups:{name}", args=[followup.pk]))
    assert response.status_code == 403
    followup.refresh_from_db()
    assert (followup.state, followup.due_at) == (State.SCHEDULED, NOW + datetime.timedelta(days=1))


# --- Dashboard and application includes ----------------------------------------------------------


def test_dashboard_followups_sorts_due_upcoming_and_failed(alice, bob):
    old = make_followup(alice, state=State.NOTIFIED, due_at=NOW - datetime.timedelta(days=2))
    today = make_followup(alice, due_at=NOW - datetime.timedelta(minutes=5))
    upcoming = make_followup(alice, due_at=NOW + datetime.timedelta(hours=3))
    failed = make_followup(alice, state=State.FAILED, due_at=NOW - datetime.timedelta(days=1))
    make_followup(alice, state=State.DONE, due_at=NOW - datetime.timedelta(hours=1))
    make_followup(bob, due_at=NOW - datetime.timedelta(hours=1))
    result = queries.dashboard_followups(alice, NOW)
    assert [f.pk for f in result["followups_due"]] == [old.pk, today.pk]
    assert [f.overdue for f in result["followups_due"]] == [True, False]
    assert [f.pk for f in result["followups_upcoming"]] == [upcoming.pk]
    assert [f.pk for f in result["followups_failed"]] == [failed.pk]


@pytest.mark.parametrize("count", [5, 50])
def test_dashboard_followups_runs_three_queries(alice, count, django_assert_num_queries):
    for i in range(count):
        make_followup(alice, kind=Kind.THANK_YOU, due_at=NOW + datetime.timedelta(hours=i - 25))
    with django_assert_num_queries(3):
        result = queries.dashboard_followups(alice, NOW)
        for rows in result.values():
            for followup in rows:
                assert followup.application.company
                assert followup.get_absolute_url()
    assert len(result["followups_due"]) == min(count, queries.DASHBOARD_LIMIT)


def _render_with_request(template: str, user, context: dict) -> str:
    request = RequestFactory().get("/")
    request.user = user
    return render_to_string(template, context, request=request)


def test_dashboard_section_marks_overdue_in_words_and_escapes_user_data(alice):
    application = ApplicationFactory(owner=alice, company="<script>alert(1)</script>")
    make_followup(
        alice,
        application=application,
        state=State.NOTIFIED,
        due_at=NOW - datetime.timedelta(days=2),
    )
    make_followup(alice, state=State.FAILED, due_at=NOW - datetime.timedelta(days=1))
    make_followup(alice, due_at=NOW + datetime.timedelta(days=1))
    with timezone.override(alice.tzinfo):
        html = "".join(
            _render_with_request(
                "followups/_dashboard_section.html",
                alice,
                {"followups": queries.DashboardFollowups(alice, NOW), "user": alice, "part": part},
            )
            for part in ("due", "upcoming")
        )
    assert "Due now" in html
    assert "Coming up" in html
    assert "Reminders that could not be sent" in html
    assert ">Overdue<" in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>" not in html
    # What is due and what failed offer Mark done; what is coming up is only listed.
    assert html.count(">Mark done<") == 2


def test_dashboard_section_says_when_there_is_nothing(alice):
    html = _render_with_request(
        "followups/_dashboard_section.html",
        alice,
        {"followups": queries.DashboardFollowups(alice, NOW), "user": alice, "part": "due"},
    )
    assert "Nothing is due right now." in html
    assert "Reminders that could not be sent" not in html


def test_application_include_lists_its_followups_with_state(alice, django_assert_num_queries):
    application = ApplicationFactory(owner=alice)
    first = make_followup(alice, application=application, kind=Kind.THANK_YOU, state=State.DONE)
    second = make_followup(
        alice,
        application=application,
        kind=Kind.FEEDBACK,
        due_at=NOW + datetime.timedelta(days=4),
    )
    make_followup(alice)  # another application's
    with django_assert_num_queries(1):
        followups = queries.followups_for_application(application)
    assert [f.pk for f in followups] == [first.pk, second.pk]
    html = _render_with_request(
        "followups/_application_followups.html",
        alice,
        {"application": application, "followups": followups},
    )
    assert "Thank-you note" in html and "Done" in html
    assert "Feedback request" in html and "Scheduled" in html
    assert html.count(">Mark done<") == 1


def test_dashboard_page_shows_the_followups_section(alice_client, alice):
    make_followup(alice, state=State.NOTIFIED, due_at=NOW - datetime.timedelta(days=2))
    response = alice_client.get(reverse("applications:dashboard"))
    body = response.content.decode()
    assert "Due now" in body
    assert "Coming up" in body
    assert ">Overdue<" in body
    assert_valid_html(response.content)


def test_application_page_lists_its_followups(alice_client, alice):
    followup = make_followup(alice, kind=Kind.THANK_YOU)
    response = alice_client.get(followup.application.get_absolute_url())
    body = response.content.decode()
    assert followup.get_absolute_url() in body
    assert "Thank-you note" in body
    assert_valid_html(response.content)


def test_skip_reasons_stored_as_english_sentences_become_codes(alice):
    """Rows skipped before the codes existed show their reason translated too (migration 0003)."""
    import importlib

    from django.apps import apps

    migration = importlib.import_module("followups.migrations.0003_skip_reason_codes")
    old = make_followup(
        alice,
        kind=Kind.THANK_YOU,
        state=State.SKIPPED,
        last_error=(
            "Skipped: the reminder was more than 3 days late, too late for a thank-you note."
        ),
    )
    smtp = make_followup(alice, state=State.FAILED, last_error="SMTPException: 451")

    migration.to_codes(apps, None)

    old.refresh_from_db()
    smtp.refresh_from_db()
    assert (old.last_error, smtp.last_error) == ("stale_thank_you", "SMTPException: 451")


def test_skip_reason_codes_move_from_last_error_to_their_own_column(alice):
    """Rows skipped as stale before the column existed keep their reason (migration 0005)."""
    import importlib

    from django.apps import apps

    migration = importlib.import_module("followups.migrations.0005_skip_reason")
    old = make_followup(alice, state=State.SKIPPED, last_error="stale_call")
    smtp = make_followup(alice, state=State.FAILED, last_error="SMTPException: 451")

    migration.codes_to_column(apps, None)

    old.refresh_from_db()
    smtp.refresh_from_db()
    assert (old.skip_reason, old.last_error) == ("stale_call", "")
    assert (smtp.skip_reason, smtp.last_error) == ("", "SMTPException: 451")


def test_the_snooze_message_says_now_due_once_without_a_double_full_stop(alice_client, alice):
    # Due at 15:00 in Helsinki: a time that English writes as "3 p.m.", ending in a stop.
    followup = make_followup(alice, due_at=NOW + datetime.timedelta(hours=3))
    response = alice_client.post(
        reverse("followups:followup_snooze", args=[followup.pk]),
        {"choice": "tomorrow"},
        follow=True,
    )
    body = response.content.decode()
    assert body.count("now due") == 1
    (message,) = [str(m) for m in response.context["messages"]]
    assert ".." not in message
    assert "Snoozed" in message


def test_the_followup_page_offers_the_three_snooze_choices_with_where_each_lands(
    alice_client, alice
):
    followup = make_followup(alice, state=State.NOTIFIED, due_at=NOW - datetime.timedelta(hours=1))
    response = alice_client.get(followup.get_absolute_url())
    body = response.content.decode()
    for choice in ("tomorrow", "next_business_day", "week"):
        assert f'name="choice" value="{choice}"' in body
    # From Tuesday 4 March: Wednesday 5 and Tuesday 11 March, 10:00 in Helsinki.
    assert "2025-03-05T10:00:00+0200" in body
    assert "2025-03-11T10:00:00+0200" in body
    assert_valid_html(response.content)
