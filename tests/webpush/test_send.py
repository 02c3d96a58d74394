"""Sending a push for real, over HTTP, to a stand-in push service on 127.0.0.1.

The stand-in gets what FCM or Mozilla's service would get; the test decrypts it with the
browser's private key and auth secret (RFC 8291, aes128gcm) and checks the VAPID signature
(RFC 8292) with the server's public key, as a push service does.
"""

import json
import logging
import re
import threading
import time

import http_ece
import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, utils

from tests.webpush.standin import decrypt
from webpush import keys
from webpush.keys import b64url_decode
from webpush.models import PushSubscription
from webpush.sender import PushFailed, PushGone, push_send

pytestmark = pytest.mark.django_db

PAYLOAD = {
    "title": "Soita Kone Oyj:lle",
    "body": "Eräpäivä: huomenna",
    "url": "/",
    "tag": "followup-7",
}


def check_signature(token: str, public_key: str) -> dict:
    """The JWT's claims, after checking its ES256 signature with `public_key` (base64url)."""
    header_b64, claims_b64, signature_b64 = token.split(".")
    assert json.loads(b64url_decode(header_b64)) == {"typ": "JWT", "alg": "ES256"}
    signature = b64url_decode(signature_b64)
    assert len(signature) == 64  # JWS ES256: r and s, 32 bytes each
    r, s = int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big")
    key = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), b64url_decode(public_key))
    # Raises InvalidSignature when another key signed it.
    key.verify(
        utils.encode_dss_signature(r, s),
        f"{header_b64}.{claims_b64}".encode(),
        ec.ECDSA(hashes.SHA256()),
    )
    return json.loads(b64url_decode(claims_b64))


def verify_vapid(authorization: str) -> dict:
    """RFC 8292's header: the token signed by the server's key, and that key beside it."""
    match = re.fullmatch(r"vapid t=([^,\s]+),\s*k=([A-Za-z0-9_-]+)", authorization)
    assert match, authorization
    token, public_key = match.groups()
    assert public_key == keys.application_server_key()
    return check_signature(token, keys.application_server_key())


def test_the_push_service_gets_the_payload_encrypted_to_the_browser_and_signed_by_the_server(
    subscription, push_service, browser_keys
):
    push_send(subscription=subscription, payload=PAYLOAD, ttl=3600)

    [received] = push_service.received
    assert received.path == "/push/abc"
    assert received.headers["content-encoding"] == "aes128gcm"
    assert received.headers["ttl"] == "3600"
    assert received.headers["topic"] == "followup-7"
    assert b"Kone" not in received.body  # encrypted, not merely encoded
    assert decrypt(received, browser_keys) == PAYLOAD
    claims = verify_vapid(received.headers["authorization"])
    assert claims["aud"] == push_service.url
    assert claims["sub"] == "mailto:seuranta@example.com"
    assert time.time() < claims["exp"] <= time.time() + 24 * 3600
    subscription.refresh_from_db()
    assert subscription.last_success_at is not None


def test_a_payload_encrypted_for_another_browser_cannot_be_read_with_these_keys(
    subscription, push_service, browser_keys
):
    """The decryption above proves something: another browser's keys fail it."""
    push_send(subscription=subscription, payload=PAYLOAD, ttl=60)
    other = type(browser_keys)(ec.generate_private_key(ec.SECP256R1()), browser_keys.auth_secret)
    with pytest.raises(http_ece.ECEException, match="InvalidTag"):
        decrypt(push_service.received[0], other)


def test_a_signature_by_another_key_fails_the_vapid_check(subscription, push_service):
    """The signature check above proves something: another key does not verify the token."""
    push_send(subscription=subscription, payload=PAYLOAD, ttl=60)
    token = re.search(r"t=([^,]+)", push_service.received[0].headers["authorization"])[1]
    other = ec.generate_private_key(ec.SECP256R1())
    with pytest.raises(InvalidSignature):
        check_signature(token, keys.b64url(keys.public_key_raw(other)))


@pytest.mark.parametrize("status", [404, 410])
def test_a_subscription_the_push_service_calls_gone_is_removed(subscription, push_service, status):
    push_service.status = status
    with pytest.raises(PushGone):
        push_send(subscription=subscription, payload=PAYLOAD, ttl=60)
    assert not PushSubscription.objects.filter(pk=subscription.pk).exists()


@pytest.mark.parametrize("status", [429, 500, 502, 503])
def test_a_busy_or_broken_push_service_is_retried_later_and_the_row_kept(
    subscription, push_service, status
):
    push_service.status = status
    push_service.reply_headers = {"Retry-After": "120"}
    with pytest.raises(PushFailed) as failure:
        push_send(subscription=subscription, payload=PAYLOAD, ttl=60)
    assert failure.value.retryable
    assert failure.value.status == status
    assert failure.value.retry_after == 120
    subscription.refresh_from_db()
    assert subscription.last_success_at is None


