"""Security headers on every page, and templates that keep working under the strict CSP."""

import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.mail import EmailMultiAlternatives, get_connection
from django.urls import reverse

from tests.test_deploy_checks import BASE_DIR, production_env, with_static


def directives(response) -> dict[str, str]:
    policy = response["Content-Security-Policy"]
    parsed = {}
    for part in policy.split(";"):
        name, _, value = part.strip().partition(" ")
        parsed[name] = value
    return parsed


@pytest.mark.django_db
def test_login_page_sends_a_strict_content_security_policy(client):
    policy = directives(client.get(reverse("login")))
    assert policy["script-src"] == "'self'"
    assert policy["style-src"] == "'self'"
    assert policy["default-src"] == "'self'"
    assert policy["object-src"] == "'none'"
    assert policy["base-uri"] == "'self'"
    assert policy["form-action"] == "'self'"
    assert policy["frame-ancestors"] == "'none'"
    assert "style-src-attr" not in policy
    assert "unsafe" not in " ".join(policy.values())


def test_logged_in_page_sends_the_other_security_headers(alice_client):
    response = alice_client.get(reverse("preferences"))
    assert response.status_code == 200
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert "camera=()" in response["Permissions-Policy"]
    assert "script-src 'self'" in response["Content-Security-Policy"]


def test_debug_error_pages_stay_readable_under_debug(client, settings):
    """Django's technical 404 page is inline CSS; production error pages keep the policy."""
    settings.DEBUG = True
    assert "Content-Security-Policy" not in client.get("/no-such-page/")
    settings.DEBUG = False
    assert "Content-Security-Policy" in client.get("/no-such-page/")


@pytest.fixture
def outbox_message_url(settings, tmp_path, alice):
    settings.OUTBOX_DIR = tmp_path / "mail"
    settings.OUTBOX_ENABLED = True
    message = EmailMultiAlternatives("Reminder", "Text", "seuranta@localhost", [alice.email])
    message.attach_alternative('<p id="styled" style="color: rgb(4, 5, 6)">Hello</p>', "text/html")
    get_connection("accounts.outbox.OutboxEmailBackend").send_messages([message])
    message_id = next(settings.OUTBOX_DIR.glob("*.eml")).stem
    return reverse("outbox_message", args=[message_id])


def test_outbox_message_allows_style_attributes_and_still_no_inline_script(
    alice_client, outbox_message_url
):
    """The email preview inherits the page's policy, and HTML email is styled by attributes."""
    policy = directives(alice_client.get(outbox_message_url))
    assert policy["style-src-attr"] == "'unsafe-inline'"
    assert policy["style-src"] == "'self'"
    assert policy["script-src"] == "'self'"


# Templates rendered in a browser under the policy; emails/ go to mail clients, not browsers.
TEMPLATE_DIRS = [BASE_DIR / "templates", *BASE_DIR.glob("*/templates")]
BROWSER_TEMPLATES = [
    path
    for folder in TEMPLATE_DIRS
    for path in sorted(folder.rglob("*.html"))
    if "emails" not in path.relative_to(folder).parts
]
# The outbox page gets style-src-attr 'unsafe-inline' (see CONTENT_SECURITY_POLICY_PER_VIEW).
STYLE_ATTRIBUTE_ALLOWED: set[str] = set()
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>(?!\s*</script>)", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"<[^>]*\son[a-z]+\s*=", re.IGNORECASE)
STYLE_ATTRIBUTE = re.compile(r"<[^>]*\sstyle\s*=", re.IGNORECASE)
JAVASCRIPT_URL = re.compile(r"""(href|src|action)\s*=\s*["']?\s*javascript:""", re.IGNORECASE)


def template_name(path: Path) -> str:
    for folder in TEMPLATE_DIRS:
        if path.is_relative_to(folder):
            return str(path.relative_to(folder))
    return str(path)


