"""In the browser, on a 390 px phone in Finnish with a New York clock: pages a new user met that
scrolled sideways or squeezed their text now fit. A posting description with a long URL or
word wraps, the templates list stacks into cards, a checkbox's help text sits below its label,
and a refused save of the preferences says so at the top."""

import re

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from applications.services import application_create
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
LONG_WORD = "Tietojärjestelmäasiantuntija" * 5 + "x" * 10  # 150 characters, no break
assert len(LONG_WORD) == 150
LONG_URL = "https://jobs.example.com/postings/" + "a1b2c3d4" * 15


@pytest.fixture
def phone(browser, live_server):
    """A logged-in phone page for a new Finnish user whose browser clock is in New York."""
    contexts = []

    def open_phone(user):
        context = browser.new_context(
            base_url=live_server.url,
            locale="fi-FI",
            timezone_id="America/New_York",
            viewport=PHONE,
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        client = Client()
        client.force_login(user)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
        context.add_cookies(
            [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}]
        )
        return context.new_page()

    yield open_phone
    for context in contexts:
        context.close()


def new_user():
    return UserFactory(language="fi", time_zone="America/New_York", country="US")


def scroll_width(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


def assert_below(page, field: str) -> None:
    """The help text of checkbox `field` is under its label and as wide as the form allows."""
    label = page.locator(f'label[for="id_{field}"]').bounding_box()
    help_text = page.locator(f"#id_{field}_helptext").bounding_box()
    assert help_text["y"] >= label["y"] + label["height"] - 1, (label, help_text)
    assert help_text["width"] > PHONE["width"] / 2, help_text


@pytest.mark.parametrize("length", ["short", "long"])
def test_a_long_word_or_url_in_the_posting_description_wraps_on_a_phone(phone, length):
    user = new_user()
    # Short descriptions show as they are; long ones behind "Show the description".
    padding = "" if length == "short" else "\n\n" + "Tehtävät ja vaatimukset. " * 60
    application = application_create(
        owner=user,
        company="Vaisala Oyj",
        position="Kehittäjä",
        description=f"Hae: {LONG_URL}\n\n{LONG_WORD} on haettavana.{padding}",
    )
    page = phone(user)

    page.goto(application.get_absolute_url())
    if length == "long":
        page.locator(".posting-description summary").click()
    expect(page.get_by_text(LONG_WORD)).to_be_visible()

    assert scroll_width(page) <= PHONE["width"]


def test_the_templates_list_fits_a_phone_with_every_edit_link_on_screen(phone):
    user = new_user()
    page = phone(user)

    page.goto("/drafts/templates/")
    edits = page.locator("main table a", has_text="Muokkaa")
    expect(edits.first).to_be_visible()

    assert scroll_width(page) <= PHONE["width"]
    for index in range(edits.count()):
        box = edits.nth(index).bounding_box()
        assert box["x"] + box["width"] <= PHONE["width"], box


def test_a_checkbox_help_text_sits_below_its_label_on_a_phone(phone):
    user = new_user()
    page = phone(user)

    page.goto("/accounts/preferences/")
    assert_below(page, "apply_by_enabled")
    assert_below(page, "digest_enabled")
    assert scroll_width(page) <= PHONE["width"]

    page.goto("/applications/new/")
    assert_below(page, "not_counted")
    assert scroll_width(page) <= PHONE["width"]


def test_a_refused_save_of_the_preferences_says_so_at_the_top_on_a_phone(phone):
    user = new_user()
    page = phone(user)
    page.goto("/accounts/preferences/")

    page.locator("#id_thank_you_delay_minutes").fill("-5")
    page.locator("main form button[type=submit]").first.click()

    summary = page.get_by_role("alert").filter(has_text="Korjaa alla merkityt kentät.")
    expect(summary).to_be_in_viewport()
    expect(page.locator("#id_thank_you_delay_minutes")).to_have_class(re.compile(r"\bis-invalid\b"))
    user.refresh_from_db()
    assert user.thank_you_delay_minutes == 120
