"""In the browser: the navigation marks where the person is, switches language (and remembers
it), the list finds Wärtsilä typed without accents, and dates read one way per language."""

import datetime
import re
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from accounts.models import User
from applications.services import application_create, interview_create
from tests.factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, email: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label(re.compile(r"^\s*Email\s*\*?\s*$")).fill(email)
    page.get_by_label(re.compile(r"^\s*Password\s*\*?\s*$")).fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"/$"))


def test_a_person_finds_their_way_searches_and_switches_to_finnish(page_for):
    alice = UserFactory(email="alice@example.com")
    wartsila = application_create(
        owner=alice, company="Wärtsilä Oyj", position="Service Engineer", location="Vaasa"
    )
    application_create(owner=alice, company="Kone Oyj", position="Data Engineer")
    # Ten days from today at 13:00 in Helsinki: upcoming on whatever day the test runs.
    helsinki = ZoneInfo("Europe/Helsinki")
    day = datetime.datetime.now(helsinki).date() + datetime.timedelta(days=10)
    interview_create(
        application=wartsila,
        starts_at=datetime.datetime.combine(day, datetime.time(13, 0), helsinki),
    )
    english = f"{day.day} {day:%b %Y}, 13:00"
    page = page_for()
    log_in(page, alice.email)
    nav = page.locator("header nav")

    nav.get_by_role("link", name="Applications").click()
    expect(nav.locator('[aria-current="page"]')).to_have_text("Applications")
    page.get_by_role("searchbox", name="Search").fill("wartsila")
    page.get_by_role("button", name="Search", exact=True).click()
    rows = page.locator("main table tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Wärtsilä Oyj")
    expect(rows.first).to_contain_text(english)

    rows.first.get_by_role("link", name="Service Engineer").click()
    expect(nav.locator('[aria-current="page"]')).to_have_text("Applications")
    page.get_by_role("link", name=re.compile(re.escape(english))).click()
    expect(nav.locator('[aria-current="page"]')).to_have_text("Interviews")

    nav.get_by_role("button", name="Suomeksi").click()
    expect(page.locator("html")).to_have_attribute("lang", "fi")
    expect(page.get_by_text(f"{day.day}.{day.month}.{day.year} klo 13.00").first).to_be_visible()
    expect(nav.locator('[aria-current="page"]')).to_have_text("Haastattelut")
    assert User.objects.get(pk=alice.pk).language == "fi"
