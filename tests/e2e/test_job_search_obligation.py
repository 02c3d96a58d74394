"""In the browser: a target of 4, three applications this month, "3 of 4" on Today, and the
job-search report downloaded as CSV."""

import datetime
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e.test_drafts import exact, field_label, log_in
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_target_counts_this_months_applications_and_the_report_downloads(
    browser, live_server, tmp_path: Path
):
    user = UserFactory(email="seeker@example.com", display_name="Sami Seeker", language="en")
    context = browser.new_context(
        base_url=live_server.url,
        locale="en-GB",
        timezone_id="Europe/Helsinki",
        viewport={"width": 390, "height": 844},
        accept_downloads=True,
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    log_in(page, user.email)

    page.goto("/accounts/preferences/")
    page.get_by_label(field_label("Applications required")).fill("4")
    page.get_by_role("button", name=exact("Save")).click()
    expect(page.get_by_text("Your preferences were saved.")).to_be_visible()

    today = datetime.datetime.now(user.tzinfo).date().isoformat()
    for company in ("Alfa Oy", "Beta Oy", "Gamma Oy"):
        page.goto("/applications/new/")
        page.get_by_label(field_label("Company")).fill(company)
        page.get_by_label(field_label("Position")).fill("Developer")
        page.get_by_label(field_label("Date applied")).fill(today)
        page.get_by_label(field_label("Source")).fill("TE-palvelut")
        page.locator("main").get_by_role("button", name=exact("Save")).click()
        expect(page.get_by_role("heading", name=re.compile(company))).to_be_visible()

    page.goto("/")
    expect(page.get_by_text("This month: 3 of 4 applications")).to_be_visible()
    expect(page.get_by_text(re.compile(r"\d+ days? left"))).to_be_visible()

    page.locator(".obligation-progress").get_by_role(
        "link", name=exact("Job-search report")
    ).click()
    expect(page.get_by_role("heading", name=exact("Job-search report"))).to_be_visible()
    rows = page.locator("table.report-table tbody tr")
    expect(rows).to_have_count(3)

    with page.expect_download() as download_info:
        page.get_by_role("link", name=exact("Download CSV")).click()
    target = tmp_path / download_info.value.suggested_filename
    download_info.value.save_as(target)
    lines = target.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0].startswith("Employer,Job title,Date applied,How applied")
    assert sorted(line.split(",")[0] for line in lines[1:]) == ["Alfa Oy", "Beta Oy", "Gamma Oy"]
    context.close()
