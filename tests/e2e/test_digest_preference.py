"""In the browser, on a phone in Finnish: the morning digest turned on in the preferences, with
its time, and the next day's reminders then come as one digest instead of each on its own."""

import datetime
import re
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from accounts.models import User
from followups.digest import send_digests
from followups.models import Kind
from tests.factories import PASSWORD, UserFactory, followup_of_kind

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def field(text: str) -> re.Pattern:
    return re.compile(rf"^\s*{re.escape(text)}\s*\*?\s*$")


def test_the_digest_is_turned_on_with_its_time_on_a_phone_in_finnish(browser, live_server):
    user = UserFactory(email="digest@example.com", display_name="Dana Digest", language="fi")
    context = browser.new_context(
        base_url=live_server.url,
        locale="fi-FI",
        timezone_id="Europe/Helsinki",
        viewport=PHONE,
    )
    context.set_default_timeout(10_000)
    page = context.new_page()

    page.goto("/accounts/login/")
    page.get_by_label(field("Sähköposti")).fill(user.email)
    page.get_by_label(field("Salasana")).fill(PASSWORD)
    page.locator("main").get_by_role("button", name=field("Kirjaudu sisään")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tänään")

    # The way a person finds it on a phone: the bottom bar's More, the account, the preferences.
    page.locator(".bottom-bar").get_by_role("button", name=field("Lisää…")).click()
    # The menu slides open; a tap while it still moves can be lost, and a person waits too.
    expect(page.locator("#main-nav")).to_have_class(re.compile(r"(^|\s)show(\s|$)"))
    account = page.get_by_role("button", name=field("Tili"))
    account.click()
    expect(account).to_have_attribute("aria-expanded", "true")
    page.get_by_role("link", name=field("Asetukset")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Asetukset")

    digest = page.get_by_label(re.compile(r"^\s*Kooste: lähetä yksi sähköposti päivässä"))
    expect(digest).not_to_be_checked()
    digest.scroll_into_view_if_needed()
    digest.check()
    page.get_by_label(field("Koosteen kellonaika")).fill("07:30")
    page.locator("main").get_by_role("button", name=field("Tallenna")).click()
    expect(page.get_by_text("Asetuksesi tallennettiin.")).to_be_visible()

    user = User.objects.get(pk=user.pk)
    assert (user.digest_enabled, user.digest_time) == (True, datetime.time(7, 30))
    # As saved, on the page again; and the way back leads to Today.
    expect(page.get_by_label(re.compile(r"^\s*Kooste: lähetä"))).to_be_checked()
    expect(page.get_by_label(field("Koosteen kellonaika"))).to_have_value("07:30")
    page.go_back()
    page.go_back()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tänään")

    # Turned off again, the time is not asked for.
    page.goto("/accounts/preferences/")
    page.get_by_label(re.compile(r"^\s*Kooste: lähetä")).uncheck()
    page.get_by_label(field("Koosteen kellonaika")).fill("")
    page.locator("main").get_by_role("button", name=field("Tallenna")).click()
    expect(page.get_by_text("Asetuksesi tallennettiin.")).to_be_visible()
    user = User.objects.get(pk=user.pk)
    assert (user.digest_enabled, user.digest_time) == (False, datetime.time(7, 30))
    context.close()


def test_a_person_in_new_york_gets_the_digest_at_their_own_morning(
    browser, live_server, mailoutbox
):
    """Set on a phone in New York, 08:30 is New York's 08:30: in the week when the United States
    has moved its clocks and Europe has not, so a Helsinki (or a fixed-offset) reading is off."""
    user = UserFactory(email="ny@example.com", language="en", time_zone="America/New_York")
    context = browser.new_context(
        base_url=live_server.url, locale="en-US", timezone_id="America/New_York", viewport=PHONE
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.goto("/accounts/login/")
    page.get_by_label(field("Email")).fill(user.email)
    page.get_by_label(field("Password")).fill(PASSWORD)
    page.locator("main").get_by_role("button", name=field("Log in")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Today")
    page.goto("/accounts/preferences/")
    page.get_by_label(re.compile(r"^\s*Digest: send one email a day")).check()
    page.get_by_label(field("Digest time")).fill("08:30")
    page.locator("main").get_by_role("button", name=field("Save")).click()
    expect(page.get_by_text("Your preferences were saved.")).to_be_visible()
    context.close()

    # Tuesday 16 March 2027: New York on daylight time since the 14th, Helsinki not until the
    # 28th. A call due at 07:00 New York time that morning.
    new_york = ZoneInfo("America/New_York")
    followup = followup_of_kind(
        Kind.CALL,
        owner=User.objects.get(pk=user.pk),
        due_at=datetime.datetime(2027, 3, 16, 7, 0, tzinfo=new_york),
    )
    assert send_digests(now=datetime.datetime(2027, 3, 16, 8, 29, tzinfo=new_york)).sent == 0
    assert mailoutbox == []
    assert send_digests(now=datetime.datetime(2027, 3, 16, 8, 30, tzinfo=new_york)).sent == 1
    [message] = mailoutbox
    assert message.to == ["ny@example.com"]
    assert str(followup.pk) in message.extra_headers["X-Seuranta-Followups"].split()
