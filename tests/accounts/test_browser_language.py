"""A user who chose no language gets emails and the feed in the language their browser asks for."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from followups.emails import reminder_message
from tests.factories import FollowupFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def undecided(client):
    user = UserFactory(language="")
    client.force_login(user)
    return user


def test_the_browsers_language_is_remembered_for_a_user_who_chose_none(client, undecided):
    client.get(reverse("applications:dashboard"), HTTP_ACCEPT_LANGUAGE="fi-FI,fi;q=0.9")
    undecided.refresh_from_db()
    assert undecided.browser_language == "fi"
    assert undecided.message_language == "fi"


def test_a_reminder_to_such_a_user_is_in_finnish(client, undecided):
    client.get(reverse("applications:dashboard"), HTTP_ACCEPT_LANGUAGE="fi")
    followup = FollowupFactory(application__owner=undecided, application__company="Acme Oy")
    undecided.refresh_from_db()
    followup.owner = undecided
    message = reminder_message(followup)
    assert message.subject == "Pyydä palautetta yritykseltä Acme Oy"


def test_a_chosen_language_wins_over_the_browser(client):
    user = UserFactory(language="en")
    client.force_login(user)
    client.get(reverse("applications:dashboard"), HTTP_ACCEPT_LANGUAGE="fi")
    user.refresh_from_db()
    assert user.message_language == "en"


def test_the_language_is_written_only_when_it_changes(client, undecided):
    url = reverse("applications:dashboard")
    with CaptureQueriesContext(connection) as first:
        client.get(url, HTTP_ACCEPT_LANGUAGE="fi")
    with CaptureQueriesContext(connection) as second:
        client.get(url, HTTP_ACCEPT_LANGUAGE="fi")

    def writes(queries) -> int:
        return sum("UPDATE" in q["sql"] and "browser_language" in q["sql"] for q in queries)

    assert (writes(first.captured_queries), writes(second.captured_queries)) == (1, 0)
