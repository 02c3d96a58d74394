import pytest
from django.urls import reverse

from accounts.models import User
from applications.models import BankQuestion

pytestmark = pytest.mark.django_db


def test_signup_creates_account_logs_in_and_seeds_question_bank(client):
    response = client.post(
        reverse("signup"),
        {
            "email": "Carol@Example.com",
            "display_name": "Carol",
            "language": "fi",
            "password1": "a-long-enough-passphrase",
            "password2": "a-long-enough-passphrase",
        },
    )
    assert response.status_code == 302
    user = User.objects.get()
    assert user.email == "carol@example.com"
    assert user.check_password("a-long-enough-passphrase")
    questions = list(BankQuestion.objects.filter(owner=user).values_list("question", flat=True))
    assert len(questions) == 3
    assert client.get(reverse("applications:dashboard")).status_code == 200


def test_second_account_with_same_email_in_other_case_is_refused_and_keeps_input(client, alice):
    response = client.post(
        reverse("signup"),
        {
            "email": "ALICE@example.com",
            "display_name": "Impostor",
            "password1": "a-long-enough-passphrase",
            "password2": "a-long-enough-passphrase",
        },
    )
    assert response.status_code == 200
    assert "already exists" in response.content.decode()
    assert 'value="Impostor"' in response.content.decode()
    assert User.objects.count() == 1


def test_login_ignores_the_case_of_the_email(client, alice):
    response = client.post(
        reverse("login"),
        {"username": "ALICE@EXAMPLE.COM", "password": "correct-horse-battery-staple"},
    )
    assert response.status_code == 302


def test_pages_need_login(client):
    response = client.get(reverse("applications:dashboard"))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]
