"""In the browser, the dates are the person's: the date they applied is the proof's date, quiet
hours say when a reminder is held and follow a change, and each language has one date style."""

import datetime
import re
import zoneinfo

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from applications.services import application_create, interview_create
from tests.e2e.test_time_zones import log_in
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NEW_YORK = zoneinfo.ZoneInfo("America/New_York")


@pytest.fixture
def page_in(browser, live_server):
    contexts = []

    def open_page(timezone_id: str = "America/New_York", locale: str = "en-US"):
        context = browser.new_context(
            timezone_id=timezone_id,
            locale=locale,
            base_url=live_server.url,
            viewport={"width": 390, "height": 844},
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


def new_yorker(**fields):
    return UserFactory(
        email="nyc@example.com", language="en", time_zone="America/New_York", country="US", **fields
    )


def test_the_date_applied_typed_later_dates_the_applied_step(page_in):
    user = new_yorker()
    applied = timezone.localdate(timezone=NEW_YORK) - datetime.timedelta(days=10)
    page = page_in()
    log_in(page, user.email)
    page.goto("/applications/new/")
    page.locator("input[name=company]").fill("Kone Oyj")
    page.locator("input[name=position]").fill("Engineer")
    page.locator("select[name=status]").select_option("applied")
    page.locator("input[name=applied_on]").fill(applied.isoformat())
    page.locator("main form button[type=submit]").last.click()
    expect(page).to_have_url(re.compile(r"/applications/\d+/$"))

    shown = f"{applied.day} {applied.strftime('%b')} {applied.year}"
    expect(page.locator("h1 + p")).to_contain_text(f"since {shown}")
    timeline = page.locator("ol.timeline")
    expect(timeline.locator("li", has_text="Added as Applied")).to_contain_text(shown)


def test_a_reminder_held_by_quiet_hours_says_so_and_follows_a_change(page_in):
    user = new_yorker()
    application = application_create(owner=user, company="Kone Oyj", position="Engineer")
    # Tomorrow 19:30-20:30 in New York: the thank-you falls at 22:30, inside 21:00-08:00.
    tomorrow = timezone.localdate(timezone=NEW_YORK) + datetime.timedelta(days=1)
    interview_create(
        application=application,
        starts_at=datetime.datetime.combine(tomorrow, datetime.time(19, 30), tzinfo=NEW_YORK),
        duration_minutes=60,
    )
    page = page_in()
    log_in(page, user.email)
    page.goto("/")
    coming = page.locator("section", has=page.get_by_role("heading", name="Coming up"))
    expect(coming).to_contain_text("Held until 08:00, your quiet hours")

    page.goto("/accounts/preferences/")
    page.locator("input[name=quiet_hours_end]").fill("07:00")
    # The preferences form's own button (the channels section below has forms of its own).
    page.locator("main").get_by_role("button", name="Save", exact=True).click()
    page.goto("/")

    expect(coming).to_contain_text("Held until 07:00, your quiet hours")


@pytest.mark.parametrize(
    ("language", "locale", "pattern"),
    [
        ("en", "en-US", r"\b\d{1,2} [A-Z][a-z]{2} \d{4}, \d{2}:\d{2}\b"),
        ("fi", "fi-FI", r"\b\d{1,2}\.\d{1,2}\.\d{4} klo \d{1,2}\.\d{2}\b"),
    ],
    ids=["english", "finnish"],
)
def test_each_language_writes_dates_one_way(page_in, language, locale, pattern):
    user = new_yorker(display_name="N. Y.")
    user.language = language
    user.save()
    application = application_create(owner=user, company="Kone Oyj", position="Engineer")
    interview_create(application=application, starts_at=timezone.now() + datetime.timedelta(days=2))
    page = page_in(locale=locale)
    log_in(page, user.email)
    for url in ("/", application.get_absolute_url()):
        page.goto(url)
        stamps = page.locator("main time").all_inner_texts()
        with_time = [s for s in stamps if re.search(r"\d{1,2}[:.]\d{2}", s)]
        assert with_time, url
        for stamp in with_time:
            assert re.search(pattern, stamp), (url, stamp)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
