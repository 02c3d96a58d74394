import pytest
from django.urls import reverse

from accounts.models import User
from applications.models import BankQuestion
from tests.applications.helpers import assert_error_next_to, assert_kept

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
    assert_error_next_to(response, "email", "already exists")
    assert_kept(response, "display_name", "Impostor")
    assert User.objects.count() == 1


def signup_data(**overrides) -> dict:
    data = {
        "email": "carol@example.com",
        "display_name": "Carol",
        "password1": "a-long-enough-passphrase",
        "password2": "a-long-enough-passphrase",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize(
    ("overrides", "field", "fragment"),
    [
        ({"email": "not-an-email"}, "email", "valid email"),
        ({"email": ""}, "email", "required"),
        ({"password1": "", "password2": ""}, "password1", "required"),
        ({"password2": "something-else-entirely"}, "password2", "didn’t match"),
        ({"password1": "short", "password2": "short"}, "password2", "too short"),
    ],
    ids=["bad-email", "no-email", "no-password", "mismatch", "too-short"],
)
def test_bad_signup_input_is_shown_next_to_its_field_and_creates_nothing(
    client, overrides, field, fragment
):
    response = client.post(reverse("signup"), signup_data(**overrides))
    assert_error_next_to(response, field, fragment)
    assert_kept(response, "display_name", "Carol")
    assert not User.objects.exists()


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


def test_the_login_email_field_is_one_email_input(client):
    import re

    html = client.get(reverse("login")).content.decode()
    (tag,) = re.findall(r'<input[^>]*name="username"[^>]*>', html)
    assert re.findall(r'\stype="([^"]*)"', tag) == ["email"]
