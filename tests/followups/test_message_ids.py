"""An email re-sent after a killed worker (again rather than lost) carries the first one's
Message-ID, so the person's mail client keeps one copy; a new reminder gets a new id."""

import datetime

import pytest
import time_machine

from followups.digest import digest_message
from followups.emails import reminder_message
from followups.models import Kind
from tests.factories import followup_of_kind

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 3, 10, 7, 0, tzinfo=datetime.UTC)


@time_machine.travel(NOW, tick=False)
def test_a_reminder_sent_twice_has_one_message_id_and_a_snoozed_one_a_new_one(alice, settings):
    settings.DEFAULT_FROM_EMAIL = "Seuranta <reminders@seuranta.example>"
    followup = followup_of_kind(Kind.CALL, owner=alice)
    first = reminder_message(followup).message()["Message-ID"]
    assert first == reminder_message(followup).message()["Message-ID"]
    assert first.endswith("@seuranta.example>")
    followup.due_at += datetime.timedelta(days=1)
    assert reminder_message(followup).message()["Message-ID"] != first


@time_machine.travel(NOW, tick=False)
def test_a_digest_has_one_message_id_per_person_and_day(alice, bob):
    followups = [followup_of_kind(Kind.CALL, owner=alice)]
    first = digest_message(alice, followups, NOW).message()["Message-ID"]
    assert first == digest_message(alice, followups, NOW).message()["Message-ID"]
    later_that_day = NOW + datetime.timedelta(hours=3)
    assert digest_message(alice, followups, later_that_day).message()["Message-ID"] == first
    next_day = NOW + datetime.timedelta(days=1)
    assert digest_message(alice, followups, next_day).message()["Message-ID"] != first
    bobs = [followup_of_kind(Kind.CALL, owner=bob)]
    assert digest_message(bob, bobs, NOW).message()["Message-ID"] != first
