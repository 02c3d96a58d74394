"""Interviews as .ics downloads and the private calendar feed of interviews and follow-ups."""

import datetime
import zoneinfo

import pytest
import time_machine
from django.urls import reverse
from icalendar import Calendar

from applications.services import interview_cancel, interview_update
from exports.calendar import feed_ics
from exports.models import CalendarFeed
from followups.models import Followup, Kind, State
from tests.exports.factories import application_for, helsinki, interview_for

UTC = datetime.UTC


def events(body: bytes) -> dict[str, object]:
    cal = Calendar.from_ical(body)
    return {str(e["UID"]): e for e in cal.walk("VEVENT")}


def ics_url(interview) -> str:
    return reverse("exports:interview_ics", args=[interview.pk])


@pytest.fixture
def frozen():
    with time_machine.travel(helsinki(2025, 1, 6, 9, 0), tick=False):
        yield


@pytest.mark.parametrize(
    ("day", "utc_hour"),
    [(datetime.date(2025, 1, 14), 8), (datetime.date(2025, 6, 17), 7)],
    ids=["winter", "summer"],
)
def test_a_helsinki_10_am_interview_starts_at_the_right_utc_instant(
    alice_client, alice, day, utc_hour
):
    with time_machine.travel(helsinki(2025, 1, 6, 9, 0), tick=False):
        app = application_for(alice)
        interview = interview_for(app, helsinki(day.year, day.month, day.day, 10, 0))
        response = alice_client.get(ics_url(interview))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert "attachment" in response["Content-Disposition"]
    event = events(response.content)[f"interview-{interview.pk}@seuranta"]
    start = event.decoded("DTSTART")
    assert event["DTSTART"].params["TZID"] == "Europe/Helsinki"
    assert (start.hour, start.minute) == (10, 0)
    assert start.astimezone(UTC) == datetime.datetime(
        day.year, day.month, day.day, utc_hour, tzinfo=UTC
    )
    assert event.decoded("DTEND") - start == datetime.timedelta(minutes=60)
    # The calendar carries the time zone definition the TZID refers to.
    tzids = [str(tz["TZID"]) for tz in Calendar.from_ical(response.content).walk("VTIMEZONE")]
    assert tzids == ["Europe/Helsinki"]


def test_the_interview_ics_has_place_interviewers_and_the_application(alice_client, alice, frozen):
    app = application_for(alice, company="Kone Oyj", position="Data Engineer")
    interview = interview_for(
        app,
        helsinki(2025, 1, 14, 13, 30),
        interviewers=[("Maija Meikäläinen", "maija@kone.example", "+358 40 765 4321")],
        location="https://meet.example/abc",
        duration_minutes=45,
    )
    event = events(alice_client.get(ics_url(interview)).content)[
        f"interview-{interview.pk}@seuranta"
    ]
    assert "Data Engineer" in str(event["SUMMARY"]) and "Kone Oyj" in str(event["SUMMARY"])
    assert str(event["LOCATION"]) == "https://meet.example/abc"
    assert str(event["URL"]) == "https://meet.example/abc"
    description = str(event["DESCRIPTION"])
    assert "Maija Meikäläinen" in description
    assert "maija@kone.example" in description
    assert "+358 40 765 4321" in description
    assert event.decoded("DTEND") - event.decoded("DTSTART") == datetime.timedelta(minutes=45)
    assert str(event["STATUS"]) == "CONFIRMED"


def test_a_user_on_utc_gets_plain_utc_times(alice_client, alice, frozen):
    alice.time_zone = "UTC"
    alice.save()
    interview = interview_for(application_for(alice), helsinki(2025, 1, 14, 10, 0))
    response = alice_client.get(ics_url(interview))
    assert b"DTSTART:20250114T080000Z" in response.content
    assert b"VTIMEZONE" not in response.content


def test_an_updated_interview_keeps_its_uid_and_gets_a_higher_sequence(alice_client, alice):
    with time_machine.travel(helsinki(2025, 1, 6, 9, 0), tick=False):
        interview = interview_for(application_for(alice), helsinki(2025, 1, 14, 10, 0))
        first = events(alice_client.get(ics_url(interview)).content)
    with time_machine.travel(helsinki(2025, 1, 7, 9, 0), tick=False):
        interview_update(interview=interview, starts_at=helsinki(2025, 1, 15, 10, 0))
        second = events(alice_client.get(ics_url(interview)).content)
    uid = f"interview-{interview.pk}@seuranta"
    assert set(first) == set(second) == {uid}
    assert int(second[uid]["SEQUENCE"]) > int(first[uid]["SEQUENCE"])
    assert second[uid].decoded("LAST-MODIFIED") > first[uid].decoded("LAST-MODIFIED")