@pytest.mark.parametrize("status", [400, 401, 403, 413, 301, 307])
def test_a_refused_message_or_a_redirect_is_not_retried(subscription, push_service, status):
    push_service.status = status
    push_service.reply_headers = {"Location": "http://127.0.0.1:9/internal"}
    with pytest.raises(PushFailed) as failure:
        push_send(subscription=subscription, payload=PAYLOAD, ttl=60)
    assert not failure.value.retryable
    assert failure.value.status == status
    assert len(push_service.received) == 1  # the redirect was not followed
    assert PushSubscription.objects.filter(pk=subscription.pk).exists()


def test_a_push_service_that_refuses_connections_is_retried_later(subscription, push_service):
    subscription.endpoint = "http://127.0.0.1:9/push/abc"  # discard port: nobody listens
    with pytest.raises(PushFailed) as failure:
        push_send(subscription=subscription, payload=PAYLOAD, ttl=60)
    assert failure.value.retryable


def test_a_push_service_that_does_not_answer_times_out_and_is_retried_later(
    subscription, push_service, settings
):
    settings.WEBPUSH_TIMEOUT = 0.5
    push_service.hold = threading.Event()
    started = time.monotonic()
    with pytest.raises(PushFailed) as failure:
        push_send(subscription=subscription, payload=PAYLOAD, ttl=60)
    assert failure.value.retryable
    assert "timed out" in failure.value.message
    assert time.monotonic() - started < 5


def test_no_log_line_or_error_message_holds_the_endpoint_in_full(
    subscription, push_service, caplog
):
    """An endpoint is a capability URL: its path is the browser's secret."""
    subscription.endpoint = push_service.endpoint("s3cr3t-token")
    subscription.save()
    caplog.set_level(logging.DEBUG)
    messages = []
    for status in (500, 403, 410):
        push_service.status = status
        with pytest.raises((PushFailed, PushGone)) as failure:
            push_send(subscription=subscription, payload=PAYLOAD, ttl=60)
        messages.append(failure.value.message)
    subscription.endpoint = "http://127.0.0.1:9/push/s3cr3t-token"
    with pytest.raises(PushFailed) as failure:
        push_send(subscription=subscription, payload=PAYLOAD, ttl=60)
    messages.append(failure.value.message)
    assert caplog.records  # the failures were logged, with the push service's address only
    text = "\n".join([*messages, caplog.text])
    assert "s3cr3t-token" not in text
    assert "http://127.0.0.1/…" in text


def test_a_payload_too_long_for_a_push_is_refused_before_sending(subscription, push_service):
    with pytest.raises(PushFailed) as failure:
        push_send(subscription=subscription, payload={"body": "x" * 5000}, ttl=60)
    assert not failure.value.retryable
    assert push_service.received == []


def test_an_endpoint_that_is_no_longer_allowed_is_not_sent_to(subscription, push_service, settings):
    settings.WEBPUSH_ALLOW_INSECURE_ENDPOINTS = False
    with pytest.raises(PushFailed) as failure:
        push_send(subscription=subscription, payload=PAYLOAD, ttl=60)
    assert not failure.value.retryable
    assert push_service.received == []


def test_a_push_service_name_that_answers_public_then_127_0_0_1_never_reaches_127_0_0_1(
    alice, browser_keys, vapid_settings, push_service, monkeypatch
):
    """DNS rebinding: the endpoint's check saw a public address; pywebpush's own connection is
    checked again and made only to an address that passed."""
    from core import addresses
    from webpush.services import push_subscription_save

    vapid_settings.WEBPUSH_ALLOW_INSECURE_ENDPOINTS = False
    vapid_settings.WEBPUSH_ENDPOINT_HOSTS = ["*"]
    subscription = push_subscription_save(
        owner=alice,
        endpoint="https://push.example.org/wpush/abc",
        p256dh=browser_keys.p256dh,
        auth=browser_keys.auth,
        user_agent="Firefox",
    )
    answers = iter([["93.184.216.34"]])
    monkeypatch.setattr(
        addresses, "resolve_host", lambda host, port, seconds: next(answers, ["127.0.0.1"])
    )
    opened = []
    monkeypatch.setattr(addresses, "_open", lambda address, *args: opened.append(address[0]))

    with pytest.raises(PushFailed) as failure:
        push_send(subscription=subscription, payload=PAYLOAD, ttl=60)

    assert not failure.value.retryable
    assert "not at a public address" in failure.value.message
    assert opened == []
    assert push_service.received == []
