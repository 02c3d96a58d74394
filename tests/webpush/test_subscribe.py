"""Subscribing a browser from the preferences page, and its list of notified browsers.

Every view is POST only, behind the log-in and the CSRF check, and reaches the person's own
browsers only (another person's id is a 404, tests/core/test_lookups.py checks it for all).
"""

import re

import pytest
from django.test import Client
from django.urls import reverse

from tests.send_test import press_send_test, queue_send_test
from tests.webpush.standin import decrypt
from webpush import keys
from webpush.models import PushSubscription
from webpush.services import MAX_BROWSERS_PER_PERSON, push_subscription_save
from webpush.tasks import send_browser_test

pytestmark = pytest.mark.django_db

CHROME_ANDROID = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Mobile Safari/537.36"
)


def subscription_json(endpoint, browser_keys) -> dict:
    """What PushSubscription.toJSON() gives in the browser."""
    return {
        "endpoint": endpoint,
        "expirationTime": None,
        "keys": {"p256dh": browser_keys.p256dh, "auth": browser_keys.auth},
    }


def subscribe(client, body, **headers):
    return client.post(
        reverse("webpush:subscribe"), body, content_type="application/json", **headers
    )


def test_a_browser_subscribes_and_is_listed_by_name_without_its_endpoint(
    alice_client, alice, push_service, browser_keys, vapid_settings
):
    endpoint = push_service.endpoint("s3cr3t-token")
    response = subscribe(
        alice_client, subscription_json(endpoint, browser_keys), HTTP_USER_AGENT=CHROME_ANDROID
    )
    assert response.status_code == 200
    assert response.json() == {"ok": True}
    stored = PushSubscription.objects.get()
    assert (stored.owner, stored.endpoint) == (alice, endpoint)
    assert (stored.p256dh, stored.auth) == (browser_keys.p256dh, browser_keys.auth)

    page = alice_client.get(reverse("preferences")).content.decode()
    assert "This browser will show your reminders." in page  # the view's message
    assert "Chrome on Android" in page
    assert "s3cr3t-token" not in page
    assert f'data-endpoint-digest="{stored.endpoint_digest}"' in page
    assert f'data-key="{keys.application_server_key()}"' in page


def test_the_page_offers_the_buttons_and_its_script_with_no_browser_yet(
    alice_client, vapid_settings
):
    page = alice_client.get(reverse("preferences")).content.decode()
    assert re.search(r"<button[^>]*data-push-subscribe hidden>Notify this browser</button>", page)
    assert "Stop notifying this browser" in page
    assert re.search(r'<script src="/static/js/push\.js" defer>', page)
    assert "Browsers that show your reminders" not in page


def test_subscribing_again_updates_the_keys_of_the_same_row(
    alice_client, push_service, browser_keys, vapid_settings
):
    endpoint = push_service.endpoint()
    subscribe(alice_client, subscription_json(endpoint, browser_keys))
    body = subscription_json(endpoint, browser_keys)
    body["keys"]["auth"] = keys.b64url(b"\x01" * 16)
    assert subscribe(alice_client, body).status_code == 200
    assert PushSubscription.objects.get().auth == body["keys"]["auth"]


def test_a_browser_reaches_only_the_person_who_subscribed_it_last(
    alice, bob_client, bob, push_service, browser_keys, vapid_settings
):
    """Alice logs out of a shared browser and Bob subscribes it: her reminders stop there."""
    push_subscription_save(
        owner=alice,
        endpoint=push_service.endpoint(),
        p256dh=browser_keys.p256dh,
        auth=browser_keys.auth,
    )
    assert (
        subscribe(bob_client, subscription_json(push_service.endpoint(), browser_keys)).status_code
        == 200
    )
    assert list(PushSubscription.objects.values_list("owner", flat=True)) == [bob.pk]


