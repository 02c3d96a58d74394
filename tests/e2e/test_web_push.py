"""Web push in Chromium, on a phone, in Finnish: "Notify this browser" and the service worker.

What headless Chromium can and cannot do here (found on this machine, Chromium 156):
- pushManager.subscribe() cannot succeed offline. In Playwright's usual (incognito) contexts it
  fails at once with "AbortError: Registration failed - permission denied" (Chrome has no Push API
  in incognito); in a persistent profile it waits for Google's push service (FCM), unreachable
  here, and had not answered after 20 s. So the subscribe flow is tested with the page's script
  up to that call: PushManager.prototype.subscribe is replaced by one that records its options
  and returns a subscription to a stand-in push service on 127.0.0.1 (tests/webpush/standin.py),
  and everything around it is real: the service worker registration, the permission, the
  applicationServerKey, the POST with the CSRF token, the list, "Send test" (a real encrypted
  push to the stand-in) and "Stop notifying this browser". The real subscribe() is called in
  test_a_browser_that_cannot_subscribe_says_so, which checks the page's error message.
- A push event reaches the real service worker through DevTools' ServiceWorker.deliverPushMessage
  (persistent profiles only), and registration.getNotifications() shows what it displayed.
- A notification cannot be clicked from a test: the click handler's function is called in the
  worker instead, with clients.openWindow recorded.
"""

import json
import re
import time

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.conftest import CHROMIUM_ARGS
from tests.e2e.test_time_zones import log_in
from tests.factories import UserFactory
from tests.services import require_chromium
from tests.webpush.standin import decrypt
from webpush import keys
from webpush.models import PushSubscription

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}

# Replaces the two PushManager methods the page calls; the subscription lives in sessionStorage
# so that it outlasts the page's reload, as a real one would.
FAKE_PUSH_MANAGER = """
(() => {
  if (typeof PushManager === "undefined" || typeof sessionStorage === "undefined") return;
  const SUBSCRIPTION = %s;
  function made(stored) {
    return {
      endpoint: stored.json.endpoint,
      options: { userVisibleOnly: true, applicationServerKey: new Uint8Array(stored.key).buffer },
      toJSON() { return stored.json; },
      unsubscribe() {
        sessionStorage.removeItem("fake-push");
        return Promise.resolve(true);
      },
    };
  }
  PushManager.prototype.subscribe = function (options) {
    const key = Array.from(new Uint8Array(options.applicationServerKey));
    const calls = JSON.parse(sessionStorage.getItem("fake-push-calls") || "[]");
    calls.push({ key, userVisibleOnly: options.userVisibleOnly });
    sessionStorage.setItem("fake-push-calls", JSON.stringify(calls));
    const stored = { json: SUBSCRIPTION, key };
    sessionStorage.setItem("fake-push", JSON.stringify(stored));
    return Promise.resolve(made(stored));
  };
  PushManager.prototype.getSubscription = function () {
    const stored = JSON.parse(sessionStorage.getItem("fake-push") || "null");
    return Promise.resolve(stored ? made(stored) : null);
  };
})();
"""


@pytest.fixture
def phone(browser, live_server):
    contexts = []

    def open_page(*, permission: bool = True, init_script: str = ""):
        context = browser.new_context(
            base_url=live_server.url,
            locale="fi-FI",
            timezone_id="Europe/Helsinki",
            viewport=PHONE,
        )
        context.set_default_timeout(10_000)
        if permission:
            context.grant_permissions(["notifications"], origin=live_server.url)
        if init_script:
            context.add_init_script(init_script)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


