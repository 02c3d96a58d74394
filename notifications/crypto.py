"""Encryption at rest for the secrets Seuranta must read back, such as notification channel URLs.

Fernet (AES-128-CBC with an HMAC-SHA256 over it, from `cryptography`) with keys derived by HKDF
from CHANNELS_KEY, or from SECRET_KEY when CHANNELS_KEY is empty. A `purpose` goes into the
derivation, so each kind of secret has its own key and a token made for one purpose never opens
as another (web push keys, say, can use purpose="webpush").

Rotation: encryption uses the first key; decryption tries every key, so the old SECRET_KEY kept
in SECRET_KEY_FALLBACKS (or the old CHANNELS_KEY in CHANNELS_KEY_FALLBACKS) still reads what it
wrote. A secret written under a key that is gone cannot be read: decrypt() raises Unreadable,
and the caller asks the person to enter it again. That is the price of rotating SECRET_KEY
without CHANNELS_KEY and without the fallback; README says so.
"""

from __future__ import annotations

import base64
import functools

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

# Fixed: changing it changes every derived key (and makes every stored secret unreadable).
_SALT = b"seuranta.notifications.crypto"


class Unreadable(Exception):
    """The token was written with a key Seuranta no longer has, or is not a token at all."""


def _secrets() -> tuple[str, ...]:
    """The secrets keys are derived from, the one to encrypt with first."""
    if settings.CHANNELS_KEY:
        return (settings.CHANNELS_KEY, *settings.CHANNELS_KEY_FALLBACKS)
    return (settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS)


@functools.lru_cache(maxsize=32)
def _fernet(secret: str, purpose: str) -> Fernet:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=_SALT, info=purpose.encode()).derive(
        secret.encode()
    )
    return Fernet(base64.urlsafe_b64encode(key))


def _keys(purpose: str) -> MultiFernet:
    return MultiFernet([_fernet(secret, purpose) for secret in _secrets()])


def encrypt(plaintext: str, *, purpose: str) -> str:
    """The text encrypted under the current key: ASCII, safe to store in a text column."""
    return _keys(purpose).encrypt(plaintext.encode()).decode("ascii")


def decrypt(token: str, *, purpose: str) -> str:
    """The text back; Unreadable if no key Seuranta has opens it."""
    try:
        return _keys(purpose).decrypt(token.encode("ascii")).decode()
    except (InvalidToken, UnicodeError, ValueError):
        # The exception says nothing about the text; neither does this one.
        raise Unreadable("the secret cannot be decrypted with the keys configured") from None
