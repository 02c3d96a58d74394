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
    assert "01/15/2026 noon" in alice_client.get(reverse("outbox")).content.decode()