def test_no_template_has_inline_script_event_handlers_or_style_attributes():
    """The browser would refuse them under the policy, so they would silently do nothing."""
    problems = []
    for path in BROWSER_TEMPLATES:
        text = path.read_text()
        name = template_name(path)
        for label, pattern in [
            ("inline <script>", INLINE_SCRIPT),
            ("on…= handler", EVENT_HANDLER),
            ("javascript: URL", JAVASCRIPT_URL),
        ]:
            if pattern.search(text):
                problems.append(f"{name}: {label}")
        if STYLE_ATTRIBUTE.search(text) and name not in STYLE_ATTRIBUTE_ALLOWED:
            problems.append(f"{name}: style= attribute (use a class in static/css/seuranta.css)")
    assert not problems, "\n".join(problems)


def test_production_sends_hsts_secure_cookies_and_redirects_http(tmp_path, collected_static):
    """Run with production environment values in a fresh process, as gunicorn would."""
    script = """
from django.conf import settings
from django.test import Client
client = Client()
page = client.get("/no-such-page/", secure=True, HTTP_HOST="seuranta.example.com")
print("status", page.status_code)
print("hsts", page.get("Strict-Transport-Security"))
print("cookies-secure", settings.SESSION_COOKIE_SECURE, settings.CSRF_COOKIE_SECURE)
plain = client.get("/accounts/login/", HTTP_HOST="seuranta.example.com")
print("http", plain.status_code, plain.get("Location"))
proxied = client.get(
    "/no-such-page/", HTTP_HOST="seuranta.example.com", HTTP_X_FORWARDED_PROTO="https"
)
print("proxied", proxied.status_code, proxied.get("Strict-Transport-Security") is not None)
health = client.get("/healthz", HTTP_HOST="seuranta.example.com")
print("healthz", health.status_code)
"""
    env = production_env(with_static(tmp_path, collected_static), REDIS_URL="")
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-startup", "-v", "0", "-c", script],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    lines = dict(line.split(" ", 1) for line in result.stdout.strip().splitlines())
    assert lines["status"] == "404"
    assert lines["hsts"] == "max-age=31536000; includeSubDomains; preload"
    assert lines["cookies-secure"] == "True True"
    assert lines["http"] == "301 https://seuranta.example.com/accounts/login/"
    # X-Forwarded-Proto from the reverse proxy is trusted: no redirect loop behind it.
    assert lines["proxied"] == "404 True"
    assert lines["healthz"] == "200"  # load balancers probe over plain http: no redirect


@pytest.fixture
def chromium(browser):
    """The session's shared Chromium (tests/conftest.py): one Playwright loop per process."""
    return browser


def open_logged_in(chromium, live_server, client, user):
    client.force_login(user)
    context = chromium.new_context(base_url=live_server.url)
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page = context.new_page()
    violations = []
    page.on("console", lambda message: violations.append(message.text))
    return page, violations


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_pages_render_in_chromium_without_a_policy_violation(chromium, live_server, client, alice):
    page, console = open_logged_in(chromium, live_server, client, alice)
    for url in [reverse("login"), reverse("applications:dashboard"), reverse("preferences")]:
        page.goto(url)
        page.wait_for_load_state("load")
        # Bootstrap's script ran: the collapse plugin is there.
        assert page.evaluate("typeof window.bootstrap === 'object'"), url
    violations = [text for text in console if "Content Security Policy" in text]
    assert violations == []
    page.context.close()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_outbox_email_preview_keeps_its_inline_styles_in_chromium(
    chromium, live_server, client, alice, outbox_message_url
):
    """A srcdoc frame inherits the page's CSP: without style-src-attr the email is unstyled."""
    page, console = open_logged_in(chromium, live_server, client, alice)
    page.goto(outbox_message_url)
    frame = page.frame_locator("iframe")
    color = frame.locator("#styled").evaluate("element => getComputedStyle(element).color")
    assert color == "rgb(4, 5, 6)"
    assert [text for text in console if "Content Security Policy" in text] == []
    page.context.close()