def test_notify_this_browser_subscribes_sends_a_test_and_stops(
    phone, live_server, push_service, browser_keys, vapid_settings, send_test_worker
):
    alice = UserFactory(email="alice@example.com", language="fi")
    endpoint = push_service.endpoint("puhelin")
    subscription = {
        "endpoint": endpoint,
        "expirationTime": None,
        "keys": {"p256dh": browser_keys.p256dh, "auth": browser_keys.auth},
    }
    page = phone(init_script=FAKE_PUSH_MANAGER % json.dumps(subscription))
    log_in(page, alice.email)
    page.goto(reverse("preferences"))
    section = page.locator("#push")
    expect(section.get_by_role("heading")).to_have_text("Ilmoitukset tässä selaimessa")
    expect(section.get_by_role("button", name="Lopeta ilmoitukset tähän selaimeen")).to_be_hidden()

    section.get_by_role("button", name="Ilmoita tähän selaimeen").click()

    expect(page.get_by_text("Tämä selain näyttää tästä lähtien muistutuksesi.")).to_be_visible()
    stored = PushSubscription.objects.get()
    assert (stored.owner_id, stored.endpoint) == (alice.pk, endpoint)
    assert stored.p256dh == browser_keys.p256dh
    calls = json.loads(page.evaluate("sessionStorage.getItem('fake-push-calls')"))
    assert calls == [
        {"key": list(keys.b64url_decode(keys.application_server_key())), "userVisibleOnly": True}
    ]
    worker = page.evaluate(
        "navigator.serviceWorker.getRegistration().then(r => [r.scope, r.active.scriptURL])"
    )
    assert worker == [f"{live_server.url}/", f"{live_server.url}/sw.js?static=%2Fstatic%2F"]
    # The list marks this browser (by its endpoint's digest) and offers to stop.
    row = section.locator("li", has_text="Chrome (Linux)")
    expect(row.locator("[data-this-browser]")).to_be_visible()
    expect(section.get_by_text("Tämä selain näyttää muistutuksesi.")).to_be_visible()
    expect(section.get_by_role("button", name="Ilmoita tähän selaimeen")).to_be_hidden()
    assert endpoint not in page.content()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    row.get_by_role("button", name="Lähetä testi selaimeen Chrome (Linux)").click()
    # The worker pushes; its page says what the push service answered.
    expect(page.locator("#send-test-outcome")).to_have_text(
        "Lähetetty: ilmoituksen pitäisi näkyä selaimessa Chrome (Linux)."
    )
    [received] = push_service.received
    assert received.path == "/push/puhelin"
    assert decrypt(received, browser_keys)["title"] == "Seurannan testi-ilmoitus"
    page.get_by_role("link", name="Takaisin asetuksiin").click()
    expect(page).to_have_url(re.compile(r"/accounts/preferences/#push$"))

    section.get_by_role("button", name="Lopeta ilmoitukset tähän selaimeen").click()
    expect(page.get_by_text("Tämä selain ei enää näytä muistutuksiasi.")).to_be_visible()
    assert not PushSubscription.objects.exists()
    expect(section.get_by_role("button", name="Ilmoita tähän selaimeen")).to_be_visible()
    # Back: the test's page, its answer still there; once more, the preferences.
    page.go_back()
    expect(page.locator("#send-test-outcome")).to_contain_text("Lähetetty")
    page.go_back()
    expect(page).to_have_url(re.compile(r"/accounts/preferences/$"))


def test_a_browser_that_cannot_subscribe_says_so(phone, vapid_settings):
    """Chromium's own subscribe(), which has no push service to reach here (see above)."""
    alice = UserFactory(email="alice@example.com", language="fi")
    page = phone()
    log_in(page, alice.email)
    page.goto(reverse("preferences"))
    page.get_by_role("button", name="Ilmoita tähän selaimeen").click()
    expect(page.locator("[data-push-status]")).to_contain_text(
        "Tämä selain ei pystynyt ottamaan ilmoituksia käyttöön. (Registration failed"
    )
    expect(page.get_by_role("button", name="Ilmoita tähän selaimeen")).to_be_enabled()
    assert not PushSubscription.objects.exists()


def test_blocked_notifications_are_explained(phone, vapid_settings):
    """A permission request the person does not grant (headless Chromium refuses it)."""
    alice = UserFactory(email="alice@example.com", language="fi")
    page = phone(permission=False)
    log_in(page, alice.email)
    page.goto(reverse("preferences"))
    page.get_by_role("button", name="Ilmoita tähän selaimeen").click()
    expect(page.locator("[data-push-status]")).to_have_text(
        re.compile("Seurannan ilmoitukset on estetty tässä selaimessa")
    )
    assert not PushSubscription.objects.exists()


@pytest.fixture
def profile(browser, live_server, tmp_path):
    """A persistent profile: DevTools delivers push messages only to those."""
    context = browser.browser_type.launch_persistent_context(
        str(tmp_path / "profile"),
        executable_path=require_chromium(),
        headless=True,
        args=CHROMIUM_ARGS,
        base_url=live_server.url,
        locale="fi-FI",
        viewport=PHONE,
    )
    context.set_default_timeout(10_000)
    context.grant_permissions(["notifications"], origin=live_server.url)
    yield context
    context.close()


