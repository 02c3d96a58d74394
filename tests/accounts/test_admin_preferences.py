"""A preference changed in the admin goes through the preferences service, as on the page."""

import datetime
import zoneinfo

import pytest
import time_machine
from django.forms import MultiWidget
from django.urls import reverse

from applications import services as app_services
from followups.models import Followup, Kind, State
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

HELSINKI = zoneinfo.ZoneInfo("Europe/Helsinki")
# Tuesday 10 March 2026; no public holidays in the following weeks.
NOW = datetime.datetime(2026, 3, 10, 9, 0, tzinfo=HELSINKI)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(email="admin@example.com", is_staff=True, is_superuser=True))
    return client


def change_form_post(client, user, **changes) -> dict:
    """The admin's change form for `user` as the page would post it, with `changes` made."""
    url = reverse("admin:accounts_user_change", args=[user.pk])
    form = client.get(url).context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        if field.disabled:
            continue
        value = form[name].value()
        if isinstance(field.widget, MultiWidget):
            for i, part in enumerate(field.widget.decompress(value)):
                data[f"{name}_{i}"] = "" if part is None else part
        elif isinstance(value, bool):
            if value:
                data[name] = "on"
        elif isinstance(value, list | tuple):
            data[name] = [str(v) for v in value]
        elif value is not None:
            data[name] = value
    data.update(changes)
    return data


def pending_call(user) -> Followup:
    return Followup.objects.get(owner=user, kind=Kind.CALL, state=State.SCHEDULED)


def test_a_call_time_changed_in_the_admin_moves_the_pending_call(admin_client, alice):
    application = app_services.application_create(owner=alice, company="Kone Oyj", position="Dev")
    app_services.interview_create(
        application=application,
        starts_at=datetime.datetime(2026, 3, 11, 13, 0, tzinfo=HELSINKI),
        duration_minutes=60,
    )
    assert pending_call(alice).due_at.astimezone(HELSINKI).time() == datetime.time(10, 0)

    url = reverse("admin:accounts_user_change", args=[alice.pk])
    response = admin_client.post(url, change_form_post(admin_client, alice, call_time="14:00"))

    assert response.status_code == 302, response.context["adminform"].form.errors
    alice.refresh_from_db()
    assert alice.call_time == datetime.time(14, 0)
    assert pending_call(alice).due_at.astimezone(HELSINKI).time() == datetime.time(14, 0)


def test_an_admin_edit_of_other_fields_reschedules_nothing(admin_client, alice):
    application = app_services.application_create(owner=alice, company="Kone Oyj", position="Dev")
    app_services.interview_create(
        application=application,
        starts_at=datetime.datetime(2026, 3, 11, 13, 0, tzinfo=HELSINKI),
        duration_minutes=60,
    )
    before = pending_call(alice).due_at

    url = reverse("admin:accounts_user_change", args=[alice.pk])
    response = admin_client.post(url, change_form_post(admin_client, alice, is_staff="on"))

    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.is_staff
    assert pending_call(alice).due_at == before
