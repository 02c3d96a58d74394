"""The board: a column per status, a card per application, moves through the status service."""

import datetime
import zoneinfo

import pytest
import time_machine
from django.urls import reverse

from applications.board import CARDS_PER_COLUMN, CARDS_PER_ENDED_COLUMN
from applications.models import Status, StatusChange
from applications.services import application_create
from followups.models import Followup, Kind, State
from tests.applications.helpers import count_queries
from tests.factories import ApplicationFactory, FollowupFactory, InterviewFactory

pytestmark = pytest.mark.django_db

HELSINKI = zoneinfo.ZoneInfo("Europe/Helsinki")
URL = reverse("applications:board")


def at(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=HELSINKI)


def move_url(application) -> str:
    return reverse("applications:board_move", args=[application.pk])


def move(client, application, status, **headers):
    return client.post(move_url(application), {f"card-{application.pk}-status": status}, **headers)


def columns(response) -> dict[str, list]:
    board = response.context["board"]
    return {column.status: column.cards for column in board.pipeline + board.ended}


def test_each_application_is_a_card_in_the_column_of_its_status(alice_client, alice, bob):
    saved = ApplicationFactory(owner=alice, status=Status.SAVED, company="Kone Oyj")
    offer = ApplicationFactory(owner=alice, status=Status.OFFER, company="Wärtsilä")
    rejected = ApplicationFactory(owner=alice, status=Status.REJECTED, company="Fortum")
    ApplicationFactory(owner=bob, status=Status.SAVED, company="Bob's Secret Oy")

    response = alice_client.get(URL)

    cards = columns(response)
    assert cards[Status.SAVED] == [saved]
    assert cards[Status.OFFER] == [offer]
    assert cards[Status.REJECTED] == [rejected]
    html = response.content.decode()
    assert "Kone Oyj" in html and "Wärtsilä" in html
    assert "Bob&#x27;s Secret Oy" not in html and "Bob's Secret Oy" not in html


def test_the_ended_statuses_fold_into_one_collapsed_column(alice_client, alice):
    ApplicationFactory(owner=alice, status=Status.WITHDRAWN)
    html = alice_client.get(URL).content.decode()
    ended = html[html.index('<details class="board-ended') :]
    assert ended.startswith('<details class="board-ended mt-3">')  # not open
    for status in ("rejected", "withdrawn", "no_response"):
        assert f'data-status="{status}"' in ended[: ended.index("</details>")]


@time_machine.travel(at(2026, 3, 10, 0, 30), tick=False)
def test_days_in_the_column_count_by_the_persons_calendar(alice_client, alice):
    """Moved at 23:00 yesterday in Helsinki (21:00 UTC, the same UTC day as now): 1 day."""
    application = ApplicationFactory(owner=alice)
    application.status_changed_at = at(2026, 3, 9, 23, 0)
    application.save()
    html = alice_client.get(URL).content.decode()
    assert "1 day in this column" in html


@time_machine.travel(at(2026, 3, 10, 9, 0), tick=False)
def test_a_card_shows_its_next_interview_and_its_next_follow_up(alice_client, alice):
    application = ApplicationFactory(owner=alice, status=Status.INTERVIEWING)
    InterviewFactory(application=application, starts_at=at(2026, 3, 20, 10, 0))
    InterviewFactory(application=application, starts_at=at(2026, 3, 12, 10, 0))
    InterviewFactory(application=application, starts_at=at(2026, 3, 11, 10, 0), cancelled=True)
    FollowupFactory(application=application, kind=Kind.CALL, due_at=at(2026, 3, 16, 10, 0))
    FollowupFactory(application=application, kind=Kind.THANK_YOU, due_at=at(2026, 3, 13, 10, 0))
    FollowupFactory(
        application=application, kind=Kind.FEEDBACK, due_at=at(2026, 3, 11), state=State.DONE
    )

    response = alice_client.get(URL)

    card = columns(response)[Status.INTERVIEWING][0]
    assert card.next_interview_at == at(2026, 3, 12, 10, 0)
    html = response.content.decode()
    assert 'datetime="2026-03-12T10:00:00+0200"' in html
    assert "Thank-you note:" in html
    assert "Follow-up call" not in html and "Feedback request" not in html


def test_a_move_changes_the_status_through_the_service_and_records_it(alice_client, alice):
    application = application_create(owner=alice, company="Kone Oyj", position="Engineer")

    response = move(alice_client, application, Status.INTERVIEWING)

    assert response.status_code == 302
    assert response["Location"] == f"{URL}#card-{application.pk}"
    application.refresh_from_db()
    assert application.status == Status.INTERVIEWING
    change = StatusChange.objects.filter(application=application).latest("id")
    assert (change.previous_status, change.status) == (Status.APPLIED, Status.INTERVIEWING)
    timeline = alice_client.get(application.get_absolute_url()).content.decode()
    assert "Status: Applied → Interviewing" in timeline


