"""The admin has every applications model, with working lists, searches and change pages."""

import pytest
from django.contrib import admin
from django.urls import reverse

from applications.models import (
    Application,
    BankQuestion,
    Contact,
    FeedbackEntry,
    Interview,
    PrepItem,
    StatusChange,
)
from tests.applications.helpers import add_bank, add_prep_items
from tests.factories import (
    ApplicationFactory,
    ContactFactory,
    FeedbackEntryFactory,
    InterviewFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

MODELS = [Application, Contact, Interview, StatusChange, PrepItem, BankQuestion, FeedbackEntry]


def test_every_model_is_registered():
    for model in MODELS:
        assert admin.site.is_registered(model), model


def test_admin_lists_searches_and_change_pages_load(client, alice):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    contact = ContactFactory(owner=alice)
    interview = InterviewFactory(
        application=ApplicationFactory(owner=alice), interviewers=[contact]
    )
    add_prep_items(interview)
    add_bank(alice)
    FeedbackEntryFactory(application=interview.application)
    for model in MODELS:
        info = (model._meta.app_label, model._meta.model_name)
        changelist = reverse("admin:{}_{}_changelist".format(*info))
        assert client.get(changelist).status_code == 200, model
        assert client.get(changelist + "?q=alice").status_code == 200, model
        obj = model.objects.first()
        change = reverse("admin:{}_{}_change".format(*info), args=[obj.pk])
        assert client.get(change).status_code == 200, model
