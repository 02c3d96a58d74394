from django.db import transaction
from django.utils import translation

from accounts.models import User
from applications.services import question_bank_seed


@transaction.atomic
def user_signup(*, email: str, password: str, display_name: str = "", language: str = "") -> User:
    user = User.objects.create_user(email, password, display_name=display_name, language=language)
    # The starter question bank is written in the language the person signed up in.
    with translation.override(language or translation.get_language()):
        question_bank_seed(user=user)
    return user
