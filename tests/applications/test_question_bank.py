"""The question bank: the user's own questions, copied into each new interview's checklist."""

import pytest
from django.urls import reverse

from applications.models import BankQuestion
from tests.applications.helpers import add_bank, assert_error_next_to

pytestmark = pytest.mark.django_db

URL = reverse("applications:question_bank")


def questions(user) -> list[str]:
    return list(
        BankQuestion.objects.filter(owner=user)
        .order_by("position", "id")
        .values_list("question", flat=True)
    )


def test_page_lists_the_users_questions(alice_client, alice, bob):
    add_bank(alice, ["Mine?"])
    add_bank(bob, ["Bob's?"])
    html = alice_client.get(URL).content.decode()
    assert "Mine?" in html
    assert "Bob&#x27;s?" not in html


def test_a_question_is_added_at_the_end(alice_client, alice):
    add_bank(alice, ["First?"])
    response = alice_client.post(URL, {"question": "Where do you see yourself?"})
    assert response["Location"] == URL
    assert questions(alice) == ["First?", "Where do you see yourself?"]


def test_an_empty_or_over_long_question_is_refused(alice_client, alice):
    assert_error_next_to(alice_client.post(URL, {"question": ""}), "question", "required")
    response = alice_client.post(URL, {"question": "x" * 301})
    assert_error_next_to(response, "question", "at most 300 characters")
    assert questions(alice) == []


def test_a_question_is_edited(alice_client, alice):
    (question,) = add_bank(alice, ["Old?"])
    alice_client.post(
        reverse("applications:bank_question_update", args=[question.pk]), {"question": "New?"}
    )
    assert questions(alice) == ["New?"]


def test_a_question_is_deleted_after_asking(alice_client, alice):
    (question,) = add_bank(alice, ["Gone?"])
    url = reverse("applications:bank_question_delete", args=[question.pk])
    assert alice_client.get(url).status_code == 200
    assert questions(alice) == ["Gone?"]
    alice_client.post(url)
    assert questions(alice) == []


def test_questions_move_up_and_down(alice_client, alice):
    a, b, c = add_bank(alice, ["A", "B", "C"])
    move = "applications:bank_question_move"
    alice_client.post(reverse(move, args=[c.pk]), {"direction": "up"})
    assert questions(alice) == ["A", "C", "B"]
    alice_client.post(reverse(move, args=[a.pk]), {"direction": "down"})
    assert questions(alice) == ["C", "A", "B"]
    # Past either end, or an unknown direction: nothing moves.
    alice_client.post(reverse(move, args=[c.pk]), {"direction": "up"})
    alice_client.post(reverse(move, args=[b.pk]), {"direction": "sideways"})
    assert questions(alice) == ["C", "A", "B"]
