"""The admin has every applications model, with working lists, searches and change pages."""

import pytest
from django.contrib import admin
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse

from applications import services
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
from tests.applications.document_files import PDF
from tests.applications.helpers import add_bank, add_prep_items
from tests.factories import (
    ApplicationFactory,
    ContactFactory,
    FeedbackEntryFactory,
    InterviewFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

MODELS = [
    Application,
    Contact,
    Interview,
    StatusChange,
    PrepItem,
    BankQuestion,
    FeedbackEntry,
    Document,
]


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
    services.document_attach(
        application=interview.application, file=ContentFile(PDF), name="cv.pdf", kind="cv"
    )
    for model in MODELS:
        info = (model._meta.app_label, model._meta.model_name)
        changelist = reverse("admin:{}_{}_changelist".format(*info))
        assert client.get(changelist).status_code == 200, model
        assert client.get(changelist + "?q=alice").status_code == 200, model
        obj = model.objects.first()
        change = reverse("admin:{}_{}_change".format(*info), args=[obj.pk])
        assert client.get(change).status_code == 200, model


def test_documents_are_looked_up_and_deleted_in_the_admin_never_added(
    client, alice, django_capture_on_commit_callbacks
):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    document = services.document_attach(
        application=ApplicationFactory(owner=alice), file=ContentFile(PDF), name="cv.pdf", kind="cv"
    )
    name = document.file.name

    assert client.get(reverse("admin:applications_document_add")).status_code == 403
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:applications_document_delete", args=[document.pk]), {"post": "yes"}
        )

    assert response.status_code == 302
    assert not Document.objects.exists()
    assert not default_storage.exists(name)
