"""The server POSTs only to push services: no endpoint makes it call into its own network."""

import socket

import pytest
from django.urls import reverse

from webpush.endpoints import EndpointRefused, EndpointUnresolved, check_endpoint, redact
from webpush.models import PushSubscription

# The cache cleared around every test lives in the database (tests/conftest.py).
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def production_rules(settings):
    settings.WEBPUSH_ALLOW_INSECURE_ENDPOINTS = False


@pytest.fixture
def resolves_to(monkeypatch):
    def answer(*addresses):
        def getaddrinfo(host, port, *args, **kwargs):
            if not addresses:
                raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, port)) for a in addresses]

        monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)

    return answer


@pytest.mark.parametrize(
    "endpoint",
    [
        "https://fcm.googleapis.com/fcm/send/cXz:APA91b",
        "https://updates.push.services.mozilla.com/wpush/v2/gAAAAA",
        "https://web.push.apple.com/QGuQyavXutnMcuz",
        "https://wns2-db5p.notify.windows.com/w/?token=BQYAAA",
        "https://FCM.googleapis.com./fcm/send/x",
    ],
)
def test_the_browsers_push_services_are_accepted(endpoint):
    assert check_endpoint(endpoint) == endpoint


@pytest.mark.parametrize(
    "endpoint",
    [
        "http://fcm.googleapis.com/fcm/send/x",  # not https
        "https://127.0.0.1/push",
        "https://10.0.0.5/admin/reset",
        "https://[::1]/x",
        "https://169.254.169.254/latest/meta-data/",  # cloud metadata
        "https://0x7f000001/x",
        "https://2130706433/x",
        "https://localhost/x",
        "https://seuranta.internal/x",
        "https://fcm.googleapis.com.evil.example/x",
        "https://evilfcm.googleapis.com/x",
        "https://user:pass@fcm.googleapis.com/x",
        "https://fcm.googleapis.com:8443/x",
        "https://fcm.googleapis.com:99999/x",
        "https://fcm.googleapis.com/x#fragment",
        "https://fcm.googleapis.com/ä",
        "https://fcm.googleapis.com/x y",
        "https://fcm.googleapis.com/" + "x" * 2000,
        "file:///etc/passwd",
        "javascript:alert(1)",
        "",
        None,
        ["https://fcm.googleapis.com/x"],
    ],
)
def test_other_addresses_are_refused(endpoint):
    with pytest.raises(EndpointRefused):
        check_endpoint(endpoint)


def test_when_sending_a_push_service_name_must_resolve_to_public_addresses_only(
    resolves_to,
):
    endpoint = "https://fcm.googleapis.com/fcm/send/x"
    resolves_to("142.250.74.10")
    assert check_endpoint(endpoint, resolve=True) == endpoint
    for private in ("10.1.2.3", "127.0.0.1", "169.254.169.254", "::ffff:127.0.0.1", "fd00::1"):
        resolves_to("142.250.74.10", private)
        with pytest.raises(EndpointRefused):
            check_endpoint(endpoint, resolve=True)
    resolves_to()
    with pytest.raises(EndpointUnresolved):
        check_endpoint(endpoint, resolve=True)


@pytest.mark.parametrize("address", ["64:ff9b::7f00:1", "2002:7f00:1::", "::127.0.0.1"])
def test_a_push_service_name_resolving_to_loopback_in_an_ipv6_wrapping_is_refused(
    resolves_to, address
):
    """NAT64, 6to4 and IPv4-compatible forms of 127.0.0.1 were counted as public."""
    resolves_to(address)
    with pytest.raises(EndpointRefused):
        check_endpoint("https://fcm.googleapis.com/fcm/send/x", resolve=True)


def test_any_host_may_be_allowed_but_still_only_public_ones(settings, resolves_to):
    settings.WEBPUSH_ENDPOINT_HOSTS = ["*"]
    endpoint = "https://push.example.org/x"
    assert check_endpoint(endpoint) == endpoint
    resolves_to("10.0.0.5")
    with pytest.raises(EndpointRefused):
        check_endpoint(endpoint, resolve=True)
    with pytest.raises(EndpointRefused):
        check_endpoint("https://10.0.0.5/x")


def test_the_tests_setting_lets_a_local_stand_in_through(settings):
    settings.WEBPUSH_ALLOW_INSECURE_ENDPOINTS = True
    assert check_endpoint("http://127.0.0.1:8080/push/abc", resolve=True)
    with pytest.raises(EndpointRefused):
        check_endpoint("file:///etc/passwd")


def test_a_log_line_shows_the_push_service_not_the_browsers_token():
    assert redact("https://fcm.googleapis.com/fcm/send/SECRET") == "https://fcm.googleapis.com/…"


def test_subscribing_an_internal_address_is_refused_and_nothing_stored(alice_client, browser_keys):
    response = alice_client.post(
        reverse("webpush:subscribe"),
        {
            "endpoint": "https://169.254.169.254/latest/meta-data/",
            "keys": {"p256dh": browser_keys.p256dh, "auth": browser_keys.auth},
        },
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "push service" in response.json()["error"]
    assert not PushSubscription.objects.exists()
