"""In a browser in New York: sign-up takes its time zone, Snooze lands where the rules say, and
a browser whose clock differs from the account's is offered a switch."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import User
from followups import policy
from followups.models import Followup, Kind, State
from tests.factories import PASSWORD, ApplicationFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def page_in(browser, live_server):
    """A page in a fresh context with the browser's own time zone and language."""
    contexts = []

    def open_page(timezone_id: str, locale: str = "en-US"):
        context = browser.new_context(
            timezone_id=timezone_id, locale=locale, base_url=live_server.url
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


def log_in(page, email_address: str) -> None:
    page.goto("/accounts/login/")
    page.locator("input[name=username]").fill(email_address)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))


@pytest.mark.parametrize(
    ("locale", "summary"),
    [("en-US", "United States"), ("fi-FI", "Yhdysvallat")],
    ids=["english", "finnish"],
)
def test_signing_up_in_new_york_gives_the_account_new_york_time_and_us_holidays(
    page_in, locale, summary
):
    page = page_in("America/New_York", locale)
    page.goto("/accounts/signup/")
    line = page.locator("#time-zone-summary")
    expect(line).to_be_visible()
    expect(line).to_contain_text("America/New_York")
    expect(line).to_contain_text(summary)
    # The lists wait behind "change"; it shows them, already set.
    expect(page.locator("#time-zone-fields")).to_be_hidden()
    line.get_by_role("button").click()
    expect(page.locator("select[name=time_zone]")).to_have_value("America/New_York")
    expect(page.locator("select[name=country]")).to_have_value("US")

    page.locator("input[name=email]").fill(f"newyorker-{locale.lower()}@example.com")
    page.locator("input[name=password1]").fill("a-long-enough-passphrase")
    page.locator("input[name=password2]").fill("a-long-enough-passphrase")
    page.locator("main form button[type=submit]").click()
    expect(page).not_to_have_url(re.compile(r"/accounts/signup/"))

    user = User.objects.get(email=f"newyorker-{locale.lower()}@example.com")
    assert (user.time_zone, user.country) == ("America/New_York", "US")
    # The account's zone is the browser's: no notice offers a switch.
    expect(page.locator("#time-zone-notice")).to_be_hidden()


def test_snoozing_from_the_followup_page_lands_on_a_business_day_at_the_call_time(page_in):
    user = UserFactory(email="snoozer@example.com", language="en")
    due = timezone.now() - datetime.timedelta(hours=1)
    followup = Followup.objects.create(
        owner=user,
        application=ApplicationFactory(owner=user, company="Kone Oyj"),
        kind=Kind.CALL,
        state=State.NOTIFIED,
        due_at=due,
        next_attempt_at=due,
    )
    page = page_in("Europe/Helsinki")
    log_in(page, user.email)
    page.goto(followup.get_absolute_url())
    page.locator("main").get_by_role("button", name=re.compile(r"^\s*Next business day")).click()
    expect(
        page.get_by_text(re.compile(r"Snoozed: Follow-up call for Kone Oyj, now due"))
    ).to_be_visible()

    followup.refresh_from_db()
    assert followup.state == State.SCHEDULED
    local = followup.due_at.astimezone(user.tzinfo)
    assert local.time() == user.call_time
    assert policy.is_business_day(local.date(), user.country)
    assert local.date() > timezone.localdate(timezone=user.tzinfo)


def test_a_browser_in_another_time_zone_is_offered_a_switch(page_in):
    user = UserFactory(email="traveller@example.com", language="en")
    assert user.time_zone == "Europe/Helsinki"

    at_home = page_in("Europe/Helsinki")
    log_in(at_home, user.email)
    expect(at_home.locator("main h1")).to_be_visible()
    expect(at_home.locator("#time-zone-notice")).to_be_hidden()

    away = page_in("America/New_York")
    log_in(away, user.email)
    notice = away.locator("#time-zone-notice")
    expect(notice).to_be_visible()
    expect(notice).to_contain_text("Your browser is in America/New_York")
    notice.get_by_role("button", name="Switch to my browser's time zone").click()
    expect(away.get_by_text("Your time zone is now America/New_York.")).to_be_visible()
    expect(away.locator("#time-zone-notice")).to_be_hidden()
    user.refresh_from_db()
    assert user.time_zone == "America/New_York"
