"""In the browser, at phone size: Mark done on the dashboard closes the follow-up, and the cached
section shows it closed at once."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from applications.services import application_create, interview_create
from followups.models import Followup, Kind, State
from tests.e2e.test_drafts import log_in
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_mark_done_on_the_dashboard_closes_the_follow_up_and_the_page_shows_it(
    browser, live_server
):
    user = UserFactory(email="doer@example.com", language="en")
    application = application_create(owner=user, company="Kone Oyj", position="Engineer")
    interview_create(
        application=application, starts_at=timezone.now() - datetime.timedelta(hours=4)
    )
    thank_you = Followup.objects.get(kind=Kind.THANK_YOU)
    Followup.objects.filter(pk=thank_you.pk).update(due_at=timezone.now())
    context = browser.new_context(
        locale="en-GB",
        base_url=live_server.url,
        viewport={"width": 390, "height": 844},
        timezone_id="Europe/Helsinki",
    )
    page = context.new_page()
    try:
        log_in(page, user.email)
        page.goto("/")
        due = page.locator("section", has=page.get_by_role("heading", name="Due now"))
        expect(due.get_by_text("Kone Oyj – Engineer")).to_be_visible()

        due.get_by_role("button", name=re.compile("Mark done")).click()

        expect(page).to_have_url(re.compile(r"/$"))
        expect(page.get_by_text("Nothing is due right now.")).to_be_visible()
        thank_you.refresh_from_db()
        assert thank_you.state == State.DONE
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
    finally:
        context.close()
