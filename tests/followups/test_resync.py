"""A preference change re-times the follow-ups still ahead, at a cost that stays small."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.forms import PreferencesForm
from applications import services as app_services
from applications.models import Application, Interview, Status
from followups.models import Followup, Kind, State
from followups.policy import TIMING_FIELDS
from followups.services import followups_resync_user

HELSINKI = ZoneInfo("Europe/Helsinki")
# A Tuesday morning in Helsinki; no public holidays in the following two weeks.
NOW = datetime.datetime(2026, 3, 10, 9, 0, tzinfo=HELSINKI)


def hel(*args: int) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=HELSINKI)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def applications_with_an_interview(owner, count: int) -> None:
    for i in range(count):
        application = app_services.application_create(
            owner=owner, company=f"Firm {i} Oy", position="Developer"
        )
        app_services.interview_create(
            application=application, starts_at=hel(2026, 3, 11, 13, 0), duration_minutes=60
        )


def applications_without_follow_ups(owner, count: int) -> None:
    for i in range(count):
        app_services.application_create(owner=owner, company=f"Idle {i} Oy", position="Tester")


def resync_queries(user) -> int:
    with CaptureQueriesContext(connection) as queries:
        followups_resync_user(user=user)
    return len(queries)


def calls_due(user) -> set[datetime.datetime]:
    return set(
        Followup.objects.filter(owner=user, kind=Kind.CALL, state=State.SCHEDULED).values_list(
            "due_at", flat=True
        )
    )


def test_a_resync_costs_queries_linear_in_the_applications_with_a_small_constant(alice, bob):
    """Ten times the applications: at most one more query per follow-up that really moves."""
    for user, count in ((alice, 5), (bob, 50)):
        applications_with_an_interview(user, count)
        applications_without_follow_ups(user, count)
        user.call_time = datetime.time(14, 0)
        user.save()

    few, many = resync_queries(alice), resync_queries(bob)

    assert calls_due(alice) == calls_due(bob) == {hel(2026, 3, 16, 14, 0)}
    # Each application's call moved: one UPDATE each, and a fixed handful of reads in all.
    assert many - few <= 45 * 2, (few, many)
    # The constants include the one UPDATE of the job-search obligation's sync (no target set).
    assert few <= 5 + 2 * 5 + 1, few
    # Nothing left to change: the same few reads for 5 as for 50 applications.
    assert resync_queries(alice) == resync_queries(bob) <= 9


def test_a_resync_reaches_every_application_that_could_have_a_follow_up(alice):
    """Scheduled rows (even with no interview left), live interviews and final outcomes."""
    alice.feedback_enabled = False
    alice.save()
    ended = app_services.application_create(owner=alice, company="Ended Oy", position="Dev")
    interview = app_services.interview_create(
        application=ended, starts_at=hel(2026, 3, 11, 13, 0), duration_minutes=60
    )
    # Written behind the sync's back: only the scheduled rows lead the resync here.
    Application.objects.filter(pk=ended.pk).update(status=Status.WITHDRAWN)
    Interview.objects.filter(pk=interview.pk).update(cancelled=True)
    rejected = app_services.application_create(owner=alice, company="No Oy", position="Dev")
    app_services.application_set_status(application=rejected, status=Status.REJECTED)
    assert not Followup.objects.filter(application=rejected).exists()
    interviewing = app_services.application_create(owner=alice, company="Yes Oy", position="Dev")
    app_services.interview_create(
        application=interviewing, starts_at=hel(2026, 3, 11, 13, 0), duration_minutes=60
    )
    alice.feedback_enabled = True
    alice.thank_you_delay_minutes = 180
    alice.save()

    followups_resync_user(user=alice)

    assert {f.state for f in Followup.objects.filter(application=ended)} == {State.CANCELLED}
    assert Followup.objects.get(application=rejected).state == State.SCHEDULED
    thank_you = Followup.objects.get(application=interviewing, kind=Kind.THANK_YOU)
    assert thank_you.due_at == hel(2026, 3, 11, 17, 0)


def preferences_data(user, **overrides) -> dict:
    form = PreferencesForm(instance=user)
    data = {}
    for name in form.fields:
        value = form.initial.get(name)
        if isinstance(value, bool):
            if value:
                data[name] = "on"
            continue
        if isinstance(value, datetime.time):
            value = value.strftime("%H:%M")
        data[name] = "" if value is None else str(value)
    data.update(overrides)
    return data


def test_the_timing_fields_are_preference_form_fields():
    assert set(PreferencesForm.Meta.fields) >= TIMING_FIELDS
    assert "display_name" not in TIMING_FIELDS
    assert "reminders_enabled" not in TIMING_FIELDS


def test_saving_only_a_new_display_name_does_not_resync(
    alice_client, alice, django_assert_max_num_queries
):
    applications_with_an_interview(alice, 30)
    before = list(Followup.objects.values_list("pk", "state", "due_at", "updated_at"))

    with django_assert_max_num_queries(12):
        response = alice_client.post(
            reverse("preferences"), preferences_data(alice, display_name="Alice A.")
        )

    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.display_name == "Alice A."
    assert list(Followup.objects.values_list("pk", "state", "due_at", "updated_at")) == before


def test_saving_a_new_call_time_moves_the_calls_still_ahead(alice_client, alice):
    applications_with_an_interview(alice, 3)

    response = alice_client.post(reverse("preferences"), preferences_data(alice, call_time="14:00"))

    assert response.status_code == 302
    assert calls_due(alice) == {hel(2026, 3, 16, 14, 0)}
