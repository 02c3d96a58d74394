"""In the browser, at phone size, in English and Finnish: an interview logged with a contact
picked by typing and two new interviewers typed in, and Mark done taken back with Undo."""

import datetime
import re

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone
from playwright.sync_api import expect

from applications.models import Contact, Interview
from applications.services import application_create, interview_create
from followups.models import Followup, Kind, State
from tests.factories import ContactFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WORDS = {
    "en": {
        "locale": "en-GB",
        "log_interview": "Log interview",
        "starts_at": "Starts at",
        "name": "Interviewer name",
        "email": "Interviewer email",
        "add": "Add another interviewer",
        "save": "Save",
        "due": "Due now",
        "mark_done": "Mark done",
        "undo": "Undo",
        "nothing_due": "Nothing is due right now.",
    },
    "fi": {
        "locale": "fi-FI",
        "log_interview": "Kirjaa haastattelu",
        "starts_at": "Alkaa",
        "name": "Haastattelijan nimi",
        "email": "Haastattelijan sähköposti",
        "add": "Lisää haastattelija",
        "save": "Tallenna",
        "due": "Tehtävänä nyt",
        "mark_done": "Merkitse tehdyksi",
        "undo": "Kumoa",
        "nothing_due": "Juuri nyt ei ole mitään hoidettavaa.",
    },
}


def exact(text: str) -> re.Pattern:
    return re.compile(rf"^\s*{re.escape(text)}\s*\*?\s*$")


def phone_page(browser, live_server, user, language: str):
    """A logged-in phone-sized page in New York (the times on screen are the user's own)."""
    client = Client()
    client.force_login(user)
    context = browser.new_context(
        locale=WORDS[language]["locale"],
        base_url=live_server.url,
        viewport={"width": 390, "height": 844},
        timezone_id="America/New_York",
    )
    context.set_default_timeout(10_000)
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    return context, context.new_page()


def fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= 390


@pytest.mark.parametrize("language", ["en", "fi"])
def test_an_interview_is_logged_with_a_picked_contact_and_two_new_interviewers(
    browser, live_server, language
):
    w = WORDS[language]
    user = UserFactory(email=f"panel-{language}@example.com", language=language)
    application = application_create(owner=user, company="Kone Oyj", position="Engineer")
    ContactFactory(owner=user, name="Aino Aalto", company="Wärtsilä")
    ContactFactory(owner=user, name="Ville Virtanen", company="Kone Oyj")
    context, page = phone_page(browser, live_server, user, language)
    try:
        page.goto(application.get_absolute_url())
        page.locator("main").get_by_role("link", name=exact(w["log_interview"])).first.click()
        starts = timezone.localtime(timezone.now() + datetime.timedelta(days=3))
        page.get_by_label(exact(w["starts_at"])).fill(starts.strftime("%Y-%m-%dT10:00"))

        # The picker: the company's person is offered first, and found by typing.
        picker = page.locator(".ts-wrapper").first
        picker.click()
        expect(page.locator(".ts-dropdown .option").first).to_have_text("Ville Virtanen (Kone Oyj)")
        page.keyboard.type("Vil")
        page.keyboard.press("Enter")
        expect(picker.locator(".item")).to_contain_text("Ville Virtanen")
        page.keyboard.press("Escape")

        # One row shows; "Add another" brings the next.
        names = page.get_by_label(exact(w["name"]))
        emails = page.get_by_label(exact(w["email"]))
        expect(names.nth(1)).to_be_hidden()
        names.nth(0).fill("Pekka Puro")
        emails.nth(0).fill("pekka@kone.example")
        page.get_by_role("button", name=exact(w["add"])).click()
        expect(names.nth(1)).to_be_visible()
        # The new row takes the focus when it is ready, where a person types next.
        expect(names.nth(1)).to_be_focused()
        names.nth(1).fill("Maija Meikäläinen")
        expect(names.nth(1)).to_have_value("Maija Meikäläinen")
        emails.nth(1).fill("maija@kone.example")
        assert fits(page)
        page.locator("main").get_by_role("button", name=exact(w["save"])).click()

        expect(page).to_have_url(re.compile(r"/interviews/\d+/$"))
        interview = Interview.objects.get(owner=user)
        assert sorted(interview.interviewers.values_list("name", flat=True)) == [
            "Maija Meikäläinen",
            "Pekka Puro",
            "Ville Virtanen",
        ]
        assert Contact.objects.filter(owner=user).count() == 4
        assert fits(page)
    finally:
        context.close()


@pytest.mark.parametrize("language", ["en", "fi"])
def test_mark_done_on_the_dashboard_is_taken_back_with_undo(browser, live_server, language):
    w = WORDS[language]
    user = UserFactory(email=f"undoer-{language}@example.com", language=language)
    application = application_create(owner=user, company="Kone Oyj", position="Engineer")
    interview_create(
        application=application, starts_at=timezone.now() - datetime.timedelta(hours=4)
    )
    thank_you = Followup.objects.get(kind=Kind.THANK_YOU)
    Followup.objects.filter(pk=thank_you.pk).update(due_at=timezone.now())
    thank_you.refresh_from_db()
    before = {name: getattr(thank_you, name) for name in Followup.UNDO_FIELDS}
    context, page = phone_page(browser, live_server, user, language)
    try:
        page.goto("/")
        due = page.locator("section", has=page.get_by_role("heading", name=w["due"]))
        due.get_by_role("button", name=re.compile(w["mark_done"])).click()
        expect(page.get_by_text(w["nothing_due"])).to_be_visible()
        message = page.locator(".messages .alert", has_text="Kone Oyj")
        expect(message).to_be_visible()
        assert fits(page)

        message.get_by_role("button", name=exact(w["undo"])).click()

        due = page.locator("section", has=page.get_by_role("heading", name=w["due"]))
        expect(due.get_by_text("Kone Oyj – Engineer")).to_be_visible()
        thank_you.refresh_from_db()
        assert {name: getattr(thank_you, name) for name in Followup.UNDO_FIELDS} == before
        assert thank_you.state == State.SCHEDULED
        expect(page.get_by_role("button", name=exact(w["undo"]))).to_have_count(0)
        assert fits(page)
    finally:
        context.close()