def test_a_push_shows_a_notification_and_a_second_for_the_same_follow_up_replaces_it(
    profile, live_server
):
    page = profile.new_page()
    page.goto(reverse("login"))  # every page registers the worker (static/js/pwa.js)
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    session = profile.new_cdp_session(page)
    registrations = []
    session.on(
        "ServiceWorker.workerRegistrationUpdated",
        lambda event: registrations.extend(event["registrations"]),
    )
    session.send("ServiceWorker.enable")
    deadline = time.monotonic() + 10
    while not registrations and time.monotonic() < deadline:
        page.wait_for_timeout(50)
    [registration] = registrations

    def push(payload: dict) -> None:
        session.send(
            "ServiceWorker.deliverPushMessage",
            {
                "origin": f"{live_server.url}/",
                "registrationId": registration["registrationId"],
                "data": json.dumps(payload),
            },
        )

    # What the worker has on screen, once it shows `body` (polled: the push event is async).
    shown_within = """async ([body, ms]) => {
      const registration = await navigator.serviceWorker.ready;
      const deadline = Date.now() + ms;
      let list = [];
      while (Date.now() < deadline) {
        list = await registration.getNotifications();
        if (list.some(n => n.body === body)) break;
        await new Promise(resolve => setTimeout(resolve, 50));
      }
      return list.map(n => ({title: n.title, body: n.body, tag: n.tag, data: n.data}));
    }"""

    def push_and_see(payload: dict) -> list[dict]:
        """Deliver the push, and what is on screen once it shows. DevTools has dropped a push
        delivered while a loaded machine was still starting the worker (nothing in 30 s, once
        in CI): it is delivered again then, and a repeat with the same tag replaces, never adds.
        """
        for _ in range(3):
            push(payload)
            notes = page.evaluate(shown_within, [payload["body"], 10_000])
            if any(n["body"] == payload["body"] for n in notes):
                break
        return notes

    payload = {
        "title": "Soita yritykseen Kone Oyj",
        "body": "Data Engineer",
        "url": f"{live_server.url}/followups/7/",
        "tag": "followup-7",
        "lang": "fi",
    }
    assert push_and_see(payload) == [
        {
            "title": "Soita yritykseen Kone Oyj",
            "body": "Data Engineer",
            "tag": "followup-7",
            "data": {"url": f"{live_server.url}/followups/7/"},
        }
    ]
    again = push_and_see({**payload, "body": "Data Engineer, taas"})
    assert [(n["tag"], n["body"]) for n in again] == [("followup-7", "Data Engineer, taas")]
    # Another site's address in a payload is not kept for the click.
    notes = push_and_see(
        {"title": "Huijaus", "body": "x", "url": "https://evil.example/", "tag": "other"}
    )
    other = next(n for n in notes if n["tag"] == "other")
    assert other["data"] == {"url": f"{live_server.url}/"}


def test_a_notification_opens_its_follow_up_on_this_site_only(profile, live_server):
    page = profile.new_page()
    page.goto(reverse("login"))
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    [worker] = profile.service_workers
    opened = worker.evaluate(
        """async (origin) => {
          const opened = [];
          self.clients.openWindow = (url) => { opened.push(url); return Promise.resolve(null); };
          self.clients.matchAll = () => Promise.resolve([]);
          await openFromNotification(origin + "/followups/7/");
          await openFromNotification("https://evil.example/phish");
          await openFromNotification("javascript:alert(1)");
          await openFromNotification(undefined);
          return opened;
        }""",
        live_server.url,
    )
    home = f"{live_server.url}/"
    assert opened == [f"{live_server.url}/followups/7/", home, home, home]


NEVER_ANSWERING_PUSH_SERVICE = """
PushManager.prototype.getSubscription = () => Promise.resolve(null);
PushManager.prototype.subscribe = () => new Promise(() => {});
"""


def test_a_push_service_that_never_answers_is_given_up_on(phone, vapid_settings):
    """Seen in a headless Chromium with the permission granted and no push service in reach:
    "Turning notifications on…" for minutes, with the button disabled. The page now gives up
    after 20 s (the page's clock is run forward) and lets the person try again."""
    alice = UserFactory(email="alice@example.com", language="fi")
    page = phone(init_script=NEVER_ANSWERING_PUSH_SERVICE)
    log_in(page, alice.email)
    page.clock.install()
    page.goto(reverse("preferences"))
    button = page.get_by_role("button", name="Ilmoita tähän selaimeen")
    button.click()
    status = page.locator("[data-push-status]")
    expect(status).to_have_text("Otetaan ilmoituksia käyttöön…")
    expect(button).to_be_disabled()

    page.clock.run_for(19_000)
    expect(status).to_have_text("Otetaan ilmoituksia käyttöön…")
    page.clock.run_for(2_000)
    expect(status).to_have_text(
        "Selaimen ilmoituspalvelu ei vastannut. Tarkista yhteys ja yritä uudelleen."
    )
    expect(button).to_be_enabled()
    assert not PushSubscription.objects.exists()


def test_a_permission_prompt_closed_without_an_answer_is_not_called_blocked(phone, vapid_settings):
    """Closing the prompt leaves the permission at "default": not blocked, ask again."""
    alice = UserFactory(email="alice@example.com", language="fi")
    page = phone(
        permission=False,
        init_script="Notification.requestPermission = () => Promise.resolve('default');",
    )
    log_in(page, alice.email)
    page.goto(reverse("preferences"))
    page.get_by_role("button", name="Ilmoita tähän selaimeen").click()
    expect(page.locator("[data-push-status]")).to_have_text(
        "Ilmoituksia ei sallittu. Paina painiketta uudelleen ja valitse Salli."
    )


def test_a_page_served_over_plain_http_says_https_is_needed(phone, vapid_settings):
    """Seuranta on a LAN address over http: the browser offers no push there at all."""
    alice = UserFactory(email="alice@example.com", language="fi")
    page = phone(
        init_script="Object.defineProperty(window, 'isSecureContext', { get: () => false });"
    )
    log_in(page, alice.email)
    page.goto(reverse("preferences"))
    expect(page.locator("[data-push-status]")).to_contain_text(
        "Ilmoitukset vaativat, että Seuranta on suojatussa https://-osoitteessa"
    )
    expect(page.get_by_role("button", name="Ilmoita tähän selaimeen")).to_be_hidden()
