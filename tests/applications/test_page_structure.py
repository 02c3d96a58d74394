"""Every application page is well-formed HTML5 with one h1, labelled inputs and described tables."""

import itertools
import re

import html5lib
import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from applications import services
from tests.applications.document_files import PDF
from tests.applications.helpers import add_bank, add_prep_items
from tests.factories import (
    ApplicationFactory,
    ContactFactory,
    FeedbackEntryFactory,
    InterviewFactory,
)

pytestmark = pytest.mark.django_db

NS = "{http://www.w3.org/1999/xhtml}"
# What HTML accepts in <time datetime> for a date or a moment with its offset: at most three
# digits of a second's fraction (Python's isoformat() writes six when there are microseconds).
TIME_DATETIME = re.compile(
    r"\d{4}-\d\d-\d\d"
    r"|\d{4}-\d\d-\d\d[T ]\d\d:\d\d(:\d\d(\.\d{1,3})?)?(Z|[+-]\d\d:?\d\d)"
)


@pytest.fixture
def pages(alice):
    contact = ContactFactory(owner=alice)
    application = ApplicationFactory(owner=alice, company="<b>Acme</b>")
    application.contacts.add(contact)
    interview = InterviewFactory(application=application, interviewers=[contact])
    add_prep_items(interview)
    feedback = FeedbackEntryFactory(application=application)
    document = services.document_attach(
        application=application, file=ContentFile(PDF), name="<i>cv</i>.pdf", kind="cv"
    )
    (question, *_) = add_bank(alice)
    a, i, c = application.pk, interview.pk, contact.pk
    return [
        reverse("applications:dashboard"),
        reverse("applications:board"),
        reverse("applications:application_list"),
        reverse("applications:application_create"),
        reverse("applications:application_detail", args=[a]),
        reverse("applications:application_update", args=[a]),
        reverse("applications:application_delete", args=[a]),
        reverse("applications:application_interview_create", args=[a]),
        reverse("applications:feedback_create", args=[a]),
        reverse("applications:feedback_update", args=[feedback.pk]),
        reverse("applications:feedback_delete", args=[feedback.pk]),
        reverse("applications:document_create", args=[a]),
        reverse("applications:document_delete", args=[document.pk]),
        reverse("applications:interview_list") + "?when=all",
        reverse("applications:interview_create"),
        reverse("applications:interview_detail", args=[i]),
        reverse("applications:interview_update", args=[i]),
        reverse("applications:interview_delete", args=[i]),
        reverse("applications:contact_list"),
        reverse("applications:contact_create"),
        reverse("applications:contact_detail", args=[c]),
        reverse("applications:contact_update", args=[c]),
        reverse("applications:contact_delete", args=[c]),
        reverse("applications:question_bank"),
        reverse("applications:bank_question_update", args=[question.pk]),
        reverse("applications:bank_question_delete", args=[question.pk]),
    ]


def check_page(html: str, url: str) -> None:
    document = html5lib.HTMLParser(strict=True, namespaceHTMLElements=True).parse(html)
    assert len(document.findall(f".//{NS}h1")) == 1, url
    levels = [
        int(el.tag[-1])
        for el in document.iter()
        if isinstance(el.tag, str) and el.tag[len(NS) :] in ("h1", "h2", "h3", "h4", "h5", "h6")
    ]
    for previous, level in itertools.pairwise(levels):
        assert level <= previous + 1, (url, levels)
    labelled = {label.get("for") for label in document.iter(f"{NS}label")}
    ids = [el.get("id") for el in document.iter() if el.get("id")]
    assert len(ids) == len(set(ids)), (url, sorted(i for i in ids if ids.count(i) > 1))
    for tag in ("input", "select", "textarea"):
        for field in document.iter(f"{NS}{tag}"):
            if field.get("type") in ("hidden", "submit"):
                continue
            assert field.get("id") in labelled or field.get("aria-label"), (url, field.attrib)
    for table in document.iter(f"{NS}table"):
        assert table.find(f"{NS}caption") is not None, url
        for th in table.iter(f"{NS}th"):
            assert th.get("scope") in ("col", "row"), url
    for button in document.iter(f"{NS}button"):
        assert "".join(button.itertext()).strip() or button.get("aria-label"), (url, button.attrib)
    for time in document.iter(f"{NS}time"):
        assert TIME_DATETIME.fullmatch(time.get("datetime", "")), (url, time.attrib)


def test_pages_are_valid_and_accessible(alice_client, pages):
    for url in pages:
        response = alice_client.get(url)
        assert response.status_code == 200, url
        check_page(response.content.decode(), url)


def test_form_pages_with_errors_are_valid_too(alice_client, alice):
    ContactFactory(owner=alice)
    for url, data in [
        (reverse("applications:application_create"), {"company": "x" * 300}),
        (reverse("applications:interview_create"), {"duration_minutes": "1"}),
        (reverse("applications:contact_create"), {"email": "nope"}),
    ]:
        response = alice_client.post(url, data)
        assert response.status_code == 200
        check_page(response.content.decode(), url)
