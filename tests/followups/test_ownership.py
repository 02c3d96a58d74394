"""Every follow-ups URL that takes an id: another user gets 404 and nothing changes."""

import datetime
from urllib.parse import urlsplit

import pytest
from django.urls import reverse

from followups import links, urls
from followups.models import Followup, Kind, State
from tests.factories import ApplicationFactory

NOW = datetime.datetime(2025, 3, 4, 10, 0, tzinfo=datetime.UTC)

# (url name, method); signed_action is listed per action because each has its own token.
CASES = [
    ("followup_detail", "get"),
    ("followup_done", "post"),
    ("followup_snooze", "post"),
    ("followup_skip", "post"),
    ("followup_undo", "post"),
    ("signed_action:done", "get"),
    ("signed_action:done", "post"),
    ("signed_action:snooze", "get"),
    ("signed_action:snooze", "post"),
]


@pytest.fixture(autouse=True)
def frozen(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def alices_followup(alice):
    due_at = NOW - datetime.timedelta(hours=1)
    return Followup.objects.create(
        owner=alice,
        application=ApplicationFactory(owner=alice),
        kind=Kind.CALL,
        state=State.NOTIFIED,
        due_at=due_at,
        next_attempt_at=due_at,
    )


def url_for(case: str, followup: Followup) -> str:
    name, _, action = case.partition(":")
    if name == "signed_action":
        return urlsplit(links.action_url(followup, action)).path
    return reverse(f"followups:{name}", args=[followup.pk])


def test_every_url_that_takes_an_id_is_covered():
    with_id = {p.name for p in urls.urlpatterns if "pk" in p.pattern.converters}
    assert with_id == {case.partition(":")[0] for case, _ in CASES}


@pytest.mark.parametrize(("case", "method"), CASES)
def test_another_user_gets_404_and_nothing_changes(bob_client, alices_followup, case, method):
    before = Followup.objects.filter(pk=alices_followup.pk).values().get()
    response = getattr(bob_client, method)(url_for(case, alices_followup))
    assert response.status_code == 404
    assert Followup.objects.filter(pk=alices_followup.pk).values().get() == before


def test_another_user_does_not_see_it_in_their_list(bob_client, alices_followup):
    response = bob_client.get(reverse("followups:followup_list"), {"state": "all"})
    assert list(response.context["followups"]) == []
    assert alices_followup.application.company not in response.content.decode()
