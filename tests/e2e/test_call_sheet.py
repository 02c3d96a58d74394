"""In the browser: the call sheet on a phone, feedback closing its request, and a draft edited
then downloaded (without pressing Save) keeping the edit."""

import datetime
import email
import email.policy
import re
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from applications.models import Status
from applications.services import (
    application_create,
    application_set_status,
    contact_find_or_create,
    interview_create,
)
from followups.models import Followup, Kind, State
from tests.e2e.test_drafts import exact, field_label, log_in
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def phone_page(browser, live_server):
    context = browser.new_context(
        locale="en-GB", base_url=live_server.url, viewport=PHONE, is_mobile=True, has_touch=True
    )
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


def interviewed(user, *, days_ago: int = 1):
    """An application at Kone Oyj with an interview with Maija some days ago, as logged."""
    application = application_create(
        owner=user,
        company="Kone Oyj",
        position="Data Engineer",
        applied_on=timezone.localdate() - datetime.timedelta(days=20),
    )
    maija, _ = contact_find_or_create(
        owner=user,
        name="Maija Meikäläinen",
        email="maija.meikalainen@kone.example",
        phone="+358 40 123 4567",
        role="Head of Data Platform Engineering",
    )
    interview_create(
        application=application,
        starts_at=(timezone.now() - datetime.timedelta(days=days_ago)).replace(
            second=0, microsecond=0
        ),
        interviewers=[maija],
    )
    return application


def wait_for_state(followup: Followup, state: str, seconds: float = 5.0) -> None:
    deadline = timezone.now() + datetime.timedelta(seconds=seconds)
    while timezone.now() < deadline:
        followup.refresh_from_db()
        if followup.state == state:
            return
    assert followup.state == state


def test_the_call_sheet_on_a_phone_has_everything_for_the_call(phone_page):
    user = UserFactory(email="caller@example.com", display_name="Kalle Soittaja", language="en")
    application = interviewed(user)
    call = Followup.objects.get(application=application, kind=Kind.CALL)
    assert call.state == State.SCHEDULED

    page = phone_page
    log_in(page, user.email)
    page.goto(call.get_absolute_url())

    main = page.locator("main")
    expect(main.get_by_text("Maija Meikäläinen").first).to_be_visible()
    expect(main.get_by_text("Head of Data Platform Engineering")).to_be_visible()
    phone = main.locator('a[href="tel:+358401234567"]')
    expect(phone).to_be_visible()
    expect(phone).to_contain_text("+358 40 123 4567")
    expect(main.locator('a[href="mailto:maija.meikalainen@kone.example"]')).to_be_visible()
    expect(main.get_by_role("link", name="Data Engineer – Kone Oyj")).to_be_visible()
    script = main.locator("#call-script-text")
    expect(script).to_be_visible()
    expect(script).to_contain_text("Maija")
    expect(main).not_to_contain_text("Attempts to send")
    # No sideways scrolling on a phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    # The script's own page is for reading and printing: nobody to address, no email export.
    main.get_by_role("link", name=exact("Write your own version")).click()
    expect(page.get_by_label(exact("Body"))).to_be_visible()
    expect(page.get_by_label(exact("To"))).to_have_count(0)
    expect(main.get_by_role("button", name=exact("Download .eml"))).to_have_count(0)
    expect(main.get_by_role("button", name=exact("Open in mail app"))).to_have_count(0)
    expect(main.get_by_role("button", name=exact("Print call script"))).to_be_visible()
    expect(main.get_by_role("button", name=exact("Copy"))).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_adding_feedback_closes_the_feedback_request(page_for):
    user = UserFactory(email="feedback@example.com", language="en")
    application = interviewed(user, days_ago=5)
    application_set_status(application=application, status=Status.REJECTED)
    request = Followup.objects.get(application=application, kind=Kind.FEEDBACK)
    assert request.state == State.SCHEDULED

    page = page_for("en-GB")
    log_in(page, user.email)
    page.goto(application.get_absolute_url())
    page.locator("main").get_by_role("link", name=exact("Add feedback")).click()
    page.get_by_label(field_label("Feedback")).fill("Strong on SQL; show more of the pipelines.")
    page.locator("main").get_by_role("button", name=exact("Save")).click()
    expect(page.get_by_text("The feedback was saved.")).to_be_visible()
    wait_for_state(request, State.DONE)

    page.goto(request.get_absolute_url())
    expect(page.locator("main").get_by_text("Done", exact=True).first).to_be_visible()


def test_a_thank_you_edited_then_downloaded_keeps_the_edit_and_marks_sent(page_for, tmp_path: Path):
    user = UserFactory(email="thanks@example.com", display_name="Dora Drafter", language="en")
    application = interviewed(user, days_ago=0)
    thanks = Followup.objects.get(application=application, kind=Kind.THANK_YOU)

    page = page_for("en-GB")
    log_in(page, user.email)
    page.goto(thanks.get_absolute_url())
    page.locator("main").get_by_role("link", name=exact("Write the draft: Thank-you email")).click()
    body = page.get_by_label(exact("Body"))
    expect(body).to_have_value(re.compile("Maija"))
    body.fill("Hei Maija,\n\nkiitos tämänpäiväisestä haastattelusta!\n\nDora")

    # Straight to the download, without pressing Save.
    with page.expect_download() as download_info:
        page.locator("main").get_by_role("button", name=exact("Download .eml")).click()
    target = tmp_path / "thanks.eml"
    download_info.value.save_as(target)
    message = email.message_from_bytes(target.read_bytes(), policy=email.policy.default)
    assert message.get_content().replace("\r\n", "\n").startswith("Hei Maija,\n\nkiitos")

    page.reload()
    expect(page.get_by_label(exact("Body"))).to_have_value(re.compile("tämänpäiväisestä"))
    page.locator("main").get_by_role("button", name=exact("Mark as sent")).click()
    expect(page.get_by_text("Marked as sent")).to_be_visible()
    wait_for_state(thanks, State.DONE)
