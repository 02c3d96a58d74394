import pytest
from django.core.mail import EmailMultiAlternatives, get_connection
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.fixture
def outbox_dir(settings, tmp_path):
    settings.OUTBOX_DIR = tmp_path / "mail"
    settings.OUTBOX_ENABLED = True
    return settings.OUTBOX_DIR


def send(to: str, subject: str, html: str | None = None) -> None:
    connection = get_connection("accounts.outbox.OutboxEmailBackend")
    message = EmailMultiAlternatives(subject, f"Body of {subject}", "seuranta@localhost", [to])
    if html:
        message.attach_alternative(html, "text/html")
    connection.send_messages([message])


def test_outbox_lists_only_my_emails_newest_first(alice_client, outbox_dir):
    send("alice@example.com", "First for Alice")
    send("bob@example.com", "For Bob")
    send("alice@example.com", "Second for Alice")
    response = alice_client.get(reverse("outbox"))
    page = response.content.decode()
    assert "For Bob" not in page
    assert page.index("Second for Alice") < page.index("First for Alice")


def test_outbox_message_shows_text_and_sandboxed_html(alice_client, outbox_dir):
    send("alice@example.com", "Reminder", html="<p>Hello <b>Alice</b></p>")
    message_id = next(outbox_dir.glob("*.eml")).stem
    response = alice_client.get(reverse("outbox_message", args=[message_id]))
    page = response.content.decode()
    assert "Body of Reminder" in page
    assert 'sandbox="allow-popups' in page
    assert "&lt;b&gt;Alice&lt;/b&gt;" in page  # the HTML travels escaped inside srcdoc


def test_another_users_email_is_a_404(bob_client, outbox_dir):
    send("alice@example.com", "Private to Alice")
    message_id = next(outbox_dir.glob("*.eml")).stem
    assert bob_client.get(reverse("outbox_message", args=[message_id])).status_code == 404


@pytest.mark.parametrize("message_id", ["..", ".hidden", "nonexistent"])
def test_odd_message_ids_are_a_404(alice_client, outbox_dir, message_id):
    assert alice_client.get(reverse("outbox_message", args=[message_id])).status_code == 404


def test_outbox_is_off_when_smtp_is_configured(alice_client, settings):
    settings.OUTBOX_ENABLED = False
    assert alice_client.get(reverse("outbox")).status_code == 404


def test_the_outbox_shows_when_a_message_was_sent_in_the_users_time_zone(alice_client, outbox_dir):
    """Sent at 10:00 UTC in January: 12:00 for alice in Helsinki."""
    import datetime

    import time_machine

    with time_machine.travel(datetime.datetime(2026, 1, 15, 10, 0, tzinfo=datetime.UTC)):
        send("alice@example.com", "Timed")
    message = alice_client.get(reverse("outbox")).context["emails"][0]
    assert message.date == datetime.datetime(2026, 1, 15, 10, 0, tzinfo=datetime.UTC)
    assert "15 Jan 2026, 12:00" in alice_client.get(reverse("outbox")).content.decode()


def test_the_outbox_opens_only_my_mails_not_three_thousand_of_other_users(
    alice_client, outbox_dir, monkeypatch
):
    """Each user's mails are listed apart: the page parses alice's 2, not bob's 3 000."""
    import email

    connection = get_connection("accounts.outbox.OutboxEmailBackend")
    connection.send_messages(
        EmailMultiAlternatives(f"Reminder {n}", "Body", "seuranta@localhost", [f"u{n}@example.com"])
        for n in range(3000)
    )
    send("alice@example.com", "First for Alice")
    send("alice@example.com", "Second for Alice")
    parsed = []
    parse = email.message_from_bytes

    def counting_parse(*args, **kwargs):
        parsed.append(1)
        return parse(*args, **kwargs)

    monkeypatch.setattr(email, "message_from_bytes", counting_parse)
    emails = alice_client.get(reverse("outbox")).context["emails"]
    assert [m.subject for m in emails] == ["Second for Alice", "First for Alice"]
    assert len(parsed) == 2
    parsed.clear()
    assert alice_client.get(reverse("outbox_message", args=[emails[0].id])).status_code == 200
    assert len(parsed) == 1


def test_mails_from_before_the_per_user_lists_still_show_to_their_owner_only(
    alice_client, outbox_dir
):
    """An outbox written before the lists existed is listed once, on first use."""
    import shutil

    send("alice@example.com", "Older for Alice")
    send("bob@example.com", "Older for Bob")
    shutil.rmtree(outbox_dir / "by-recipient")
    page = alice_client.get(reverse("outbox")).content.decode()
    assert "Older for Alice" in page
    assert "Older for Bob" not in page
    assert (outbox_dir / "by-recipient" / ".complete").exists()


def test_a_bcc_or_cc_recipient_sees_the_mail_too_and_names_do_not_matter(alice_client, outbox_dir):
    connection = get_connection("accounts.outbox.OutboxEmailBackend")
    message = EmailMultiAlternatives(
        "Copied",
        "Body",
        "seuranta@localhost",
        ["Bob <bob@example.com>"],
        cc=["Alice Example <Alice@Example.com>"],
    )
    connection.send_messages([message])
    assert [m.subject for m in alice_client.get(reverse("outbox")).context["emails"]] == ["Copied"]
