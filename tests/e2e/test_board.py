"""In the browser: a card moves on the board by mouse, by keyboard and without JavaScript, and each
move shows on the application's timeline. In a New York browser, at desk and at phone size."""

import re
import time

import pytest
from playwright.sync_api import expect

from applications.models import Application, Status
from applications.services import application_create
from tests.factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESK = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def open_page(browser, live_server):
    contexts = []

    def open_page(*, locale="en-GB", viewport=DESK, javascript=True):
        context = browser.new_context(
            base_url=live_server.url,
            locale=locale,
            timezone_id="America/New_York",
            viewport=viewport,
            java_script_enabled=javascript,
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


def log_in(page, email: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label(re.compile(r"^\s*(Email|Sähköposti)\s*\*?\s*$")).fill(email)
    page.get_by_label(re.compile(r"^\s*(Password|Salasana)\s*\*?\s*$")).fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/$"))


def wait_for_status(application: Application, status: str, seconds: float = 10) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        application.refresh_from_db()
        if application.status == status:
            return
        time.sleep(0.05)
    raise AssertionError(f"{application} is still {application.status}, not {status}")


def column(page, status: str):
    return page.locator(f'[data-board-column][data-status="{status}"]')


def assert_no_sideways_scroll(page, width: int) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_a_card_dragged_with_the_mouse_changes_the_status_on_the_timeline(open_page):
    alice = UserFactory(email="alice@example.com")
    application = application_create(owner=alice, company="Kone Oyj", position="Engineer")
    page = open_page()
    log_in(page, alice.email)

    page.locator("header nav").get_by_role("link", name="Board", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Board")
    assert_no_sideways_scroll(page, DESK["width"])
    card = page.locator(f"#card-{application.pk}")
    expect(column(page, "applied").locator(card)).to_have_count(1)

    card.locator(".card-body > span").first.drag_to(column(page, "interviewing"))

    wait_for_status(application, Status.INTERVIEWING)
    expect(column(page, "interviewing").locator(f"#card-{application.pk}")).to_have_count(1)
    expect(page.locator("#board-announce")).to_contain_text("Interviewing")
    expect(card.locator("[data-board-select]")).to_have_value("interviewing")
    card.get_by_role("link", name="Engineer").click()
    expect(page.locator(".timeline")).to_contain_text("Status: Applied → Interviewing")


def test_a_card_moved_with_the_keyboard_on_a_phone_in_finnish(open_page):
    alice = UserFactory(email="alice@example.com", language="fi")
    application = application_create(owner=alice, company="Wärtsilä Oyj", position="Insinööri")
    page = open_page(locale="fi-FI", viewport=PHONE)
    log_in(page, alice.email)
    page.goto("/board/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Taulu")
    assert_no_sideways_scroll(page, PHONE["width"])

    # Focus the card's menu (its status select), choose Offer with the arrow keys, then Move.
    select = page.get_by_label("Siirrä tilaan").first
    select.focus()
    page.keyboard.press("ArrowDown")  # Haastatteluvaihe
    page.keyboard.press("ArrowDown")  # Tarjous
    expect(select).to_have_value("offer")
    page.keyboard.press("Tab")
    expect(page.locator(f"#card-{application.pk} [data-board-move]")).to_be_focused()
    page.keyboard.press("Enter")

    wait_for_status(application, Status.OFFER)
    card = column(page, "offer").locator(f"#card-{application.pk}")
    expect(card).to_have_count(1)
    # Focus follows the card to its new column.
    expect(card.locator("[data-board-select]")).to_be_focused()
    expect(page.locator("#board-announce")).to_contain_text("Tarjous")
    assert_no_sideways_scroll(page, PHONE["width"])

    page.goto(application.get_absolute_url())
    expect(page.locator(".timeline")).to_contain_text("Tila: Haettu → Tarjous")
    page.go_back()
    expect(column(page, "offer").locator(f"#card-{application.pk}")).to_have_count(1)


def test_a_card_moved_without_javascript_changes_the_status_on_the_timeline(open_page):
    alice = UserFactory(email="alice@example.com")
    application = application_create(owner=alice, company="Fortum", position="Analyst")
    page = open_page(viewport=PHONE, javascript=False)
    log_in(page, alice.email)
    page.goto("/board/")
    assert_no_sideways_scroll(page, PHONE["width"])

    card = page.locator(f"#card-{application.pk}")
    card.get_by_label("Move to").select_option("rejected")
    card.get_by_role("button", name="Move").click()

    expect(page.locator(".messages")).to_contain_text("the status is now “Rejected”")
    wait_for_status(application, Status.REJECTED)
    # The ended statuses fold into one collapsed column; the page's #card-N opens it on the card.
    expect(page).to_have_url(re.compile(f"/board/#card-{application.pk}$"))
    card = column(page, "rejected").locator(f"#card-{application.pk}")
    expect(card).to_be_visible()
    page.goto("/board/")
    expect(page.locator("details.board-ended")).not_to_have_attribute("open", "")
    expect(card).to_be_hidden()
    page.locator("details.board-ended summary").click()
    expect(card).to_be_visible()

    page.get_by_role("link", name="Analyst").click()
    expect(page.locator(".timeline")).to_contain_text("Status: Applied → Rejected")
