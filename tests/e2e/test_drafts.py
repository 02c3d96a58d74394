"""In the browser: generate a feedback request, edit it, save it, download it as .eml."""

import datetime
import email
import email.policy
import re
import zoneinfo
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.factories import PASSWORD, ApplicationFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HELSINKI = zoneinfo.ZoneInfo("Europe/Helsinki")


def exact(text: str) -> re.Pattern:
    return re.compile(rf"^\s*{re.escape(text)}\s*$")


def field_label(text: str) -> re.Pattern:
    # The log-in form may still mark required fields with a "*" inside the label.
    return re.compile(rf"^\s*{re.escape(text)}\s*\*?\s*$")


def log_in(page, email_address: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label(field_label("Email")).fill(email_address)
    page.get_by_label(field_label("Password")).fill(PASSWORD)
    page.locator("main").get_by_role("button", name=exact("Log in")).click()
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))


def test_a_feedback_request_is_generated_edited_saved_and_downloaded(page_for, tmp_path: Path):
    user = UserFactory(email="drafter@example.com", display_name="Dora Drafter", language="en")
    application = ApplicationFactory(owner=user, company="Yhtiö Ääni Oy", position="Tester")

    page = page_for("en-GB")
    log_in(page, user.email)
    # Log the interview in the browser, then ask for the draft from the interview's page.
    page.goto(application.get_absolute_url())
    page.locator("main").get_by_role("link", name=exact("Log interview")).first.click()
    page.get_by_label(field_label("Starts at")).fill("2026-03-12T10:00")
    page.get_by_label(field_label("Interviewer name")).first.fill("Anna Virtanen")
    page.get_by_label(field_label("Interviewer email")).first.fill("anna@aani.example")
    page.locator("main").get_by_role("button", name=exact("Save")).click()
    expect(page.get_by_text("The interview was logged.")).to_be_visible()
    interview = application.interviews.get()
    assert interview.starts_at == datetime.datetime(2026, 3, 12, 10, 0, tzinfo=HELSINKI)
    page.locator("main").get_by_role("button", name=exact("Request feedback")).click()

    subject = page.get_by_label(exact("Subject"))
    body = page.get_by_label(exact("Body"))
    expect(subject).to_have_value("Feedback on my interview – Tester, Yhtiö Ääni Oy")
    expect(body).to_have_value(re.compile(r"Dear Anna Virtanen,.*12 March 2026", re.DOTALL))
    expect(page.get_by_label(exact("Language"))).to_have_value("en")

    subject.fill("Palautetta haastattelusta – Yhtiö Ääni Oy")
    body.fill("Hei Anna,\n\nmitä voisin tehdä paremmin?\n\nTerveisin\nDora")
    page.locator("main").get_by_role("button", name=exact("Save")).click()
    expect(page.get_by_text("Draft saved.")).to_be_visible()
    expect(body).to_have_value("Hei Anna,\n\nmitä voisin tehdä paremmin?\n\nTerveisin\nDora")

    with page.expect_download() as download_info:
        page.get_by_role("button", name=exact("Download .eml")).click()
    download = download_info.value
    assert download.suggested_filename.startswith("yhtio-aani-oy-feedback-request-2026-03-12")
    assert download.suggested_filename.endswith(".eml")
    target = tmp_path / "draft.eml"
    download.save_as(target)
    message = email.message_from_bytes(target.read_bytes(), policy=email.policy.default)
    # Django folds a long encoded subject onto a continuation line; the parser keeps its space.
    assert message["Subject"].lstrip() == "Palautetta haastattelusta – Yhtiö Ääni Oy"
    # The contact's name with the address, one quoted mailbox (core.mail).
    (to,) = message["To"].addresses
    assert (to.display_name, to.addr_spec) == ("Anna Virtanen", "anna@aani.example")
    assert message["X-Unsent"] == "1"
    assert message.get_content_charset() == "utf-8"
    assert (
        message.get_content()
        .replace("\r\n", "\n")
        .startswith("Hei Anna,\n\nmitä voisin tehdä paremmin?")
    )

    # The mail-app button saves first too, then opens the mailto: link (tests/drafts).
    expect(page.get_by_role("button", name=exact("Open in mail app"))).to_be_visible()

    # The copy button appears once the script runs (it is hidden without JavaScript).
    expect(page.locator("main").get_by_role("button", name=exact("Copy"))).to_be_visible()
