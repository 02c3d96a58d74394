"""Pages that save several rows without a service save all of them or none.

Requests are not wrapped in a transaction (reads must not take SQLite's write lock), so each of
these views takes its own. A failure half-way (here a forced one) leaves nothing half-saved.
"""

import pytest
from django.urls import reverse

from applications.models import Contact, PrepItem, Status
from tests.applications.helpers import add_prep_items
from tests.factories import ApplicationFactory, ContactFactory, InterviewFactory

pytestmark = pytest.mark.django_db


class Boom(Exception):
    pass


@pytest.fixture
def failing_links(monkeypatch):
    """Linking a contact to its applications fails, after the contact row was written."""

    def boom(*args, **kwargs):
        raise Boom

    monkeypatch.setattr(Contact.applications.related_manager_cls, "set", boom)


def test_a_contact_whose_applications_fail_to_link_is_not_created(
    alice_client, alice, failing_links
):
    application = ApplicationFactory(owner=alice)
    with pytest.raises(Boom):
        alice_client.post(
            reverse("applications:contact_create"),
            {"name": "Maija", "applications": [application.pk]},
        )
    assert not Contact.objects.exists()


def test_a_contact_edit_whose_applications_fail_to_link_changes_nothing(
    alice_client, alice, failing_links
):
    contact = ContactFactory(owner=alice, name="Maija")
    application = ApplicationFactory(owner=alice)
    with pytest.raises(Boom):
        alice_client.post(
            reverse("applications:contact_update", args=[contact.pk]),
            {"name": "Renamed", "applications": [application.pk]},
        )
    contact.refresh_from_db()
    assert contact.name == "Maija"


@pytest.fixture
def interview(alice):
    interview = InterviewFactory(
        application=ApplicationFactory(owner=alice, status=Status.INTERVIEWING)
    )
    add_prep_items(interview, ["Why this job?", "Your weaknesses?"])
    return interview


@pytest.fixture
def second_save_fails(monkeypatch):
    original = PrepItem.save
    calls = []

    def save(self, *args, **kwargs):
        calls.append(self.pk)
        if len(calls) == 2:
            raise Boom
        return original(self, *args, **kwargs)

    monkeypatch.setattr(PrepItem, "save", save)


def checklist(interview) -> dict:
    items = list(interview.prep_items.order_by("position"))
    data = {"prep-TOTAL_FORMS": str(len(items)), "prep-INITIAL_FORMS": str(len(items))}
    for number, item in enumerate(items):
        data[f"prep-{number}-id"] = str(item.pk)
        data[f"prep-{number}-answer"] = f"Answer {number}"
    return data


def test_checklist_answers_are_saved_all_or_none(alice_client, interview, second_save_fails):
    with pytest.raises(Boom):
        alice_client.post(interview.get_absolute_url(), checklist(interview))
    assert set(interview.prep_items.values_list("answer", flat=True)) == {""}


def test_removing_a_question_keeps_the_answers_only_if_it_is_removed(
    alice_client, interview, second_save_fails
):
    first = interview.prep_items.order_by("position").first()
    with pytest.raises(Boom):
        alice_client.post(
            reverse("applications:prep_item_delete", args=[first.pk]), checklist(interview)
        )
    assert interview.prep_items.count() == 2
    assert set(interview.prep_items.values_list("answer", flat=True)) == {""}