def test_a_cancelled_interview_downloads_as_cancelled(alice_client, alice, frozen):
    interview = interview_for(application_for(alice), helsinki(2025, 1, 14, 10, 0))
    interview_cancel(interview=interview)
    event = events(alice_client.get(ics_url(interview)).content)[
        f"interview-{interview.pk}@seuranta"
    ]
    assert str(event["STATUS"]) == "CANCELLED"


def test_another_users_interview_ics_is_404(bob_client, alice, frozen):
    interview = interview_for(application_for(alice), helsinki(2025, 1, 14, 10, 0))
    assert bob_client.get(ics_url(interview)).status_code == 404


# --- The feed ------------------------------------------------------------------------------------


def turn_feed_on(client) -> CalendarFeed:
    response = client.post(reverse("exports:calendar_feed_regenerate"))
    assert response.status_code == 302
    return CalendarFeed.objects.get()


def test_the_feed_lists_upcoming_and_recent_interviews_and_open_followups(
    client, alice, bob, frozen
):
    app = application_for(alice)
    upcoming = interview_for(app, helsinki(2025, 1, 14, 10, 0))
    recent = interview_for(app, helsinki(2024, 12, 20, 10, 0))
    old = interview_for(app, helsinki(2024, 11, 1, 10, 0))
    cancelled = interview_for(app, helsinki(2025, 1, 20, 10, 0))
    interview_cancel(interview=cancelled)
    bobs = interview_for(application_for(bob), helsinki(2025, 1, 15, 10, 0))
    client.force_login(alice)
    feed = turn_feed_on(client)
    client.logout()

    response = client.get(reverse("exports:calendar_feed_ics", args=[feed.token]))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    found = events(response.content)
    assert f"interview-{upcoming.pk}@seuranta" in found
    assert f"interview-{recent.pk}@seuranta" in found
    assert f"interview-{old.pk}@seuranta" not in found
    assert f"interview-{cancelled.pk}@seuranta" not in found
    assert f"interview-{bobs.pk}@seuranta" not in found

    open_followups = Followup.objects.filter(
        owner=alice, state__in=[State.SCHEDULED, State.NOTIFIED], due_at__gte=helsinki(2024, 12, 7)
    )
    assert open_followups.exists()
    for followup in open_followups:
        event = found[f"followup-{followup.pk}@seuranta"]
        assert event.decoded("DTSTART").astimezone(UTC) == followup.due_at
        alarms = event.walk("VALARM")
        assert len(alarms) == 1
        assert str(alarms[0]["ACTION"]) == "DISPLAY"
        assert alarms[0].decoded("TRIGGER") == datetime.timedelta(0)
    closed = Followup.objects.filter(owner=alice).exclude(
        state__in=[State.SCHEDULED, State.NOTIFIED]
    )
    for followup in closed:
        assert f"followup-{followup.pk}@seuranta" not in found
    assert Followup.objects.filter(owner=bob).exists()
    bob_uids = {
        f"followup-{pk}@seuranta"
        for pk in Followup.objects.filter(owner=bob).values_list("pk", flat=True)
    }
    assert not bob_uids & set(found)


def test_the_feed_speaks_the_owners_language(client, alice, frozen):
    alice.language = "fi"
    alice.save()
    interview = interview_for(application_for(alice), helsinki(2025, 1, 14, 10, 0))
    feed = CalendarFeed.objects.create(owner=alice)
    response = client.get(reverse("exports:calendar_feed_ics", args=[feed.token]))
    found = events(response.content)
    summary = str(found[f"interview-{interview.pk}@seuranta"]["SUMMARY"])
    assert summary == "Haastattelu: Backend Developer – Acme Oy"
    description = str(found[f"interview-{interview.pk}@seuranta"]["DESCRIPTION"])
    assert "Kesto: 60 minuuttia" in description


def test_feed_events_are_in_the_owners_time_zone_across_daylight_saving(client, alice, frozen):
    """A winter and a summer interview at 10:00 in New York: TZID and the VTIMEZONE it names."""
    alice.time_zone = "America/New_York"
    alice.save()
    new_york = zoneinfo.ZoneInfo("America/New_York")
    app = application_for(alice)
    winter = interview_for(app, datetime.datetime(2025, 3, 7, 10, 0, tzinfo=new_york))
    summer = interview_for(app, datetime.datetime(2025, 3, 10, 10, 0, tzinfo=new_york))
    feed = CalendarFeed.objects.create(owner=alice)
    response = client.get(reverse("exports:calendar_feed_ics", args=[feed.token]))
    found = events(response.content)
    for interview, utc_hour in ((winter, 15), (summer, 14)):
        event = found[f"interview-{interview.pk}@seuranta"]
        assert event["DTSTART"].params["TZID"] == "America/New_York"
        start = event.decoded("DTSTART")
        assert (start.hour, start.minute) == (10, 0)
        assert start.astimezone(UTC).hour == utc_hour
    tzids = {str(tz["TZID"]) for tz in Calendar.from_ical(response.content).walk("VTIMEZONE")}
    assert tzids == {"America/New_York"}


