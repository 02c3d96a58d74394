"""Every accounts URL that takes an id or a token reaches only its owner's data.

The meta-test fails when a URL with an id or a token is added without a case here.
"""

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import EmailMessage, get_connection
from django.test import Client
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts import urls
from tests.send_test import queue_send_test

pytestmark = pytest.mark.django_db

# URL name → what its parameters name.
URLS_WITH_IDS = {
    "outbox_message": "an email in the local outbox, shown only to the user it was sent to",
    "password_reset_confirm": "a user (uidb64) and a reset token valid for that user only",
    "send_test": "a Send test's page, by its random token, for the person who pressed it only",
    "send_test_status": "the same test's status, for that person's waiting page only",
}


def test_every_url_that_takes_an_id_or_a_token_is_covered():
    with_params = {p.name for p in urls.urlpatterns if p.pattern.converters}
    assert with_params == set(URLS_WITH_IDS)


# --- outbox_message ------------------------------------------------------------------------------


@pytest.fixture
def outbox_dir(settings, tmp_path):
    settings.OUTBOX_DIR = tmp_path / "mail"
    settings.OUTBOX_ENABLED = True
    return settings.OUTBOX_DIR


@pytest.fixture
def alices_message_id(outbox_dir) -> str:
    message = EmailMessage(
        "Private to Alice", "Secret body", "seuranta@localhost", ["alice@example.com"]
    )
    get_connection("accounts.outbox.OutboxEmailBackend").send_messages([message])
    return next(outbox_dir.glob("*.eml")).stem


def test_another_users_outbox_message_is_a_404(bob_client, alices_message_id):
    response = bob_client.get(reverse("outbox_message", args=[alices_message_id]))
    assert response.status_code == 404
    assert b"Secret body" not in response.content


def test_the_recipient_sees_their_outbox_message(alice_client, alices_message_id):
    response = alice_client.get(reverse("outbox_message", args=[alices_message_id]))
    assert response.status_code == 200
    assert b"Secret body" in response.content


def test_an_outbox_message_needs_a_login(client, alices_message_id):
    response = client.get(reverse("outbox_message", args=[alices_message_id]))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


# --- password_reset_confirm ----------------------------------------------------------------------


def reset_url(uid_user, token_user) -> str:
    uidb64 = urlsafe_base64_encode(force_bytes(uid_user.pk))
    return reverse(
        "password_reset_confirm", args=[uidb64, default_token_generator.make_token(token_user)]
    )


def test_a_reset_token_of_another_user_does_not_open_this_users_reset_form(client, alice, bob):
    alice_password = alice.password
    url = reset_url(alice, bob)  # Alice's id with the token Bob got by email

    page = client.get(url, follow=True)
    posted = client.post(
        page.redirect_chain[-1][0] if page.redirect_chain else url,
        {"new_password1": "Hijacked-Passw0rd!", "new_password2": "Hijacked-Passw0rd!"},
    )

    assert page.context["validlink"] is False
    assert posted.status_code == 200
    alice.refresh_from_db()
    assert alice.password == alice_password


def test_a_users_own_reset_token_opens_the_reset_form(client, alice):
    page = client.get(reset_url(alice, alice), follow=True)
    assert page.context["validlink"] is True


@pytest.mark.parametrize("uidb64", ["MTIzNDU2Nzg5MDEyMzQ1Njc4OTAxMjM0NTY3ODkw", "!!", "AA"])
def test_a_reset_link_for_no_user_is_an_invalid_link_not_an_error(client, alice, uidb64):
    url = reverse("password_reset_confirm", args=[uidb64, "abc-123"])
    response = client.get(url, follow=True)
    assert response.status_code == 200
    assert response.context["validlink"] is False


# --- send_test, send_test_status -----------------------------------------------------------------


@pytest.fixture
def alices_test(alice_client) -> str:
    """A Send test Alice pressed (the Email row's), still waiting for the worker."""
    return queue_send_test(alice_client, reverse("notifications:email_test"))


@pytest.mark.parametrize("name", ["send_test", "send_test_status"])
def test_another_users_send_test_is_a_404(alices_test, bob, name):
    client = Client()
    client.force_login(bob)
    response = client.get(reverse(name, args=[alices_test]))
    assert response.status_code == 404
    assert b"alice@example.com" not in response.content


@pytest.mark.parametrize("name", ["send_test", "send_test_status"])
def test_the_person_who_pressed_it_sees_their_send_test(alice_client, alices_test, name):
    response = alice_client.get(reverse(name, args=[alices_test]))
    assert response.status_code == 200
    assert "alice@example.com" in response.content.decode()


@pytest.mark.parametrize("name", ["send_test", "send_test_status"])
def test_a_send_test_needs_a_login(alices_test, name):
    response = Client().get(reverse(name, args=[alices_test]))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
