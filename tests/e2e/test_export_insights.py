"""In the browser: download the applications CSV, turn the calendar feed on, open the insights."""

import csv
import datetime
import io
import re

import pytest
from playwright.sync_api import expect

from applications.services import application_create
from exports.models import CalendarFeed
from tests.factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def exact(text: str) -> re.Pattern:
    # A required field's label ends in crispy's asterisk.
    return re.compile(rf"^\s*{re.escape(text)}\s*\*?\s*$")


def log_in(page, email: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label(exact("Email")).fill(email)
    page.get_by_label(exact("Password")).fill(PASSWORD)
    page.locator("main").get_by_role("button", name=exact("Log in")).click()
    page.wait_for_url(re.compile(r"/$"))


def test_a_user_downloads_the_applications_csv_and_opens_the_insights(page_for):
    alice = UserFactory(email="alice@example.com")
    bob = UserFactory(email="bob@example.com")
    application_create(
        owner=alice,
        company="Kone Oyj",
        position="Data Engineer",
        applied_on=datetime.date(2025, 1, 2),
    )
    application_create(owner=alice, company="Wolt", position="Backend Developer")
    application_create(owner=bob, company="Bob's Firm", position="Secret")
    page = page_for()
    log_in(page, alice.email)

    page.goto("/data/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    with page.expect_download() as info:
        page.get_by_role("button", name=exact("Applications (CSV)")).click()
    download = info.value
    assert download.suggested_filename.endswith(".csv")
    with open(download.path(), encoding="utf-8-sig") as file:
        rows = list(csv.DictReader(io.StringIO(file.read())))
    assert sorted(r["Company"] for r in rows) == ["Kone Oyj", "Wolt"]
    kone = next(r for r in rows if r["Company"] == "Kone Oyj")
    assert (kone["Position"], kone["Status"], kone["Applied on"]) == (
        "Data Engineer",
        "Applied",
        "2025-01-02",
    )

    page.goto("/data/calendar/")
    page.locator("main").get_by_role("button", name=exact("Turn the feed on")).click()
    address = page.get_by_label(exact("Feed address"))
    expect(address).to_have_value(re.compile(re.escape(CalendarFeed.objects.get().token)))

    page.goto("/insights/")
    expect(page.get_by_role("heading", level=1)).to_have_text(exact("Insights"))
    expect(
        page.get_by_role("img", name=re.compile("Applications that reached each stage"))
    ).to_be_visible()
    funnel = page.get_by_role("table").filter(has_text="Stage")
    expect(funnel.get_by_role("row", name=re.compile("Applied"))).to_contain_text("2")
