"""A stand-in push service on 127.0.0.1 and a browser's keys, for sending pushes for real.

The stand-in answers every POST with the status the test asks for and keeps what it received,
so a test can decrypt the body with the browser's private key as the browser would.
"""

import http.server
import json
import os
import threading
from dataclasses import dataclass, field

import http_ece
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from webpush.keys import b64url
from webpush.models import PushSubscription
from webpush.services import push_subscription_save


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class PushService:
    url: str
    received: list[Received] = field(default_factory=list)
    status: int = 201
    reply_headers: dict[str, str] = field(default_factory=dict)
    # Set to hold every answer until released (a push service that does not answer).
    hold: threading.Event | None = None

    def endpoint(self, token: str = "abc") -> str:
        return f"{self.url}/push/{token}"


@pytest.fixture
def push_service():
    service = PushService(url="")

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length)
            service.received.append(
                Received(self.path, {k.lower(): v for k, v in self.headers.items()}, body)
            )
            if service.hold is not None:
                service.hold.wait(10)
            self.send_response(service.status)
            for name, value in service.reply_headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    service.url = f"http://127.0.0.1:{server.server_address[1]}"
    yield service
    if service.hold is not None:
        service.hold.set()
    server.shutdown()
    server.server_close()


@dataclass
class BrowserKeys:
    """What a browser makes when it subscribes: a P-256 key pair and a 16-byte auth secret."""

    private_key: ec.EllipticCurvePrivateKey
    auth_secret: bytes

    @property
    def p256dh(self) -> str:
        return b64url(
            self.private_key.public_key().public_bytes(
                serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
            )
        )

    @property
    def auth(self) -> str:
        return b64url(self.auth_secret)


@pytest.fixture
def browser_keys() -> BrowserKeys:
    return BrowserKeys(ec.generate_private_key(ec.SECP256R1()), os.urandom(16))


@pytest.fixture
def vapid_settings(settings, tmp_path):
    """A key of the test's own under a temporary var/, and local endpoints allowed."""
    settings.VAR_DIR = tmp_path
    settings.VAPID_PRIVATE_KEY = ""
    settings.VAPID_PUBLIC_KEY = ""
    settings.VAPID_SUBJECT = "mailto:seuranta@example.com"
    settings.WEBPUSH_ALLOW_INSECURE_ENDPOINTS = True
    return settings


@pytest.fixture
def subscription(alice, push_service, browser_keys, vapid_settings) -> PushSubscription:
    return push_subscription_save(
        owner=alice,
        endpoint=push_service.endpoint(),
        p256dh=browser_keys.p256dh,
        auth=browser_keys.auth,
        user_agent="Mozilla/5.0 (Android 14; Mobile; rv:133.0) Gecko/133.0 Firefox/133.0",
    )


def decrypt(received: Received, browser_keys: BrowserKeys) -> dict:
    """The JSON the browser reads from a push, decrypted as the browser does (RFC 8291)."""
    plain = http_ece.decrypt(
        received.body,
        private_key=browser_keys.private_key,
        auth_secret=browser_keys.auth_secret,
        version="aes128gcm",
    )
    return json.loads(plain)
