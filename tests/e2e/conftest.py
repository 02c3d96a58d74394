"""Browser tests: Playwright drives the system Chromium against pytest-django's live server."""

import os

import pytest

from tests.services import require_chromium

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make around
# it are still plain synchronous code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    executable = require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def page_for(browser, live_server):
    """A fresh browser context per test, with the Accept-Language the test asks for."""
    contexts = []

    def open_page(locale: str = "en-GB"):
        context = browser.new_context(locale=locale, base_url=live_server.url)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()
