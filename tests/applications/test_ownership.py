"""Other users' objects are out of reach: each URL with an id answers 404 and changes nothing."""

import pytest
from django.urls import URLPattern, reverse

from applications import urls as application_urls
from applications.models import (
    Application,
    BankQuestion,
    Contact,
    Document,
    FeedbackEntry,
    Interview,
    PrepItem,
    StatusChange,
)
from tests.applications.helpers import (
    add_prep_items,
    application_data,
    interview_data,
    one_of_each,
)
from tests.factories import (
    ApplicationFactory,
    ContactFactory,
    InterviewFactory,
)

pytestmark = pytest.mark.django_db

# URL name → (which of bob's objects its id names, a POST that would change it if allowed).
URLS_WITH_IDS = {
    "application_detail": ("application", {}),
    "application_update": ("application", application_data(company="Hijacked")),
    "application_delete": ("application", {}),
    "application_status": ("application", {"status": "rejected"}),
    "application_no_response": ("application", {}),
    # The 404 comes before the form is read: a field name without the card's id is enough.
    "board_move": ("application", {"status": "rejected"}),
    "application_interview_create": ("application", interview_data()),
    "feedback_create": (
        "application",
        {"received_on": "2026-01-01", "text": "Hijacked", "constructive": "unknown"},
    ),
    "feedback_update": (
        "feedback",
        {"received_on": "2026-01-01", "text": "Hijacked", "constructive": "unknown"},
    ),
    "feedback_delete": ("feedback", {}),
    "document_create": ("application", {"kind": "cv", "sent_on": "2026-01-01"}),
    "document_download": ("document", {}),
    "document_delete": ("document", {}),
    "interview_detail": ("interview", {}),
    "interview_update": ("interview", interview_data(reflection="Hijacked")),
    "interview_cancel": ("interview", {}),
    "interview_cancel_undo": ("interview", {}),
    "interview_delete": ("interview", {}),
    "contact_detail": ("contact", {}),
    "contact_update": ("contact", {"name": "Hijacked"}),
    "contact_delete": ("contact", {}),
    "bank_question_update": ("question", {"question": "Hijacked"}),
    "bank_question_delete": ("question", {}),
    "bank_question_move": ("question", {"direction": "up"}),
    "prep_item_create": ("interview", {"new-question": "Hijacked?"}),
    "prep_item_delete": ("prep_item", {}),
}
POST_ONLY = {
    "application_status",
    "application_no_response",
    "board_move",
    "interview_cancel",
    "interview_cancel_undo",
    "bank_question_move",
    "prep_item_create",
    "prep_item_delete",
}
GET_ONLY = {"application_detail", "contact_detail", "document_download"}


@pytest.fixture
def bobs(bob):
    return one_of_each(bob)


def snapshot(user) -> dict:
    """Every row of the user's data, field by field."""
    models = [
        Application,
        Contact,
        Interview,
        StatusChange,
        PrepItem,
        BankQuestion,
        FeedbackEntry,
        Document,
    ]
    data = {
        model.__name__: list(model.objects.filter(owner=user).order_by("pk").values())
        for model in models
    }
    data["interviewers"] = list(
        Interview.interviewers.through.objects.order_by("pk").values_list(
            "interview_id", "contact_id"
        )
    )
    return data


def test_every_url_with_an_id_is_covered_here():
    """A new URL that takes an id fails this test until it is added above."""
    named = {
        pattern.name
        for pattern in application_urls.urlpatterns
        if isinstance(pattern, URLPattern) and "<int:pk>" in str(pattern.pattern)
    }
    assert named == set(URLS_WITH_IDS)


@pytest.mark.parametrize("name", sorted(set(URLS_WITH_IDS) - POST_ONLY))
def test_another_users_object_is_404_on_get(alice_client, bob, bobs, name):
    kind, _ = URLS_WITH_IDS[name]
    before = snapshot(bob)
    response = alice_client.get(reverse(f"applications:{name}", args=[bobs[kind].pk]))
    assert response.status_code == 404
    assert snapshot(bob) == before


@pytest.mark.parametrize("name", sorted(set(URLS_WITH_IDS) - GET_ONLY))
def test_another_users_object_is_404_on_post_and_nothing_changes(alice_client, bob, bobs, name):
    kind, data = URLS_WITH_IDS[name]
    before = snapshot(bob)
    response = alice_client.post(reverse(f"applications:{name}", args=[bobs[kind].pk]), data)
    assert response.status_code == 404
    assert snapshot(bob) == before


@pytest.mark.parametrize(
    ("name", "method"),
    [(n, "get") for n in sorted(POST_ONLY)] + [(n, "post") for n in sorted(GET_ONLY)],
)
def test_the_wrong_method_is_refused_before_any_lookup(alice_client, bob, bobs, name, method):
    """405 whoever owns the id, so the answer tells nothing about it; nothing changes."""
    kind, data = URLS_WITH_IDS[name]
    before = snapshot(bob)
    url = reverse(f"applications:{name}", args=[bobs[kind].pk])
    response = getattr(alice_client, method)(url, data)
    assert response.status_code == 405
    assert snapshot(bob) == before


def test_bobs_prep_item_ids_posted_in_alices_checklist_change_nothing(alice_client, alice, bob):
    """The checklist formset only edits the interview's own items; a foreign id is ignored."""
    alices = InterviewFactory(application=ApplicationFactory(owner=alice))
    (mine,) = add_prep_items(alices, ["Mine?"])
    bobs_interview = InterviewFactory(application=ApplicationFactory(owner=bob))
    (theirs,) = add_prep_items(bobs_interview, ["Theirs?"])
    response = alice_client.post(
        alices.get_absolute_url(),
        {
            "prep-TOTAL_FORMS": "2",
            "prep-INITIAL_FORMS": "2",
            "prep-0-id": str(theirs.pk),
            "prep-0-answer": "Hijacked",
            "prep-1-id": str(mine.pk),
            "prep-1-answer": "Mine",
        },
    )
    assert response.status_code in (200, 302)
    theirs.refresh_from_db()
    assert theirs.answer == ""
    assert PrepItem.objects.count() == 2


def test_lists_show_only_the_users_own_rows(alice_client, alice, bob):
    ApplicationFactory(owner=bob, company="Bob Corp")
    ContactFactory(owner=bob, name="Bobs Contact")
    InterviewFactory(application=ApplicationFactory(owner=bob, company="Bob Interview Corp"))
    for name in ("dashboard", "application_list", "contact_list", "interview_list"):
        html = alice_client.get(reverse(f"applications:{name}") + "?when=all").content.decode()
        assert "Bob Corp" not in html
        assert "Bobs Contact" not in html
        assert "Bob Interview Corp" not in html


def test_contact_form_does_not_link_bobs_application(alice_client, alice, bob):
    ApplicationFactory(owner=alice)
    bobs = ApplicationFactory(owner=bob)
    response = alice_client.post(
        reverse("applications:contact_create"), {"name": "Someone", "applications": [bobs.pk]}
    )
    assert response.status_code == 200
    assert "valid choice" in str(response.context["form"].errors["applications"])
    assert not bobs.contacts.exists()


def test_application_form_does_not_link_bobs_contact(alice_client, alice, bob):
    ContactFactory(owner=alice)
    bobs = ContactFactory(owner=bob)
    response = alice_client.post(
        reverse("applications:application_create"), application_data(contacts=[bobs.pk])
    )
    assert response.status_code == 200
    assert "contacts" in response.context["form"].errors
    assert not Application.objects.filter(owner=alice).exists()