@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        b"[]",
        b'{"endpoint": "http://127.0.0.1:9/push/a"}',
        b'{"endpoint": "http://127.0.0.1:9/push/a", "keys": "x"}',
        b'{"endpoint": "http://127.0.0.1:9/push/a", "keys": {"p256dh": "AAAA", "auth": "AAAA"}}',
        b'{"endpoint": 7, "keys": {"p256dh": null, "auth": null}}',
        # Nested thousands deep, within the size limit: once a RecursionError, a 500.
        b"[" * 4000 + b"]" * 4000,
        b'{"a":' * 1300 + b"1" + b"}" * 1300,
    ],
)
def test_a_subscription_that_cannot_be_used_is_refused(alice_client, vapid_settings, body):
    response = alice_client.post(
        reverse("webpush:subscribe"), body, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["error"]
    assert not PushSubscription.objects.exists()


def test_a_p256dh_that_is_no_point_on_the_curve_is_refused(
    alice_client, browser_keys, vapid_settings
):
    body = subscription_json("http://127.0.0.1:9/push/a", browser_keys)
    body["keys"]["p256dh"] = keys.b64url(b"\x04" + b"\x01" * 64)
    assert subscribe(alice_client, body).status_code == 400


def test_a_person_has_at_most_ten_browsers(alice_client, browser_keys, vapid_settings):
    for number in range(MAX_BROWSERS_PER_PERSON):
        body = subscription_json(f"http://127.0.0.1:9/push/{number}", browser_keys)
        assert subscribe(alice_client, body).status_code == 200
    response = subscribe(alice_client, subscription_json("http://127.0.0.1:9/push/x", browser_keys))
    assert response.status_code == 400
    assert "remove one first" in response.json()["error"]
    assert PushSubscription.objects.count() == MAX_BROWSERS_PER_PERSON


def test_subscribing_needs_the_csrf_token(alice, push_service, browser_keys, vapid_settings):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    body = subscription_json(push_service.endpoint(), browser_keys)
    assert subscribe(client, body).status_code == 403
    assert not PushSubscription.objects.exists()
    client.get(reverse("preferences"))  # sets the CSRF cookie, as the page does
    token = client.cookies["csrftoken"].value
    assert subscribe(client, body, HTTP_X_CSRFTOKEN=token).status_code == 200


def test_subscribing_needs_a_log_in_and_a_post(alice_client, vapid_settings):
    response = Client().post(reverse("webpush:subscribe"), {}, content_type="application/json")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert alice_client.get(reverse("webpush:subscribe")).status_code == 405


def test_stop_notifying_removes_only_the_persons_own_row(
    alice, alice_client, bob, push_service, browser_keys, vapid_settings
):
    endpoint = push_service.endpoint()
    push_subscription_save(
        owner=bob, endpoint=endpoint, p256dh=browser_keys.p256dh, auth=browser_keys.auth
    )
    url = reverse("webpush:unsubscribe")
    alice_client.post(url, {"endpoint": endpoint}, content_type="application/json")
    assert PushSubscription.objects.filter(owner=bob).exists()

    alice_client.force_login(bob)
    assert (
        alice_client.post(url, {"endpoint": endpoint}, content_type="application/json").status_code
        == 200
    )
    assert not PushSubscription.objects.exists()


def test_removing_a_browser_from_the_list(alice_client, subscription):
    response = alice_client.post(reverse("webpush:remove", args=[subscription.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("preferences")
    assert not PushSubscription.objects.exists()


def test_another_persons_browser_is_a_404_and_stays(bob_client, subscription, push_service):
    for name in ("webpush:remove", "webpush:send_test"):
        assert bob_client.post(reverse(name, args=[subscription.pk])).status_code == 404
    assert PushSubscription.objects.filter(pk=subscription.pk).exists()
    assert push_service.received == []


def test_send_test_pushes_to_the_browser_and_says_so(
    alice_client, subscription, push_service, browser_keys
):
    response = press_send_test(alice_client, reverse("webpush:send_test", args=[subscription.pk]))
    body = response.content.decode()
    assert "Sent: a notification should appear on Firefox on Android." in body
    assert f'href="{reverse("preferences")}#push"' in body
    payload = decrypt(push_service.received[0], browser_keys)
    assert payload["title"] == "Seuranta test notification"
    assert payload["url"].endswith(reverse("preferences"))


@pytest.mark.parametrize(
    ("status", "says"),
    [
        (410, "has stopped accepting notifications, so it was removed"),
        (503, "could not be reached; try again later"),
        (403, "refused the notification (403)"),
    ],
)
def test_send_test_reports_what_the_push_service_answered(
    alice_client, subscription, push_service, status, says
):
    push_service.status = status
    response = press_send_test(alice_client, reverse("webpush:send_test", args=[subscription.pk]))
    assert says in response.content.decode()
    assert PushSubscription.objects.filter(pk=subscription.pk).exists() == (status != 410)


def test_a_browser_removed_before_the_worker_ran_gets_no_push(
    alice_client, subscription, push_service
):
    token = queue_send_test(alice_client, reverse("webpush:send_test", args=[subscription.pk]))
    subscription.delete()

    send_browser_test.apply(args=[token])

    page = alice_client.get(reverse("send_test", args=[token])).content.decode()
    assert "This browser is no longer in your list: it was removed." in page
    assert push_service.received == []


def test_the_browsers_page_waits_for_the_worker_naming_the_browser(alice_client, subscription):
    token = queue_send_test(alice_client, reverse("webpush:send_test", args=[subscription.pk]))
    page = alice_client.get(reverse("send_test", args=[token])).content.decode()
    assert "Sending a test notification to Firefox on Android…" in page
    assert f'href="{reverse("preferences")}#push"' in page


@pytest.mark.parametrize(
    ("agent", "label"),
    [
        (CHROME_ANDROID, "Chrome on Android"),
        (
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 "
            "(KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1",
            "Safari on iOS",
        ),
        (
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
            "Edge on Windows",
        ),
        ("", "A browser"),
    ],
)
def test_browsers_are_named_from_their_user_agent(agent, label):
    assert PushSubscription(user_agent=agent).label == label
