import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_password_reset_link_by_email_sets_a_new_password(client, alice, mailoutbox):
    response = client.post(reverse("password_reset"), {"email": "ALICE@example.com"})
    assert response.status_code == 302
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == ["alice@example.com"]
    assert "\n" not in message.subject
    link = re.search(r"https?://[^/\s]+(/accounts/password/reset/\S+/)", message.body).group(1)
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    response = client.post(
        form_page.redirect_chain[-1][0] if form_page.redirect_chain else link,
        {"new_password1": "a-brand-new-passphrase", "new_password2": "a-brand-new-passphrase"},
    )
    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.check_password("a-brand-new-passphrase")


def test_password_reset_for_unknown_address_sends_nothing_and_reveals_nothing(client, mailoutbox):
    response = client.post(reverse("password_reset"), {"email": "nobody@example.com"})
    assert response.status_code == 302
    assert mailoutbox == []


def test_password_change_needs_the_old_password(alice_client, alice):
    response = alice_client.post(
        reverse("password_change"),
        {
            "old_password": "wrong",
            "new_password1": "a-brand-new-passphrase",
            "new_password2": "a-brand-new-passphrase",
        },
    )
    assert response.status_code == 200
    assert "old_password" in response.context["form"].errors
    alice.refresh_from_db()
    assert not alice.check_password("a-brand-new-passphrase")
