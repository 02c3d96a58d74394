"""Download, print or open in the mail app save the edits on the screen first; a call script is
printed or copied, never emailed."""

import email
import email.policy
import re

import pytest
from django.urls import reverse

from drafts import services
from drafts.models import Kind

pytestmark = pytest.mark.django_db


def draft_of(interview, kind):
    return services.draft_generate(
        owner=interview.owner,
        kind=kind,
        application=interview.application,
        interview=interview,
        language="en",
    )[0]


@pytest.mark.parametrize(
    ("then", "target"),
    [("eml", "drafts:export_eml"), ("txt", "drafts:export_txt"), ("print", "drafts:print")],
)
def test_an_export_button_saves_the_edits_then_exports(
    alice_client, alices_interview, then, target
):
    draft = draft_of(alices_interview, Kind.THANK_YOU)
    response = alice_client.post(
        draft.get_absolute_url(),
        {"recipient": draft.recipient, "subject": "Kiitos", "body": "Edited body", "then": then},
    )
    assert response["Location"] == reverse(target, args=[draft.pk])
    draft.refresh_from_db()
    assert (draft.subject, draft.body, draft.edited) == ("Kiitos", "Edited body", True)
    if then == "eml":
        data = b"".join(alice_client.get(response["Location"]).streaming_content)
        message = email.message_from_bytes(data, policy=email.policy.default)
        assert message.get_content().strip() == "Edited body"


def test_the_export_buttons_are_buttons_of_the_edit_form(alice_client, alices_interview):
    draft = draft_of(alices_interview, Kind.THANK_YOU)
    html = alice_client.get(draft.get_absolute_url()).content.decode()
    for value in ("eml", "txt", "mailto", "print"):
        assert re.search(
            rf'<button type="submit" form="draft-form" name="then" value="{value}"', html
        )
    assert 'id="draft-form"' in html


def test_an_invalid_edit_downloads_nothing(alice_client, alices_interview):
    draft = draft_of(alices_interview, Kind.THANK_YOU)
    response = alice_client.post(
        draft.get_absolute_url(),
        {"recipient": "not an address", "subject": "S", "body": "B", "then": "eml"},
    )
    assert response.status_code == 200
    draft.refresh_from_db()
    assert draft.body != "B"


def test_the_call_script_has_no_recipient_eml_or_mail_app(alice_client, alices_interview):
    draft = draft_of(alices_interview, Kind.CALL)
    html = alice_client.get(draft.get_absolute_url()).content.decode()
    assert not re.search(r">\s*To\s*</label>", html)
    assert "Download .eml" not in html
    assert "Open in mail app" not in html
    assert "Print call script" in html
    assert "Copy" in html


def test_the_call_script_saves_without_a_recipient_and_cannot_be_sent_as_email(
    alice_client, alices_interview
):
    draft = draft_of(alices_interview, Kind.CALL)
    recipient = draft.recipient
    response = alice_client.post(
        draft.get_absolute_url(), {"subject": "Call", "body": "Say thanks.", "then": "mailto"}
    )
    assert response["Location"] == draft.get_absolute_url()
    draft.refresh_from_db()
    assert (draft.body, draft.recipient) == ("Say thanks.", recipient)
