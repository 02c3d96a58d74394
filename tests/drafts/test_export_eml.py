"""One draft exported: .eml parsed back with the email package, .txt, and the mailto: link."""

import email
import email.policy
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from django.urls import reverse

from tests.drafts.factories import DraftFactory
from tests.factories import ApplicationFactory

pytestmark = pytest.mark.django_db


def parse(response):
    assert response["Content-Type"] == "message/rfc822"
    return email.message_from_bytes(
        b"".join(response.streaming_content), policy=email.policy.default
    )


@pytest.fixture
def draft(alice):
    return DraftFactory(
        application=ApplicationFactory(owner=alice, company="Yhtiö Ääni Oy"),
        recipient="anna@aani.example",
        subject="Palautetta haastattelusta – Yhtiö Ääni Oy",
        body="Hei Anna,\n\nkiitos haastattelusta. Jäikö jokin epäselväksi?\n\nTerveisin\nÄlice\n",
        language="fi",
    )


def test_the_eml_is_an_unsent_utf8_message_with_the_drafts_text(alice_client, draft):
    response = alice_client.get(reverse("drafts:export_eml", args=[draft.pk]))
    message = parse(response)

    assert message["To"] == "anna@aani.example"
    # A long encoded-word starts on a continuation line; the email package keeps that folding
    # space in front of the decoded subject (mail programs drop it).
    assert message["Subject"].lstrip() == "Palautetta haastattelusta – Yhtiö Ääni Oy"
    assert message["X-Unsent"] == "1"
    assert message["MIME-Version"] == "1.0"
    assert message["Date"].datetime is not None
    assert message["Message-ID"].startswith("<") and message["Message-ID"].endswith(">")
    assert message.get_content_type() == "text/plain"
    assert message.get_content_charset() == "utf-8"
    # The file uses CRLF line endings (RFC 5322); the text is the draft's, ä and ö intact.
    assert message.get_content().replace("\r\n", "\n") == draft.body
    assert "Alice Example" in str(message["From"]) and "alice@example.com" in str(message["From"])


def test_the_subject_with_umlauts_travels_as_encoded_words(alice_client, draft):
    response = alice_client.get(reverse("drafts:export_eml", args=[draft.pk]))
    raw = b"".join(response.streaming_content)
    header_block = raw.split(b"\r\n\r\n", 1)[0]
    # Headers are 7-bit: the ä/ö are in RFC 2047 encoded-words, not raw bytes.
    header_block.decode("ascii")
    assert b"=?utf-8?" in header_block.lower()
    assert b"\r\n" in raw  # RFC 5322 line endings


def test_the_eml_download_has_a_safe_readable_name(alice_client, draft):
    response = alice_client.get(reverse("drafts:export_eml", args=[draft.pk]))
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert 'filename="yhtio-aani-oy-feedback-request-' in disposition
    assert disposition.endswith('.eml"')


def test_a_draft_without_recipient_has_no_to_header(alice_client, alice):
    draft = DraftFactory(application=ApplicationFactory(owner=alice), recipient="")
    message = parse(alice_client.get(reverse("drafts:export_eml", args=[draft.pk])))
    assert "To" not in message
    assert message["X-Unsent"] == "1"


def test_a_company_with_a_line_break_cannot_add_a_header(alice, alice_client):
    """The issue's example: the company reaches the subject, and only as one line."""
    from drafts import services
    from drafts.models import Kind

    application = ApplicationFactory(owner=alice, company="Acme\r\nBcc: x@example.com")
    draft, _ = services.draft_generate(
        owner=alice, kind=Kind.FEEDBACK, application=application, language="en"
    )
    response = alice_client.get(reverse("drafts:export_eml", args=[draft.pk]))
    raw = b"".join(response.streaming_content)
    message = email.message_from_bytes(raw, policy=email.policy.default)

    assert "Bcc" not in message
    assert len(message.get_all("Subject")) == 1
    assert message["Subject"].lstrip() == draft.subject
    assert not any(line.lower().startswith(b"bcc:") for line in raw.split(b"\r\n"))
    assert "x@example.com" not in str(message.get_all("To"))


def test_a_subject_stored_with_a_line_break_is_still_one_header(alice, alice_client):
    # The form and the service both flatten subjects; this one was written around them.
    draft = DraftFactory(
        application=ApplicationFactory(owner=alice),
        subject="Hello\r\nBcc: x@example.com",
        recipient="",
    )
    raw = b"".join(
        alice_client.get(reverse("drafts:export_eml", args=[draft.pk])).streaming_content
    )
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert "Bcc" not in message
    assert message["Subject"] == "Hello Bcc: x@example.com"


def test_html_in_the_body_stays_plain_text(alice, alice_client):
    draft = DraftFactory(application=ApplicationFactory(owner=alice), body="<b>Hi</b> & <script>")
    message = parse(alice_client.get(reverse("drafts:export_eml", args=[draft.pk])))
    assert message.get_content_type() == "text/plain"
    assert message.get_content().strip() == "<b>Hi</b> & <script>"


def test_the_txt_is_the_subject_a_blank_line_and_the_body(alice_client, draft):
    response = alice_client.get(reverse("drafts:export_txt", args=[draft.pk]))
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response["Content-Disposition"].endswith('.txt"')
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text == f"{draft.subject}\n\n{draft.body}"


def test_the_mail_app_link_carries_recipient_subject_and_body(alice_client, draft):
    # "Open in mail app" saves the form, then goes on to the mail app.
    response = alice_client.post(
        draft.get_absolute_url(),
        {
            "recipient": draft.recipient,
            "subject": draft.subject,
            "body": draft.body,
            "then": "mailto",
        },
    )
    assert response.status_code == 302
    href = response["Location"]
    parts = urlsplit(href)
    assert parts.scheme == "mailto"
    assert unquote(parts.path) == "anna@aani.example"
    query = parse_qs(parts.query)
    assert query["subject"] == [draft.subject]
    assert query["body"] == [draft.body.replace("\n", "\r\n")]
