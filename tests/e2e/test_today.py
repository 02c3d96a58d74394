"""In the browser, at phone size, in English and in Finnish: Today shows a due call with the
number to dial, and Follow up on an application gone quiet plans one check-in, however often
it is pressed."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from applications.services import application_create, interview_create
from followups.models import Followup, Kind, State
from tests.e2e.test_time_zones import log_in
from tests.factories import ContactFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WORDS = {
    "en": {"locale": "en-GB", "due": "Due now", "quiet": "Gone quiet", "follow": "Follow up"},
    "fi": {
        "locale": "fi-FI",
        "due": "Tehtävänä nyt",
        "quiet": "Hiljentyneet",
        "follow": "Kysy perään",
    },
}


def _data(user):
    called = application_create(owner=user, company="Kone Oyj", position="Engineer")
    person = ContactFactory(owner=user, name="Maija Meikäläinen", phone="+358 40 123 4567")
    interview_create(
        application=called,
        interviewers=[person],
        starts_at=timezone.now() - datetime.timedelta(days=5),
    )
    Followup.objects.filter(kind=Kind.CALL).update(
        due_at=timezone.now() - datetime.timedelta(minutes=5),
        next_attempt_at=timezone.now() + datetime.timedelta(days=1),
        state=State.NOTIFIED,
    )
    return application_create(
        owner=user,
        company="Hiljainen Oy",
        position="Analyst",
        applied_on=timezone.localdate() - datetime.timedelta(days=20),
    )


@pytest.mark.parametrize("language", ["en", "fi"])
def test_today_on_a_phone_calls_the_interviewer_and_follows_up_once(browser, live_server, language):
    words = WORDS[language]
    user = UserFactory(email=f"today-{language}@example.com", language=language)
    quiet = _data(user)
    context = browser.new_context(
        locale=words["locale"],
        base_url=live_server.url,
        viewport={"width": 390, "height": 844},
        timezone_id="Europe/Helsinki",
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        log_in(page, user.email)
        page.goto("/")
        due = page.locator("section", has=page.get_by_role("heading", name=words["due"]))
        expect(due.get_by_text("Maija Meikäläinen")).to_be_visible()
        expect(due.locator('a[href="tel:+358401234567"]')).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= 390

        # A second tab on Today, opened before the first one follows up.
        other = context.new_page()
        other.goto("/")

        gone = page.locator("section", has=page.get_by_role("heading", name=words["quiet"]))
        expect(gone.get_by_role("link", name=re.compile("Hiljainen Oy"))).to_be_visible()
        gone.get_by_role("button", name=re.compile(words["follow"])).click()
        expect(page).to_have_url(re.compile(r"/$"))
        expect(gone.get_by_role("link", name=re.compile("Hiljainen Oy"))).to_have_count(0)
        assert Followup.objects.filter(application=quiet, kind=Kind.CHECK_IN).count() == 1

        # The second tab still shows the button; pressing it plans nothing more.
        stale = other.locator("section", has=other.get_by_role("heading", name=words["quiet"]))
        stale.get_by_role("button", name=re.compile(words["follow"])).click()
        expect(other).to_have_url(re.compile(r"/$"))
        expect(stale.get_by_role("link", name=re.compile("Hiljainen Oy"))).to_have_count(0)
        assert Followup.objects.filter(application=quiet, kind=Kind.CHECK_IN).count() == 1
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
    finally:
        context.close()
