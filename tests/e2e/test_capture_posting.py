"""In the browser: the "Save to Seuranta" bookmarklet on a posting of another site lands on the
prefilled new-application form (after logging in, if need be); Save, Back, Save keeps one
application. The help page at phone size in Finnish. "Add from posting URL" from the list."""

import re

import pytest
from playwright.sync_api import expect

from applications.models import Application
from tests.applications.postings.server import running
from tests.e2e.test_never_twice import logged_in_page
from tests.factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def label(text: str) -> re.Pattern:
    return re.compile(rf"^\s*{re.escape(text)}\s*\*?\s*$")


@pytest.fixture
def posting_site():
    """A job board on another site: 127.0.0.1, while Seuranta's live server is localhost."""
    with running() as server:
        server.fixture("/jobs/4711", "jsonld.html")
        yield server


def bookmarklet_href(page) -> str:
    """The link as the help page offers it, as a person would drag it to their bookmarks."""
    page.goto("/applications/save-from-browser/")
    href = page.locator("#bookmarklet").get_attribute("href")
    assert href.startswith("javascript:")
    return href


def click_bookmarklet(page, href: str):
    """What a click on the bookmark does: the link runs on the posting's page. The new tab it
    opens (the form is posted to a new window) is returned once it has loaded."""
    page.evaluate(
        """(href) => {
            const link = document.createElement("a");
            link.id = "the-bookmark";
            link.href = href;
            link.textContent = "Save to Seuranta";
            document.body.append(link);
        }""",
        href,
    )
    with page.context.expect_page() as opened:
        page.locator("#the-bookmark").click()
    tab = opened.value
    tab.wait_for_load_state()
    return tab


def expect_prefilled(tab, posting_url: str) -> None:
    expect(tab).to_have_url(re.compile(r"/applications/new/\?capture=[0-9a-f]{32}$"))
    expect(tab.locator("#capture-notice")).to_be_visible()
    expect(tab.get_by_label(label("Company"))).to_have_value("Vaisala Oyj")
    expect(tab.get_by_label(label("Position"))).to_have_value("Ohjelmistokehittäjä (Python)")
    expect(tab.get_by_label(label("Location"))).to_have_value("Vantaa, FI")
    expect(tab.get_by_label(label("Job posting URL"))).to_have_value(posting_url)
    expect(tab.get_by_label(label("Application deadline"))).to_have_value("2026-12-15")
    expect(tab.get_by_label(label("Advertised salary from"))).to_have_value("3800.00")
    expect(tab.get_by_label(label("Description of the job"))).to_have_value(
        re.compile(r"^Etsimme kehittäjää tiimiimme\.\n\nTehtävät\n\n• Django & Celery")
    )


def test_the_bookmarklet_fills_the_form_and_save_back_save_keeps_one(
    page_for, live_server, posting_site
):
    user = UserFactory(language="en")
    page = logged_in_page(page_for, live_server, user, "en-GB")
    href = bookmarklet_href(page)
    posting_url = posting_site.url("/jobs/4711")
    page.goto(posting_url)

    tab = click_bookmarklet(page, href)

    expect_prefilled(tab, posting_url)
    assert not Application.objects.filter(owner=user).exists()
    # The bookmarklet read the page in the browser: Seuranta never asked the posting's server.
    agents = [headers.get("User-Agent", "") for _path, headers in posting_site.requests]
    assert not any(agent.startswith("Seuranta/") for agent in agents)

    tab.locator("main").get_by_role("button", name=label("Save")).click()
    expect(tab).to_have_url(re.compile(r"/applications/\d+/$"))
    first_url = tab.url
    expect(tab.locator("main")).to_contain_text("Etsimme kehittäjää tiimiimme.")

    tab.go_back()
    expect(tab).to_have_url(re.compile(r"/applications/new/\?capture="))
    tab.locator("main").get_by_role("button", name=label("Save")).click()
    expect(tab).to_have_url(first_url)
    expect(tab.get_by_text("This application was saved already.")).to_be_visible()

    application = Application.objects.get(owner=user)
    assert application.company == "Vaisala Oyj"
    assert application.status == "saved"


def test_a_person_not_logged_in_logs_in_and_comes_back_to_the_prefilled_form(
    page_for, live_server, posting_site
):
    user = UserFactory(email="capture@example.com", language="en")
    page = page_for("en-GB")
    href = bookmarklet_href(logged_in_page(page_for, live_server, user, "en-GB"))
    posting_url = posting_site.url("/jobs/4711")
    page.goto(posting_url)

    tab = click_bookmarklet(page, href)

    expect(tab).to_have_url(re.compile(r"/accounts/login/\?next="))
    tab.get_by_label(label("Email")).fill(user.email)
    tab.get_by_label(label("Password")).fill(PASSWORD)
    tab.locator("main").get_by_role("button", name=label("Log in")).click()
    expect_prefilled(tab, posting_url)
    tab.locator("main").get_by_role("button", name=label("Save")).click()
    expect(tab).to_have_url(re.compile(r"/applications/\d+/$"))
    assert Application.objects.filter(owner=user).count() == 1


def test_the_help_page_at_phone_size_in_finnish(page_for, live_server):
    user = UserFactory(language="fi")
    page = logged_in_page(page_for, live_server, user, "fi-FI")
    page.set_viewport_size(PHONE)

    page.goto("/applications/save-from-browser/")

    expect(page.get_by_role("heading", level=1)).to_have_text("Tallenna ilmoituksia selaimesta")
    expect(page.get_by_role("heading", name="Puhelimella tai tabletilla")).to_be_visible()
    code = page.get_by_label("Kirjanmerkkisovelman koodi")
    expect(code).to_have_value(re.compile(r"^javascript:\(function\(\)\{"))
    expect(page.get_by_role("button", name="Kopioi koodi")).to_be_visible()
    # A click on the bookmarklet here runs nothing and says to drag it instead.
    page.locator("#bookmarklet").click()
    expect(page).to_have_url(re.compile(r"/applications/save-from-browser/$"))
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_add_from_posting_url_from_the_list(page_for, live_server, posting_site, settings):
    from config.celery_app import app

    settings.POSTING_FETCH_ALLOW_PRIVATE = True  # the posting's server is on 127.0.0.1
    before = app.conf.task_always_eager
    app.conf.task_always_eager = True
    try:
        user = UserFactory(language="en")
        page = logged_in_page(page_for, live_server, user, "en-GB")
        page.goto("/applications/")
        page.locator("main").get_by_role("link", name="Add from posting URL").click()
        page.get_by_label(label("Posting URL")).fill(posting_site.url("/jobs/4711"))
        page.locator("main").get_by_role("button", name="Read the posting").click()
        expect_prefilled(page, posting_site.url("/jobs/4711"))
    finally:
        app.conf.task_always_eager = before
    assert not Application.objects.filter(owner=user).exists()
