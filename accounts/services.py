from django.db import transaction
from django.utils import translation

from accounts.models import User
from applications.services import question_bank_seed
from followups import policy
from followups.services import followups_resync_user


@transaction.atomic
def user_signup(
    *,
    email: str,
    password: str,
    display_name: str = "",
    language: str = "",
    time_zone: str = "",
    country: str = "",
) -> User:
    """A new account; the time zone and country default to the server's when not given."""
    extra = {
        name: value for name, value in (("time_zone", time_zone), ("country", country)) if value
    }
    user = User.objects.create_user(
        email, password, display_name=display_name, language=language, **extra
    )
    # The starter question bank is written in the language the person signed up in.
    with translation.override(language or translation.get_language()):
        question_bank_seed(user=user)
    return user


@transaction.atomic
def user_preferences_update(*, user: User, **values) -> set[str]:
    """Save the user's preferences; the names of those that changed.

    A changed timing preference (policy.TIMING_FIELDS: delays, quiet hours, time zone, country)
    reschedules the user's pending follow-ups at once; a new display name or language has no
    bearing on when anything is due. Compared with the stored row, not with `user`, which a
    bound form has already changed.
    """
    stored = User.objects.select_for_update().filter(pk=user.pk).values(*values).get()
    changed = {name for name, value in values.items() if stored[name] != value}
    for name in changed:
        setattr(user, name, values[name])
    if changed:
        user.save(update_fields=sorted(changed))
        # Names, delays and quiet hours show on the person's pages: their cached parts go.
        User.data_changed(user.pk)
    if changed & policy.TIMING_FIELDS:
        followups_resync_user(user=user)
    return changed
