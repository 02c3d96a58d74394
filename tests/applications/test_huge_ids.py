"""An id posted in a form that no database column can hold is a form error, never a 500.

Django checks each chosen id with an exact lookup, which tolerates any number, and then fetches
the rows with `pk__in`, where SQLite raised OverflowError for a number past 2**63.
"""

import pytest
from django.urls import reverse

from applications.forms._common import IdMultipleChoiceField
from applications.models import Application, Contact, Interview
from core.validators import MAX_ID, is_id
from tests.applications.helpers import application_data, interview_data
from tests.factories import ApplicationFactory, ContactFactory, InterviewFactory

pytestmark = pytest.mark.django_db

HUGE_IDS = ["99999999999999999999", "-99999999999999999999", str(MAX_ID + 1)]


@pytest.fixture
def alices(alice):
    application = ApplicationFactory(owner=alice)
    contact = ContactFactory(owner=alice)
    return {
        "application": application,
        "contact": contact,
        "interview": InterviewFactory(application=application, interviewers=[contact]),
    }


def snapshot(user) -> dict:
    return {
        model.__name__: list(model.objects.filter(owner=user).order_by("pk").values())
        for model in (Application, Contact, Interview)
    }


def posts(alices) -> dict[str, tuple[str, dict]]:
    """(URL, valid POST data but for the id field) of each form that chooses several rows."""
    app, contact, interview = alices["application"], alices["contact"], alices["interview"]
    return {
        "contact_create applications": (
            reverse("applications:contact_create"),
            {"name": "Maija", "applications": [str(app.pk), "{bad}"]},
        ),
        "contact_update applications": (
            reverse("applications:contact_update", args=[contact.pk]),
            {"name": "Maija", "applications": ["{bad}"]},
        ),
        "application_create contacts": (
            reverse("applications:application_create"),
            application_data(contacts=[str(contact.pk), "{bad}"]),
        ),
        "application_update contacts": (
            reverse("applications:application_update", args=[app.pk]),
            application_data(contacts=["{bad}"]),
        ),
        "interview_update interviewers": (
            reverse("applications:interview_update", args=[interview.pk]),
            interview_data(application=str(app.pk), interviewers=["{bad}"]),
        ),
        "interview_create application": (
            reverse("applications:interview_create"),
            interview_data(application="{bad}"),
        ),
    }


FORMS = [
    "contact_create applications",
    "contact_update applications",
    "application_create contacts",
    "application_update contacts",
    "interview_update interviewers",
    "interview_create application",
]


@pytest.mark.parametrize("bad", HUGE_IDS)
@pytest.mark.parametrize("form", FORMS)
def test_an_id_no_column_can_hold_is_a_form_error_and_changes_nothing(
    alice_client, alice, alices, form, bad
):
    url, data = posts(alices)[form]
    data = {
        key: [v.replace("{bad}", bad) for v in value] if isinstance(value, list) else value
        for key, value in data.items()
    }
    data = {key: bad if value == "{bad}" else value for key, value in data.items()}
    before = snapshot(alice)

    response = alice_client.post(url, data)

    assert response.status_code in (200, 400)
    assert response.context["form"].errors
    assert snapshot(alice) == before


def subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from subclasses(sub)


def test_every_form_field_choosing_several_rows_checks_its_ids():
    from django import forms

    import applications.forms  # noqa: F401 (every form class is defined)
    from applications.forms import OwnedModelForm

    checked = []
    for form_class in subclasses(OwnedModelForm):
        for name, field in form_class.base_fields.items():
            if isinstance(field, forms.ModelMultipleChoiceField):
                assert isinstance(field, IdMultipleChoiceField), (form_class.__name__, name)
                checked.append(name)
    assert {"applications", "contacts", "interviewers"} <= set(checked)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1", True),
        (str(MAX_ID), True),
        (str(MAX_ID + 1), False),
        ("0", False),
        ("-1", False),
        ("", False),
        (" 1", False),
        ("1.0", False),
        ("\u0661", False),
        ("1" * 5000, False),
    ],
)
def test_an_id_is_ascii_digits_from_one_to_the_largest_column_value(value, expected):
    assert is_id(value) is expected
