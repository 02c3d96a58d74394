"""The VAPID key pair (RFC 8292) that signs every push, so push services know it is us.

From the settings VAPID_PRIVATE_KEY (and VAPID_PUBLIC_KEY, checked against it) when they are set;
otherwise generated once into var/vapid_private.pem and read from there afterwards. Browsers
subscribe with the public key (the page's applicationServerKey) and push services refuse pushes
signed by any other key, so the key must not change: a new key silently orphans every browser
subscribed with the old one. Several machines must therefore share it through the settings, not
each generate their own under var/.
"""

import base64
import contextlib
import functools
import os
import re
import tempfile
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from py_vapid import Vapid02

KEY_FILE_NAME = "vapid_private.pem"
# What push services accept as the JWT's "sub" (RFC 8292 §2.1): a mailto: or an https: URL.
SUBJECT_RE = re.compile(r"^(mailto:[^@\s]+@[^@\s]+|https://[^\s/]+(/\S*)?)$")


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    """base64url with or without padding; binascii.Error (a ValueError) when it is not."""
    return base64.b64decode(text + "=" * (-len(text) % 4), altchars=b"-_", validate=True)


def public_key_raw(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )


def parse_private_key(text: str) -> ec.EllipticCurvePrivateKey:
    """A P-256 private key as PEM, base64url DER or the base64url 32-byte scalar that
    `vapid --gen` and the web-push tools of other languages print."""
    text = text.strip()
    try:
        if text.startswith("-----BEGIN"):
            key = serialization.load_pem_private_key(text.encode(), password=None)
        else:
            raw = b64url_decode("".join(text.split()))
            if len(raw) == 32:
                key = ec.derive_private_key(int.from_bytes(raw, "big"), ec.SECP256R1())
            else:
                key = serialization.load_der_private_key(raw, password=None)
    except ValueError as error:
        raise ImproperlyConfigured(f"VAPID_PRIVATE_KEY is not a private key: {error}") from None
    if not isinstance(key, ec.EllipticCurvePrivateKey) or key.curve.name != "secp256r1":
        raise ImproperlyConfigured("VAPID_PRIVATE_KEY must be an EC key on the P-256 curve.")
    return key


def key_file() -> Path:
    return Path(settings.VAR_DIR) / KEY_FILE_NAME


def load_or_create_key_file(path: Path) -> bytes:
    """The PEM in `path`, written first if there is none yet.

    Two processes starting at once (gunicorn's workers, the Celery worker) may both find no file.
    Each writes a complete key to a private temporary file (mkstemp: mode 0600) and links it to
    the final name; link() never replaces an existing name, so exactly one key wins and every
    process reads that one. A reader never sees a half-written file, which an O_EXCL create
    followed by a write would show it between the two.
    """
    try:
        return path.read_bytes()
    except FileNotFoundError:
        pass
    key = ec.generate_private_key(ec.SECP256R1())
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=".vapid-", suffix=".pem")
    try:
        with os.fdopen(descriptor, "wb") as file:
            file.write(pem)
            file.flush()
            os.fsync(file.fileno())
        # Another process got there first when the name exists: its key is the key.
        with contextlib.suppress(FileExistsError):
            os.link(temporary, path)
    finally:
        os.unlink(temporary)
    return path.read_bytes()


@functools.cache
def _vapid(private_setting: str, public_setting: str, path: str) -> Vapid02:
    if private_setting:
        key = parse_private_key(private_setting)
        if public_setting and public_setting.strip() != b64url(public_key_raw(key)):
            raise ImproperlyConfigured(
                "VAPID_PUBLIC_KEY is not the public key of VAPID_PRIVATE_KEY: leave it unset, "
                "it is derived from the private key."
            )
    elif public_setting:
        raise ImproperlyConfigured("VAPID_PUBLIC_KEY is set without VAPID_PRIVATE_KEY.")
    else:
        key = parse_private_key(load_or_create_key_file(Path(path)).decode())
    # Our own check of the subject (subject()) replaces py_vapid's, which refuses https URLs
    # with a port or a path.
    return Vapid02(key, conf={"no-strict": True})


def vapid() -> Vapid02:
    """The signing key, the same one for the life of the process (settings are read once per
    combination, so tests that override them get theirs)."""
    return _vapid(settings.VAPID_PRIVATE_KEY, settings.VAPID_PUBLIC_KEY, str(key_file()))


def application_server_key() -> str:
    """The public key in the form PushManager.subscribe() takes: base64url, uncompressed point."""
    return b64url(public_key_raw(vapid().private_key))


def subject() -> str:
    value = settings.VAPID_SUBJECT
    if not SUBJECT_RE.match(value):
        raise ImproperlyConfigured(
            f"VAPID_SUBJECT={value!r} must be a mailto: address or an https:// URL."
        )
    return value
