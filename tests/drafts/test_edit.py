"""Editing a draft: save, the missing-placeholder flags, regenerate (asking first), delete."""

import re

import pytest
from django.urls import reverse

from drafts import services
from drafts.models import BODY_MAX, SUBJECT_MAX, Draft, Kind
from tests.drafts.factories import DraftFactory
from tests.factories import ApplicationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(alices_interview):
    draft, _ = services.draft_generate(
        owner=alices_interview.owner,
        kind=Kind.FEEDBACK,
        application=alices_interview.application,
        interview=alices_interview,
        language="en",
    )
    return draft


def test_the_editor_shows_subject_body_and_language(alice_client, draft):
    response = alice_client.get(draft.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    for label in ("Subject", "Body", "Language", "To"):
        assert re.search(rf">\s*{label}\s*</label>", html), label
    for text in (
        "Save",
        "Regenerate",
        "Download .eml",
        "Download .txt",
        "Open in mail app",
        "Copy",
    ):
        assert text in html
    assert "Yhtiö Ääni Oy" in html


def test_saving_keeps_the_users_text_and_marks_the_draft_edited(alice_client, draft):
    response = alice_client.post(
        draft.get_absolute_url(),
        {"recipient": "hr@aani.example", "subject": "My own subject", "body": "Line 1\r\nLine 2"},
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.subject == "My own subject"
    assert draft.body == "Line 1\nLine 2"
    assert draft.recipient == "hr@aani.example"
    assert draft.edited


def test_saving_unchanged_text_does_not_count_as_an_edit(alice_client, draft):
    alice_client.post(
        draft.get_absolute_url(),
        {"recipient": draft.recipient, "subject": draft.subject, "body": draft.body},
    )
    draft.refresh_from_db()
    assert not draft.edited


def test_a_line_break_in_the_subject_becomes_a_space(alice_client, draft):
    alice_client.post(
        draft.get_absolute_url(),
        {"recipient": "", "subject": "Hello\r\nBcc: x@example.com", "body": "Hi"},
    )
    draft.refresh_from_db()
    assert draft.subject == "Hello Bcc: x@example.com"


@pytest.mark.parametrize(
    ("field", "length"), [("subject", SUBJECT_MAX + 1), ("body", BODY_MAX + 1)]
)
def test_an_over_long_subject_or_body_is_a_form_error(alice_client, draft, field, length):
    before = Draft.objects.values().get(pk=draft.pk)
    data = {"recipient": "", "subject": "Subject", "body": "Body"}
    data[field] = "x" * length

    response = alice_client.post(draft.get_absolute_url(), data)

    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert "x" * length in response.content.decode()  # what was typed is kept
    assert Draft.objects.values().get(pk=draft.pk) == before


def test_a_body_at_the_limit_counts_line_breaks_once(alice_client, draft):
    body = ("x" * 99 + "\r\n") * 50  # 5 000 characters as the textarea counts them
    response = alice_client.post(
        draft.get_absolute_url(), {"recipient": "", "subject": "S", "body": body}
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert len(draft.body) == BODY_MAX


def test_a_bad_recipient_is_a_form_error(alice_client, draft):
    response = alice_client.post(
        draft.get_absolute_url(), {"recipient": "not an address", "subject": "S", "body": "B"}
    )
    assert response.context["form"].errors["recipient"]


def test_missing_details_are_listed_above_the_form_and_highlighted(alice):
    alice.display_name = ""
    alice.save()
    application = ApplicationFactory(owner=alice)
    draft, _ = services.draft_generate(
        owner=alice, kind=Kind.CALL, application=application, language="en"
    )
    from django.test import Client

    client = Client()
    client.force_login(alice)
    html = client.get(draft.get_absolute_url()).content.decode()

    assert 'id="missing-placeholders"' in html
    for marker in ("[interviewer&#x27;s name]", "[your name]", "[interview date]"):
        assert f'<li><mark class="placeholder-missing">{marker}</mark></li>' in html
    assert '<mark class="placeholder-missing">[interviewer&#x27;s phone number]</mark>' in html
    assert 'aria-describedby="missing-placeholders"' in html


def test_once_the_user_fills_them_in_the_warning_goes(alice_client, draft):
    alice_client.post(
        draft.get_absolute_url(), {"recipient": "", "subject": "Thanks", "body": "All filled in"}
    )
    html = alice_client.get(draft.get_absolute_url()).content.decode()
    assert 'id="missing-placeholders"' not in html


def test_html_in_the_data_is_shown_as_text(alice, alice_client):
    application = ApplicationFactory(owner=alice, company="<script>alert(1)</script>")
    draft = DraftFactory(
        application=application, subject="<b>bold</b> [interview date]", body="<i>x</i>"
    )
    html = alice_client.get(draft.get_absolute_url()).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<b>bold</b>" not in html and "<i>x</i>" not in html


def test_regenerating_an_unedited_draft_needs_no_confirmation(alice_client, draft):
    response = alice_client.post(reverse("drafts:regenerate", args=[draft.pk]), {"language": "fi"})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.language == "fi"
    assert "11.3.2026" in draft.body


def test_regenerating_an_edited_draft_asks_before_overwriting(alice_client, draft):
    alice_client.post(
        draft.get_absolute_url(), {"recipient": "", "subject": "Mine", "body": "My words"}
    )
    url = reverse("drafts:regenerate", args=[draft.pk])

    response = alice_client.post(url, {"language": "fi"})
    assert response.status_code == 200
    assert response.context["regenerate_form"].errors["confirm"]
    assert "Replace my edits" in response.content.decode()
    draft.refresh_from_db()
    assert draft.body == "My words"

    response = alice_client.post(url, {"language": "fi", "confirm": "on"})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.language == "fi"
    assert "Hei Anna Virtanen" in draft.body
    assert not draft.edited


def test_regenerating_in_english_again_switches_back(alice_client, draft):
    url = reverse("drafts:regenerate", args=[draft.pk])
    alice_client.post(url, {"language": "fi"})
    alice_client.post(url, {"language": "en"})
    draft.refresh_from_db()
    assert draft.body.startswith("Dear Anna Virtanen")


def test_an_unknown_language_is_a_form_error(alice_client, draft):
    response = alice_client.post(reverse("drafts:regenerate", args=[draft.pk]), {"language": "de"})
    assert response.context["regenerate_form"].errors["language"]


def test_regenerate_only_answers_post(alice_client, draft):
    assert alice_client.get(reverse("drafts:regenerate", args=[draft.pk])).status_code == 405


def test_delete_asks_first_and_then_deletes(alice_client, draft):
    url = reverse("drafts:delete", args=[draft.pk])
    response = alice_client.get(url)
    assert response.status_code == 200
    assert "cannot be undone" in response.content.decode()
    assert Draft.objects.filter(pk=draft.pk).exists()

    response = alice_client.post(url)
    assert response.status_code == 302
    assert not Draft.objects.filter(pk=draft.pk).exists()


def test_the_printable_page_shows_the_call_script(alice_client, alices_interview):
    draft, _ = services.draft_generate(
        owner=alices_interview.owner,
        kind=Kind.CALL,
        application=alices_interview.application,
        interview=alices_interview,
        language="en",
    )
    html = alice_client.get(reverse("drafts:print", args=[draft.pk])).content.decode()
    assert "+358 40 765 4321" in html
    assert 'class="no-print' in html
    assert "drafts.css" in html


def test_posts_without_a_csrf_token_are_refused(alice, draft):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    response = client.post(draft.get_absolute_url(), {"recipient": "", "subject": "S", "body": "B"})
    assert response.status_code == 403
    assert client.post(reverse("drafts:delete", args=[draft.pk])).status_code == 403
    assert Draft.objects.filter(pk=draft.pk).exists()


def test_the_length_limits_are_stated_in_the_users_language(alice_client, alice, draft):
    """The help texts are made when the form module loads; they must still follow the user."""
    alice.language = "fi"
    alice.save()
    html = alice_client.get(draft.get_absolute_url()).content.decode()
    assert "Enintään 200 merkkiä." in html
    assert "At most 200 characters." not in html
    alice.language = "en"
    alice.save()
    assert "At most 200 characters." in alice_client.get(draft.get_absolute_url()).content.decode()
