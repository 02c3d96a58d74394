"""The applied step of the timeline is dated by the date applied, the person's proof of applying.

"Date applied" 20 November typed in on 30 November used to put "Applied" on 30 November in the
timeline, the header and the status-history CSV that job centres take as proof.
"""

import csv
import datetime
import io
import re
import zoneinfo

import pytest
import time_machine
from django.urls import reverse

from applications.models import Status
from applications.services import (
    application_create,
    application_set_status,
    application_update,
    interview_create,
)
from followups.models import Followup, Kind, State
from tests.applications.helpers import application_data

pytestmark = pytest.mark.django_db

HELSINKI = zoneinfo.ZoneInfo("Europe/Helsinki")
NEW_YORK = zoneinfo.ZoneInfo("America/New_York")
# 30 November 2026, 15:00 in Helsinki.
TYPED_IN = datetime.datetime(2026, 11, 30, 13, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(TYPED_IN, tick=False):
        yield


def steps(application) -> list[tuple[str, datetime.datetime]]:
    return list(
        application.status_changes.order_by("changed_at", "id").values_list("status", "changed_at")
    )


def history_csv(client) -> list[dict[str, str]]:
    response = client.get(reverse("exports:history_csv"))
    text = b"".join(response.streaming_content).decode("utf-8")
    return list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))


def test_an_application_logged_late_is_applied_on_its_date_applied(alice):
    application = application_create(
        owner=alice, company="Kone", position="Engineer", applied_on=datetime.date(2026, 11, 20)
    )
    noon = datetime.datetime(2026, 11, 20, 12, 0, tzinfo=HELSINKI)
    assert steps(application) == [(Status.APPLIED, noon)]
    assert application.status_changed_at == noon


def test_noon_is_in_the_users_own_time_zone(alice):
    alice.time_zone = "America/New_York"
    alice.save()
    application = application_create(
        owner=alice, company="Kone", position="Engineer", applied_on=datetime.date(2026, 11, 20)
    )
    assert steps(application) == [
        (Status.APPLIED, datetime.datetime(2026, 11, 20, 12, 0, tzinfo=NEW_YORK))
    ]


def test_applied_today_before_noon_is_applied_now_not_in_the_future(alice):
    morning = datetime.datetime(2026, 11, 30, 7, 0, tzinfo=datetime.UTC)  # 09:00 in Helsinki
    with time_machine.travel(morning, tick=False):
        application = application_create(
            owner=alice,
            company="Kone",
            position="Engineer",
            applied_on=datetime.date(2026, 11, 30),
        )
    assert steps(application) == [(Status.APPLIED, morning)]


def test_a_saved_application_is_saved_now_and_applied_on_its_date_when_it_moves(alice):
    application = application_create(
        owner=alice, company="Kone", position="Engineer", status=Status.SAVED
    )
    application_update(
        application=application, status=Status.APPLIED, applied_on=datetime.date(2026, 11, 20)
    )
    noon = datetime.datetime(2026, 11, 20, 12, 0, tzinfo=HELSINKI)
    # Saved in Seuranta on the day it was typed in; applied on the person's date.
    assert set(steps(application)) == {(Status.SAVED, TYPED_IN), (Status.APPLIED, noon)}
    application.refresh_from_db()
    assert application.status_changed_at == noon
    application_update(application=application, applied_on=datetime.date(2026, 11, 21))
    application.refresh_from_db()
    assert application.status_changed_at == noon + datetime.timedelta(days=1)


def test_applied_again_later_is_a_step_of_its_own_dated_when_taken(alice):
    application = application_create(
        owner=alice, company="Kone", position="Engineer", applied_on=datetime.date(2026, 11, 20)
    )
    application_set_status(application=application, status=Status.INTERVIEWING)
    application_set_status(application=application, status=Status.APPLIED)
    assert steps(application)[1:] == [(Status.INTERVIEWING, TYPED_IN), (Status.APPLIED, TYPED_IN)]


def test_editing_the_date_applied_moves_the_applied_step_and_the_header(alice_client, alice):
    alice_client.post(
        reverse("applications:application_create"),
        application_data(applied_on="2026-11-30", decision_expected_on=""),
    )
    application = alice.applications.get()
    alice_client.post(
        reverse("applications:application_update", args=[application.pk]),
        application_data(applied_on="2026-11-20", decision_expected_on=""),
    )
    noon = datetime.datetime(2026, 11, 20, 12, 0, tzinfo=HELSINKI)
    application.refresh_from_db()
    assert steps(application) == [(Status.APPLIED, noon)]
    assert application.status_changed_at == noon
    page = alice_client.get(application.get_absolute_url()).content.decode()
    since = re.search(r"since ([^<]*)<", page).group(1)
    # Whatever the date style of the day: the 20th, not the 30th.
    assert "20" in since and "30" not in since


def test_a_later_status_keeps_its_own_date_when_the_date_applied_moves(alice):
    application = application_create(
        owner=alice, company="Kone", position="Engineer", applied_on=datetime.date(2026, 11, 25)
    )
    application_set_status(application=application, status=Status.INTERVIEWING)
    application_update(application=application, applied_on=datetime.date(2026, 11, 20))
    assert steps(application) == [
        (Status.APPLIED, datetime.datetime(2026, 11, 20, 12, 0, tzinfo=HELSINKI)),
        (Status.INTERVIEWING, TYPED_IN),
    ]
    application.refresh_from_db()
    assert application.status_changed_at == TYPED_IN


def test_the_history_csv_dates_applied_by_the_date_applied(alice_client, alice):
    alice_client.post(
        reverse("applications:application_create"),
        application_data(applied_on="2026-11-20", decision_expected_on=""),
    )
    rows = history_csv(alice_client)
    assert [(r["Status"], r["Date"]) for r in rows] == [("Applied", "2026-11-20")]


def test_the_feedback_request_still_counts_from_the_outcome_not_the_date_applied(alice):
    application = application_create(
        owner=alice, company="Kone", position="Engineer", applied_on=datetime.date(2026, 10, 1)
    )
    interview_create(
        application=application,
        starts_at=datetime.datetime(2026, 11, 25, 10, 0, tzinfo=HELSINKI),
    )
    application_set_status(application=application, status=Status.REJECTED)
    feedback = Followup.objects.get(application=application, kind=Kind.FEEDBACK)
    assert feedback.state == State.SCHEDULED
    assert feedback.due_at > TYPED_IN