def test_a_move_keeps_the_follow_ups_in_step(alice_client, alice):
    """Rejected is a final outcome: the feedback request follows, as from the status form."""
    application = application_create(owner=alice, company="Kone Oyj", position="Engineer")
    assert not Followup.objects.filter(application=application, kind=Kind.FEEDBACK).exists()

    move(alice_client, application, Status.REJECTED)

    assert Followup.objects.filter(application=application, kind=Kind.FEEDBACK).exists()


def test_a_move_asked_for_as_json_answers_json(alice_client, alice):
    application = ApplicationFactory(owner=alice)
    response = move(alice_client, application, Status.OFFER, HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    assert response.json()["status"] == "offer"
    assert response.json()["label"] == "Offer"


def test_a_bad_status_is_a_clear_error_and_changes_nothing(alice_client, alice):
    application = ApplicationFactory(owner=alice)

    response = move(alice_client, application, "hired", HTTP_ACCEPT="application/json")
    assert response.status_code == 400
    assert response.json() == {"error": "Choose a status from the list."}

    response = move(alice_client, application, "hired", follow=True)
    assert "Choose a status from the list." in response.content.decode()
    application.refresh_from_db()
    assert application.status == Status.APPLIED
    assert StatusChange.objects.filter(application=application).count() == 1


def test_another_users_application_cannot_be_moved(alice_client, bob):
    application = ApplicationFactory(owner=bob)
    response = move(alice_client, application, Status.OFFER)
    assert response.status_code == 404
    application.refresh_from_db()
    assert application.status == Status.APPLIED


def test_a_move_is_a_post(alice_client, alice):
    application = ApplicationFactory(owner=alice)
    assert alice_client.get(move_url(application)).status_code == 405


def test_a_full_column_shows_the_most_recently_moved_and_links_to_the_rest(alice_client, alice):
    start = at(2026, 1, 1, 10, 0)
    applications = [
        ApplicationFactory(owner=alice, status_changed_at=start + datetime.timedelta(hours=i))
        for i in range(CARDS_PER_COLUMN + 2)
    ]

    response = alice_client.get(URL)

    shown = columns(response)[Status.APPLIED]
    assert shown == applications[::-1][:CARDS_PER_COLUMN]
    html = response.content.decode()
    assert f'href="{reverse("applications:application_list")}?status=applied">2 more' in html


def test_an_ended_column_shows_fewer_cards_and_links_to_the_rest(alice_client, alice):
    for _ in range(CARDS_PER_ENDED_COLUMN + 3):
        ApplicationFactory(owner=alice, status=Status.NO_RESPONSE)
    response = alice_client.get(URL)
    assert len(columns(response)[Status.NO_RESPONSE]) == CARDS_PER_ENDED_COLUMN
    assert '?status=no_response">3 more' in response.content.decode()


def test_the_more_link_lists_that_status(alice_client, alice):
    ApplicationFactory(owner=alice, status=Status.APPLIED, company="Applied Oy")
    ApplicationFactory(owner=alice, status=Status.OFFER, company="Offer Oy")
    html = alice_client.get(reverse("applications:application_list") + "?status=applied")
    assert "Applied Oy" in html.content.decode()
    assert "Offer Oy" not in html.content.decode()


def test_the_board_costs_the_same_queries_for_5_and_for_100_applications(
    alice_client, alice, django_assert_max_num_queries
):
    def fill(count):
        for i in range(count):
            application = ApplicationFactory(owner=alice, status=list(Status)[i % len(Status)])
            InterviewFactory(application=application)
            FollowupFactory(application=application)

    fill(5)
    few = count_queries(alice_client, URL)
    fill(95)
    with django_assert_max_num_queries(few):
        alice_client.get(URL)


def test_a_second_visit_is_drawn_from_the_cache_and_a_move_shows_at_once(alice_client, alice):
    application = application_create(owner=alice, company="Kone Oyj", position="Engineer")
    first = count_queries(alice_client, URL)
    assert count_queries(alice_client, URL) < first

    move(alice_client, application, Status.OFFER)

    response = alice_client.get(URL)
    assert columns(response)[Status.OFFER] == [application]


def test_the_cached_board_holds_no_csrf_token_but_the_page_has_one_live_form(alice_client, alice):
    ApplicationFactory(owner=alice)
    alice_client.get(URL)
    html = alice_client.get(URL).content.decode()
    cached = html[html.index('<div class="board"') : html.index("</details>")]
    assert 'form="board-move"' in cached
    assert "csrfmiddlewaretoken" not in cached
    live = html[html.index('<form id="board-move"') :]
    assert "csrfmiddlewaretoken" in live[: live.index("</form>")]


def test_the_board_speaks_finnish(alice_client, alice):
    alice.language = "fi"
    alice.save()
    ApplicationFactory(owner=alice)
    html = alice_client.get(URL).content.decode()
    assert "<h1" in html and "Taulu" in html
    assert "Siirrä" in html
    assert "Päättyneet" in html


def test_the_navigation_has_the_board(alice_client):
    html = alice_client.get(URL).content.decode()
    assert f'active" aria-current="page" href="{URL}"' in html


def test_the_board_is_never_served_from_the_browsers_cache(alice_client):
    """Back from an application must not show the board as it was before the moves made on it."""
    assert "no-store" in alice_client.get(URL)["Cache-Control"]
