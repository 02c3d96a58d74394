"""The bookmarklet's endpoint and its help page: what the browser sends prefills the form, for
the person who opens it; nothing is fetched and nothing is written before Save."""

import json
import re
from html.parser import HTMLParser
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from django.test import Client
from django.urls import reverse

from applications.models import Application
from applications.postings import fetch
from applications.postings.bookmarklet import bookmarklet_href
from tests.applications.postings.server import PAGES
from tests.factories import UserFactory

FROM_PAGE = reverse("applications:posting_from_page")
NEW = reverse("applications:application_create")
HELP = reverse("applications:bookmarklet")


def jsonld_of(name: str) -> list[str]:
    html = (PAGES / name).read_text(encoding="utf-8")
    return re.findall(r'<script type="application/ld\+json"[^>]*>(.*?)</script>', html, re.S)


def sent(**fields) -> dict:
    data = {
        "url": "https://jobs.example/posting/4711?utm_source=x",
        "title": "Ohjelmistokehittäjä | Työpaikkapörssi",
        "jsonld": jsonld_of("jsonld.html"),
        "meta": json.dumps({"og:site_name": "Työpaikkapörssi"}),
        "selection": "",
    }
    data.update(fields)
    return data


@pytest.fixture
def no_fetching(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("the bookmarklet's path fetched a page")

    monkeypatch.setattr(fetch, "fetch_page", refuse)


@pytest.fixture
def browser_client():
    """A browser on the posting's site: the cross-site POST carries no CSRF token and no
    session cookie (SameSite=Lax)."""
    return Client(enforce_csrf_checks=True)


def capture_url(response) -> str:
    assert response.status_code == 303
    location = response["Location"]
    assert urlsplit(location).path == NEW
    return location


def test_a_person_not_logged_in_logs_in_and_comes_back_to_the_prefilled_form(
    browser_client, alice, no_fetching
):
    location = capture_url(browser_client.post(FROM_PAGE, sent()))

    login = browser_client.get(location)
    assert login.status_code == 302
    login_url = urlsplit(login["Location"])
    assert login_url.path == reverse("login")
    assert parse_qs(login_url.query)["next"] == [location]

    browser_client.force_login(alice)
    response = browser_client.get(location)
    form = response.context["form"]
    assert form["company"].value() == "Vaisala Oyj"
    assert form["position"].value() == "Ohjelmistokehittäjä (Python)"
    assert form["posting_url"].value() == "https://jobs.example/posting/4711?utm_source=x"
    assert form["apply_by"].value() == "2026-12-15"
    assert form["source"].value() == "Työpaikkapörssi"
    # The form that saves is a normal one, with its CSRF token.
    assert 'name="csrfmiddlewaretoken"' in response.content.decode()
    assert not Application.objects.exists()


def test_the_capture_is_the_first_opener_s_alone(browser_client, alice, bob, no_fetching):
    location = capture_url(browser_client.post(FROM_PAGE, sent()))
    browser_client.force_login(alice)
    assert browser_client.get(location).context["form"]["company"].value() == "Vaisala Oyj"

    other = Client()
    other.force_login(bob)
    response = other.get(location)
    assert "This captured posting is no longer here" in response.content.decode()
    assert response.context["form"]["company"].value() in (None, "")


def test_a_logged_in_person_whose_cookie_came_along_owns_the_capture_at_once(
    alice, alice_client, no_fetching
):
    location = capture_url(alice_client.post(FROM_PAGE, sent()))
    assert alice_client.get(location).context["form"]["company"].value() == "Vaisala Oyj"


def test_saving_writes_one_application_and_only_then(alice_client, alice, no_fetching):
    location = capture_url(alice_client.post(FROM_PAGE, sent()))
    assert not Application.objects.exists()
    form = alice_client.get(location).context["form"]
    data = {name: form[name].value() or "" for name in form.fields}
    alice_client.post(location, data)
    alice_client.post(location, data)
    application = Application.objects.get(owner=alice)
    assert application.description.startswith("Etsimme kehittäjää")


def test_a_page_without_json_ld_gives_its_title_and_the_selected_text(alice_client, no_fetching):
    location = capture_url(
        alice_client.post(
            FROM_PAGE,
            sent(jsonld=[], title="Cook wanted", selection="We need a cook.\nEvenings."),
        )
    )
    form = alice_client.get(location).context["form"]
    assert form["position"].value() == "Cook wanted"
    assert form["description"].value() == "We need a cook.\nEvenings."


def test_broken_json_ld_from_the_browser_is_said_so(alice_client, no_fetching):
    location = capture_url(alice_client.post(FROM_PAGE, sent(jsonld=["{not json"])))
    assert "is not valid JSON" in alice_client.get(location).content.decode()


@pytest.mark.parametrize(
    ("url", "kept"),
    [
        ("file:///home/me/job.html", ""),
        ("javascript:alert(1)", ""),
        ("https://jobs.example/1#apply", "https://jobs.example/1#apply"),
        ("https://jobs.example/1?" + "x=1&" * 200, "https://jobs.example/1"),
    ],
)
def test_only_a_web_address_of_the_page_is_kept(alice_client, url, kept, no_fetching):
    location = capture_url(alice_client.post(FROM_PAGE, sent(url=url)))
    assert alice_client.get(location).context["form"]["posting_url"].value() == kept


def test_oversized_and_odd_values_are_no_error(alice_client, no_fetching):
    data = sent(
        jsonld=["x" * 600_000, "y" * 600_000, *jsonld_of("jsonld.html")],
        title="T" * 5000,
        meta="[not an object]",
        selection="s" * 100_000,
    )
    location = capture_url(alice_client.post(FROM_PAGE, data))
    assert alice_client.get(location).status_code == 200


def test_json_nested_thousands_deep_is_refused_like_broken_json_not_a_server_error(
    browser_client, alice, no_fetching
):
    """Sent with no log-in (the endpoint is CSRF-exempt): it once raised RecursionError, a 500."""
    deep = "[" * 50_000 + "]" * 50_000
    location = capture_url(browser_client.post(FROM_PAGE, sent(jsonld=[deep], meta=deep)))
    browser_client.force_login(alice)
    response = browser_client.get(location)
    assert response.status_code == 200
    assert "is not valid JSON" in response.content.decode()


def test_the_endpoint_takes_only_posts(client):
    assert client.get(FROM_PAGE).status_code == 405


def test_captures_are_limited_per_address(browser_client, monkeypatch, no_fetching):
    from applications.views import postings

    monkeypatch.setattr(postings, "PAGE_LIMIT", 2)
    codes = [browser_client.post(FROM_PAGE, sent()).status_code for _ in range(3)]
    assert codes == [303, 303, 429]


# --- The help page ---------------------------------------------------------------------------


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs: dict[str, str] = {}
        self.textareas: list[str] = []
        self._in_textarea = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("id"):
            self.hrefs[attrs["id"]] = attrs.get("href", "")
        self._in_textarea = tag == "textarea"

    def handle_data(self, data):
        if self._in_textarea:
            self.textareas.append(data)

    def handle_endtag(self, tag):
        self._in_textarea = False


def test_the_help_page_holds_the_bookmarklet_for_this_server(alice_client):
    response = alice_client.get(HELP)
    assert response.status_code == 200
    links = _Links()
    links.feed(response.content.decode())
    endpoint = "http://testserver" + FROM_PAGE
    # What the browser reads from the attribute, after the template's escaping.
    assert links.hrefs["bookmarklet"] == bookmarklet_href(endpoint)
    assert links.hrefs["bookmarklet"].startswith("javascript:(function(){")
    code = unquote(links.hrefs["bookmarklet"].removeprefix("javascript:"))
    assert f'form.action="{endpoint}"' in code
    assert links.textareas == [bookmarklet_href(endpoint)]
    # The page itself keeps the strict policy: the link runs on postings, never here.
    assert "script-src 'self'" in response["Content-Security-Policy"]


def test_the_help_page_is_in_finnish_too(client):
    client.force_login(UserFactory(language="fi"))
    html = client.get(HELP).content.decode()
    assert "Tallenna Seurantaan" in html
    assert "Puhelimella tai tabletilla" in html
