"""The VAPID key: from the settings, or generated once into var/ and the same ever after."""

import stat
import subprocess
import sys
import threading

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.core.exceptions import ImproperlyConfigured

from tests.test_deploy_checks import BASE_DIR, production_env
from webpush import checks, keys

# The cache cleared around every test lives in the database (tests/conftest.py).
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_keys(vapid_settings):
    keys._vapid.cache_clear()
    yield
    keys._vapid.cache_clear()


def raw_private(key: ec.EllipticCurvePrivateKey) -> str:
    return keys.b64url(key.private_numbers().private_value.to_bytes(32, "big"))


P384_PEM = (
    ec.generate_private_key(ec.SECP384R1())
    .private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    .decode()
)


def test_a_key_is_generated_once_into_var_readable_by_its_owner_only(vapid_settings):
    first = keys.application_server_key()
    path = vapid_settings.VAR_DIR / "vapid_private.pem"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    pem = path.read_bytes()
    assert pem.startswith(b"-----BEGIN PRIVATE KEY-----")

    keys._vapid.cache_clear()  # as a new process would start
    assert keys.application_server_key() == first
    assert path.read_bytes() == pem
    assert [p.name for p in vapid_settings.VAR_DIR.iterdir()] == ["vapid_private.pem"]


def test_the_public_key_is_an_uncompressed_p256_point_in_base64url():
    raw = keys.b64url_decode(keys.application_server_key())
    assert len(raw) == 65 and raw[0] == 4
    ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), raw)


def test_a_key_file_already_there_is_used(vapid_settings):
    key = ec.generate_private_key(ec.SECP256R1())
    (vapid_settings.VAR_DIR / "vapid_private.pem").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    assert keys.application_server_key() == keys.b64url(keys.public_key_raw(key))


def test_processes_starting_at_once_all_end_up_with_the_same_one_key(tmp_path):
    """Each round, eight threads find no file at the same moment; one key wins for all."""
    for round_ in range(10):
        path = tmp_path / f"round{round_}" / "vapid_private.pem"
        barrier = threading.Barrier(8)
        results = []

        def start(path=path, barrier=barrier, results=results):
            barrier.wait()
            results.append(keys.load_or_create_key_file(path))

        threads = [threading.Thread(target=start) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert len(results) == 8
        assert len(set(results)) == 1
        assert results[0] == path.read_bytes()
        assert [p.name for p in path.parent.iterdir()] == ["vapid_private.pem"]


@pytest.mark.parametrize("form", ["raw", "pem", "der"])
def test_a_key_from_the_settings_is_used_and_nothing_is_written(vapid_settings, form):
    key = ec.generate_private_key(ec.SECP256R1())
    vapid_settings.VAPID_PRIVATE_KEY = {
        "raw": lambda: raw_private(key),
        "pem": lambda: key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ).decode(),
        "der": lambda: keys.b64url(
            key.private_bytes(
                serialization.Encoding.DER,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        ),
    }[form]()
    vapid_settings.VAPID_PUBLIC_KEY = keys.b64url(keys.public_key_raw(key))
    assert keys.application_server_key() == vapid_settings.VAPID_PUBLIC_KEY
    assert list(vapid_settings.VAR_DIR.iterdir()) == []
    assert checks.vapid_settings(None) == []


def test_a_public_key_that_does_not_match_the_private_key_is_refused(vapid_settings):
    vapid_settings.VAPID_PRIVATE_KEY = raw_private(ec.generate_private_key(ec.SECP256R1()))
    vapid_settings.VAPID_PUBLIC_KEY = keys.b64url(
        keys.public_key_raw(ec.generate_private_key(ec.SECP256R1()))
    )
    with pytest.raises(ImproperlyConfigured, match="VAPID_PUBLIC_KEY"):
        keys.vapid()
    assert [error.id for error in checks.vapid_settings(None)] == ["webpush.E002"]


@pytest.mark.parametrize(
    ("private", "public"),
    [("not a key", ""), ("", "BPublicOnly"), (P384_PEM, "")],
    ids=["garbage", "public-only", "wrong-curve"],
)
def test_unusable_key_settings_stop_the_start(vapid_settings, private, public):
    vapid_settings.VAPID_PRIVATE_KEY = private
    vapid_settings.VAPID_PUBLIC_KEY = public
    assert [error.id for error in checks.vapid_settings(None)] == ["webpush.E002"]


@pytest.mark.parametrize("subject", ["seuranta@example.com", "http://example.com", "mailto:"])
def test_a_subject_push_services_would_refuse_stops_the_start(vapid_settings, subject):
    vapid_settings.VAPID_SUBJECT = subject
    assert [error.id for error in checks.vapid_settings(None)] == ["webpush.E001"]


@pytest.mark.parametrize(
    "subject", ["mailto:jobs@example.com", "https://seuranta.example.com", "https://h:8443/x"]
)
def test_a_mailto_or_https_subject_is_accepted(vapid_settings, subject):
    vapid_settings.VAPID_SUBJECT = subject
    assert checks.vapid_settings(None) == []


def test_production_settings_take_the_subject_from_the_sender_address(tmp_path):
    """DEFAULT_FROM_EMAIL as deploy/seuranta.env.example has it, with a display name."""
    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "shell",
            "-v",
            "0",
            "-c",
            "from django.conf import settings; print(settings.VAPID_SUBJECT)",
        ],
        cwd=BASE_DIR,
        env=production_env(tmp_path, DEFAULT_FROM_EMAIL="Seuranta <jobs@example.com>"),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "mailto:jobs@example.com"