def test_the_feed_costs_the_same_queries_for_few_and_many_rows(
    client, alice, frozen, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    feed = CalendarFeed.objects.create(owner=alice)
    url = reverse("exports:calendar_feed_ics", args=[feed.token])

    def queries_with(count: int) -> int:
        for day in range(count):
            app = application_for(alice, company=f"Firm {day} Oy")
            interview_for(app, helsinki(2025, 1, 8 + day % 20, 10, 0), [(f"Person {day}", "", "")])
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    few = queries_with(2)
    many = queries_with(30)
    assert many == few
    with django_assert_max_num_queries(few):
        client.get(url)


def test_an_unknown_token_is_404(client, db):
    assert client.get(reverse("exports:calendar_feed_ics", args=["nope"])).status_code == 404


def test_a_revoked_feed_is_404(alice_client, alice, frozen):
    feed = turn_feed_on(alice_client)
    url = reverse("exports:calendar_feed_ics", args=[feed.token])
    assert alice_client.get(url).status_code == 200
    assert alice_client.post(reverse("exports:calendar_feed_revoke")).status_code == 302
    assert not CalendarFeed.objects.exists()
    assert alice_client.get(url).status_code == 404


def test_regenerating_the_feed_invalidates_the_old_token(alice_client, alice, frozen):
    old = turn_feed_on(alice_client).token
    alice_client.post(reverse("exports:calendar_feed_regenerate"))
    new = CalendarFeed.objects.get(owner=alice).token
    assert new != old
    assert alice_client.get(reverse("exports:calendar_feed_ics", args=[old])).status_code == 404
    assert alice_client.get(reverse("exports:calendar_feed_ics", args=[new])).status_code == 200


def test_another_users_token_gives_their_feed_only_to_nobody_else(bob_client, alice, bob, frozen):
    """Bob cannot revoke or regenerate Alice's feed; his actions touch only his own."""
    alices = CalendarFeed.objects.create(owner=alice)
    bob_client.post(reverse("exports:calendar_feed_revoke"))
    bob_client.post(reverse("exports:calendar_feed_regenerate"))
    alices.refresh_from_db()
    assert CalendarFeed.objects.filter(owner=alice, token=alices.token).exists()
    assert CalendarFeed.objects.get(owner=bob).token != alices.token


def test_the_feed_page_shows_the_address_and_changes_only_by_post(alice_client, alice):
    page = alice_client.get(reverse("exports:calendar_feed"))
    assert page.status_code == 200
    assert "Calendar feed" in page.content.decode()
    assert alice_client.get(reverse("exports:calendar_feed_regenerate")).status_code == 405
    assert alice_client.get(reverse("exports:calendar_feed_revoke")).status_code == 405
    feed = turn_feed_on(alice_client)
    page = alice_client.get(reverse("exports:calendar_feed")).content.decode()
    assert feed.token in page
    assert 'for="feed-url"' in page


def test_the_feed_page_needs_a_login(client, db):
    response = client.get(reverse("exports:calendar_feed"))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_the_interview_page_links_add_to_calendar_to_its_ics(alice_client, alice, frozen):
    interview = interview_for(application_for(alice), helsinki(2025, 1, 14, 10, 0))
    html = alice_client.get(interview.get_absolute_url()).content.decode()
    link = f'href="{ics_url(interview)}" download>Add to calendar</a>'
    assert link in html
    assert alice_client.get(ics_url(interview)).status_code == 200


def test_the_calendar_feed_also_lists_a_job_search_obligation(alice, frozen):
    """The feed names every kind it carries; one about no application included."""
    due = helsinki(2025, 1, 24, 10, 0)
    Followup.objects.create(
        owner=alice,
        kind=Kind.OBLIGATION,
        period_first=datetime.date(2025, 1, 1),
        period_last=datetime.date(2025, 1, 31),
        due_at=due,
        next_attempt_at=due,
    )
    alice.applications_required = 2
    alice.save()

    feed = feed_ics(alice).decode().replace("\r\n ", "")
    assert "Job-search obligation: 2 applications still needed by 31 Jan." in feed
