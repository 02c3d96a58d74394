"""In the browser: what a person sends twice (Save, Back, Save) is kept once, in English and in
Finnish; a new application at a company with an open one asks first."""

import datetime
import re
import zoneinfo

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from applications.models import Application, Interview
from followups.models import Followup, Kind
from tests.factories import ApplicationFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HELSINKI = zoneinfo.ZoneInfo("Europe/Helsinki")

WORDS = {
    "en": {
        "locale": "en-GB",
        "log_interview": "Log interview",
        "company": "Company",
        "position": "Position",
        "starts_at": "Starts at",
        "save": "Save",
        "logged_already": "This interview was logged already.",
        "notice": "You already have an application at Kone Oyj.",
        "open_it": "Open it",
        "create_another": "Create another",
        "new_application": "New application",
    },
    "fi": {
        "locale": "fi-FI",
        "log_interview": "Kirjaa haastattelu",
        "company": "Yritys",
        "position": "Tehtävä",
        "starts_at": "Alkaa",
        "save": "Tallenna",
        "logged_already": "Tämä haastattelu on jo kirjattu.",
        "notice": "Sinulla on jo hakemus yritykseen Kone Oyj.",
        "open_it": "Avaa se",
        "create_another": "Luo toinen",
        "new_application": "Uusi hakemus",
    },
}


def label(text: str) -> re.Pattern:
    return re.compile(rf"^\s*{re.escape(text)}\s*\*?\s*$")


def logged_in_page(page_for, live_server, user, locale: str):
    page = page_for(locale)
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}]
    )
    return page


def in_three_days() -> datetime.datetime:
    day = datetime.datetime.now(HELSINKI).date() + datetime.timedelta(days=3)
    return datetime.datetime.combine(day, datetime.time(13, 0), tzinfo=HELSINKI)


@pytest.mark.parametrize("language", ["en", "fi"])
def test_save_back_and_save_again_logs_one_interview(page_for, live_server, language):
    """Log interview for a new company, Save, browser Back (the typed values come back under a
    new form), Save: one application, one interview, one thank-you and one call."""
    w = WORDS[language]
    user = UserFactory(language=language)
    page = logged_in_page(page_for, live_server, user, w["locale"])
    starts = in_three_days()

    page.goto("/interviews/new/")
    expect(page.get_by_role("heading", level=1)).to_have_text(label(w["log_interview"]))
    page.get_by_label(label(w["company"])).fill("Kone Oyj")
    page.get_by_label(label(w["position"])).fill("Developer")
    page.get_by_label(label(w["starts_at"])).fill(starts.strftime("%Y-%m-%dT%H:%M"))
    page.locator("main").get_by_role("button", name=label(w["save"])).click()
    expect(page).to_have_url(re.compile(r"/interviews/\d+/$"))
    first_url = page.url

    page.go_back()
    expect(page).to_have_url(re.compile(r"/interviews/new/$"))
    company = page.get_by_label(label(w["company"]))
    if company.input_value() == "":
        # A browser that does not restore the form: the person types it again.
        company.fill("Kone Oyj")
        page.get_by_label(label(w["position"])).fill("Developer")
        page.get_by_label(label(w["starts_at"])).fill(starts.strftime("%Y-%m-%dT%H:%M"))
    page.locator("main").get_by_role("button", name=label(w["save"])).click()
    expect(page).to_have_url(first_url)
    expect(page.get_by_text(w["logged_already"])).to_be_visible()

    assert Application.objects.filter(owner=user).count() == 1
    interview = Interview.objects.get(owner=user)
    assert interview.starts_at == starts
    kinds = sorted(Followup.objects.filter(owner=user).values_list("kind", flat=True))
    assert kinds == sorted([Kind.THANK_YOU, Kind.CALL])


@pytest.mark.parametrize("language", ["en", "fi"])
def test_a_new_application_at_a_company_with_an_open_one_asks_first(
    page_for, live_server, language
):
    """The notice offers the open application; "Create another" makes the second one."""
    w = WORDS[language]
    user = UserFactory(language=language)
    existing = ApplicationFactory(owner=user, company="Kone Oyj", position="Tester")
    page = logged_in_page(page_for, live_server, user, w["locale"])

    page.goto("/applications/new/")
    page.get_by_label(label(w["company"])).fill(" kone oyj")
    page.get_by_label(label(w["position"])).fill("Developer")
    page.locator("main").get_by_role("button", name=label(w["save"])).click()
    notice = page.locator("#same-company")
    expect(notice).to_contain_text(w["notice"])
    expect(notice.get_by_role("link", name=re.compile(w["open_it"]))).to_have_attribute(
        "href", existing.get_absolute_url()
    )
    assert Application.objects.filter(owner=user).count() == 1

    notice.get_by_role("button", name=label(w["create_another"])).click()
    expect(page).to_have_url(re.compile(r"/applications/\d+/$"))
    assert Application.objects.filter(owner=user).count() == 2


def test_the_quick_path_picks_an_open_application_by_its_company(page_for, live_server):
    """Typing the company of an open application and choosing "Log the interview for it"."""
    user = UserFactory(language="en")
    existing = ApplicationFactory(owner=user, company="Kone Oyj", position="Tester")
    page = logged_in_page(page_for, live_server, user, "en-GB")

    page.goto("/interviews/new/")
    company = page.get_by_label(label("Company"))
    expect(company).to_have_attribute("list", "open-applications")
    company.fill("Kone Oyj")
    company.dispatch_event("change")
    # The one open application there: its position is filled in from the suggestion.
    expect(page.get_by_label(label("Position"))).to_have_value("Tester")
    page.get_by_label(label("Position")).fill("Developer")
    page.get_by_label(label("Starts at")).fill(in_three_days().strftime("%Y-%m-%dT%H:%M"))
    page.locator("main").get_by_role("button", name=label("Save")).click()
    notice = page.locator("#same-company")
    expect(notice).to_contain_text("You already have an application at Kone Oyj.")
    notice.get_by_role("button", name=re.compile("Log the interview for it")).click()
    expect(page).to_have_url(re.compile(r"/interviews/\d+/$"))
    assert Interview.objects.get(owner=user).application == existing
    assert Application.objects.filter(owner=user).count() == 1
