"""Absolute, signed links for reminder emails: one-click actions, unsubscribe, the draft.

An email is read outside the app, often on another device without a session, so its links carry
their own authority: a signature over exactly what they allow. An action link names one
follow-up, one action and its owner, and expires after ACTION_LINK_MAX_AGE; changing any part
breaks the signature. The views still check the follow-up's current state before acting.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.core import signing
from django.urls import reverse

if TYPE_CHECKING:
    from followups.models import Followup

ACTIONS = frozenset({"done", "snooze"})
# The promise: a reminder's action links work for a week. Long enough for a reminder
# read after a weekend away, short enough that an old forwarded email stops being a key.
ACTION_LINK_MAX_AGE = timedelta(days=7)

# A different salt per purpose, so that a token made for one kind of link is never accepted
# by another, even where the payloads happen to look alike.
_ACTION_SALT = "followups.links.action"
_UNSUBSCRIBE_SALT = "followups.links.unsubscribe"


class LinkError(Exception):
    """A signed link that must not be acted on."""


class LinkInvalid(LinkError):
    """The token was altered, made for another purpose, or is not a token at all."""


class LinkExpired(LinkError):
    """The token is genuine but older than ACTION_LINK_MAX_AGE."""


def _absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def action_token(followup: Followup, action: str) -> str:
    if action not in ACTIONS:
        raise ValueError(f"unknown follow-up link action {action!r}")
    return signing.dumps([followup.pk, action, followup.owner_id], salt=_ACTION_SALT)


def action_url(followup: Followup, action: str) -> str:
    """The absolute URL of a signed one-click link ("done" or "snooze") for a reminder email."""
    token = action_token(followup, action)
    return _absolute(
        reverse(
            "followups:signed_action", kwargs={"pk": followup.pk, "action": action, "token": token}
        )
    )


def read_action_token(token: str) -> tuple[int, str, int]:
    """(followup id, action, owner id) from a token; LinkExpired or LinkInvalid otherwise."""
    try:
        payload = signing.loads(token, salt=_ACTION_SALT, max_age=ACTION_LINK_MAX_AGE)
    except signing.SignatureExpired as exc:
        raise LinkExpired(str(exc)) from None
    except (signing.BadSignature, ValueError, UnicodeError) as exc:
        # ValueError/UnicodeError: a correctly signed but garbled payload cannot happen, but a
        # malformed token can reach the base64/JSON decoding; either way it is not ours.
        raise LinkInvalid(str(exc)) from None
    match payload:
        case [int(followup_id), str(action), int(owner_id)] if action in ACTIONS:
            return followup_id, action, owner_id
    raise LinkInvalid("unexpected payload")


def unsubscribe_token(user) -> str:
    return signing.dumps(user.pk, salt=_UNSUBSCRIBE_SALT)


def unsubscribe_url(user) -> str:
    """The absolute URL that turns the user's reminder emails off (also for List-Unsubscribe).

    It does not expire: an unsubscribe link in an old email must keep working (RFC 8058 and
    common sense). It can only ever turn emails off, so a leaked one does little harm.
    """
    return _absolute(reverse("followups:unsubscribe", kwargs={"token": unsubscribe_token(user)}))


def read_unsubscribe_token(token: str) -> int:
    """The user id from an unsubscribe token; LinkInvalid otherwise."""
    try:
        user_id = signing.loads(token, salt=_UNSUBSCRIBE_SALT)
    except (signing.BadSignature, ValueError, UnicodeError) as exc:
        raise LinkInvalid(str(exc)) from None
    if not isinstance(user_id, int) or isinstance(user_id, bool):
        raise LinkInvalid("unexpected payload")
    return user_id


def draft_url(followup: Followup) -> str:
    """The absolute URL of this follow-up's email or call draft, written on first open.

    The page needs a session (login redirects back here), is owner-filtered, and finds the
    same draft on every visit (drafts.views.draft_for_followup).
    """
    return _absolute(reverse("drafts:for_followup", kwargs={"followup_id": followup.pk}))
