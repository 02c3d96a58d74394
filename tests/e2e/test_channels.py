"""In the browser, on a phone, in Finnish: a webhook channel added on the preferences page, its
"Send test" sent by the worker while a page waits for the real receiver's answer, and the
channel's URL gone from the page once saved."""

import re

import pytest
from django.test import Client
from playwright.sync_api import expect

from notifications.models import Channel
from tests.factories import UserFactory
from tests.webhook import SECRET_PATH

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def finnish_phone(browser, live_server):
    """A phone in Helsinki whose person reads Finnish, logged in."""
    user = UserFactory(email="kanava@example.com", language="fi")
    client = Client()
    client.force_login(user)
    context = browser.new_context(
        locale="fi-FI",
        base_url=live_server.url,
        viewport=PHONE,
        is_mobile=True,
        has_touch=True,
        timezone_id="Europe/Helsinki",
    )
    context.set_default_timeout(10_000)
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    yield user, context.new_page()
    context.close()


def test_a_webhook_channel_added_on_a_phone_answers_send_test_and_its_url_is_not_shown(
    finnish_phone, webhook_sink, send_test_worker
):
    user, page = finnish_phone
    secret_url = webhook_sink.url()
    page.goto("/")
    # On a phone the account menu is behind "More" in the bottom bar.
    page.get_by_role("navigation", name="Pääsivut").get_by_role("button", name="Lisää…").click()
    # The menu slides open; a tap while it still moves can be lost, and a person waits too.
    expect(page.locator("#main-nav")).to_have_class(re.compile(r"(^|\s)show(\s|$)"))
    account = page.get_by_role("button", name="Tili")
    account.click()
    expect(account).to_have_attribute("aria-expanded", "true")
    page.get_by_role("link", name="Asetukset").click()
    expect(page.get_by_role("heading", name="Ilmoituskanavat")).to_be_visible()
    section = page.locator("#channels")
    # Email is the first channel, on.
    expect(section.locator(".list-group-item").first).to_contain_text("Sähköposti")
    expect(section.locator(".list-group-item").first).to_contain_text("Päällä")

    form = section.locator("form", has=page.get_by_role("button", name="Lisää kanava"))
    form.get_by_label("Nimi").fill("Oma webhook")
    form.get_by_label("Kanavan osoite (URL)").fill(secret_url)
    form.get_by_role("button", name="Lisää kanava").click()

    expect(page.get_by_text("Kanava ”Oma webhook” lisätty.")).to_be_visible()
    row = section.locator(".list-group-item", has_text="Oma webhook")
    expect(row).to_contain_text("JSON")
    expect(row).to_contain_text("json://…")
    assert SECRET_PATH not in page.content()
    assert secret_url not in page.content()

    # The receiver holds its answer: the page waits for the worker meanwhile.
    webhook_sink.hold.clear()
    row.get_by_role("button", name="Lähetä testi").click()

    expect(page).to_have_url(re.compile(r"/accounts/preferences/test/[0-9a-f]{32}/$"))
    expect(page.get_by_role("heading", name="Testiviesti")).to_be_visible()
    expect(page.get_by_role("status")).to_have_text(
        "Lähetetään testiviestiä kanavaan ”Oma webhook”…"
    )
    expect(page.get_by_role("link", name="Tarkista uudelleen")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    webhook_sink.wait_for(lambda: webhook_sink.held == 1, what="the worker's test message")
    webhook_sink.hold.set()

    # The page's script sees the worker done and shows the channel's answer.
    expect(page.locator("#send-test-outcome")).to_have_text(
        "Testiviesti lähetetty kanavaan ”Oma webhook”: kanava otti sen vastaan."
    )
    expect(page.get_by_role("link", name="Tarkista uudelleen")).to_have_count(0)
    [message] = webhook_sink.messages()
    assert message["title"] == "Seuranta: testiviesti"
    assert message["path"] == SECRET_PATH
    html = page.content()
    assert SECRET_PATH not in html and secret_url not in html
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    # The browser's Back returns to the preferences; Forward shows the answer again.
    page.go_back()
    expect(page.get_by_role("heading", name="Ilmoituskanavat")).to_be_visible()
    page.go_forward()
    expect(page.locator("#send-test-outcome")).to_contain_text("kanava otti sen vastaan")
    page.get_by_role("link", name="Takaisin asetuksiin").click()
    expect(page).to_have_url(re.compile(r"/accounts/preferences/#channels$"))
    expect(page.locator("#channels .list-group-item", has_text="Oma webhook")).to_be_visible()
    assert len(webhook_sink.messages()) == 1

    # Back to the page the URL was typed on: the browser does not fill it in again.
    page.go_back()
    page.go_back()
    page.go_back()
    expect(page.get_by_label("Kanavan osoite (URL)")).to_have_value("")
    assert Channel.objects.get(owner=user).read_url() == secret_url


def test_turning_a_channel_off_in_two_tabs_leaves_it_off(finnish_phone):
    """Preferences open in two tabs: "Kytke pois" in the first, then in the stale second one.
    The second press used to flip the channel back on; it now sets what its button says."""
    user, first = finnish_phone
    channel = Channel(owner=user, label="Puhelin")
    channel.set_url("ntfy://ntfy.sh/kaksi-valilehtea")
    channel.save()
    second = first.context.new_page()
    for page in (first, second):
        page.goto("/accounts/preferences/")
        expect(page.locator(f'[data-channel="{channel.pk}"]')).to_contain_text("Päällä")

    for page in (first, second):
        row = page.locator(f'[data-channel="{channel.pk}"]')
        row.get_by_role("button", name=re.compile(r"^Kytke pois")).click()
        expect(page.get_by_text("Kanava ”Puhelin” on pois päältä")).to_be_visible()
        row = page.locator(f'[data-channel="{channel.pk}"]')
        expect(row).to_contain_text("Pois")
        channel.refresh_from_db()
        assert channel.enabled is False

    second.go_back()
    expect(second.locator(f'[data-channel="{channel.pk}"]')).to_be_visible()
    assert second.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_adding_a_url_already_added_is_refused_at_the_field_in_view(finnish_phone):
    """The same webhook twice would bring every reminder twice: the second Add is refused next
    to the field, with the page scrolled back to it and the typed URL kept to correct."""
    user, page = finnish_phone
    channel = Channel(owner=user, label="Oma webhook")
    channel.set_url("json://93.184.216.34:9/hooks/sama")
    channel.save()
    page.goto("/accounts/preferences/")
    form = page.locator("#channels form", has=page.get_by_role("button", name="Lisää kanava"))
    form.get_by_label("Nimi").fill("Sama uudelleen")
    form.get_by_label("Kanavan osoite (URL)").fill("json://93.184.216.34:9/hooks/sama")
    form.get_by_role("button", name="Lisää kanava").click()

    expect(page).to_have_url(re.compile(r"/channels/add/#channels$"))
    error = page.get_by_text("”Oma webhook” lähettää jo tähän osoitteeseen")
    expect(error).to_be_in_viewport()
    url_field = page.get_by_label("Kanavan osoite (URL)")
    expect(url_field).to_have_value("json://93.184.216.34:9/hooks/sama")
    expect(url_field).to_have_attribute("aria-invalid", "true")
    assert Channel.objects.filter(owner=user).count() == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
