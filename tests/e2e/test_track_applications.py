"""A new user signs up, adds an application and logs an interview, in English and in Finnish."""

import datetime
import re
import zoneinfo

import pytest
from playwright.sync_api import expect

from accounts.models import User
from applications.models import Interview

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WORDS = {
    "en": {
        "locale": "en-GB",
        "sign_up": "Sign up",
        "email": "Email",
        "password": "Password",
        "password_again": "Password again",
        "new_application": "New application",
        "company": "Company",
        "position": "Position",
        "save": "Save",
        "log_interview": "Log interview",
        "starts_at": "Starts at",
        "duration": "Duration (minutes)",
        "interviewer_name": "Interviewer name",
        "interviewer_email": "Interviewer email",
        "interviewer_phone": "Interviewer phone",
        "dashboard": "Today",
        "interviewing": "Interviewing",
    },
    "fi": {
        "locale": "fi-FI",
        "sign_up": "Rekisteröidy",
        "email": "Sähköposti",
        "password": "Salasana",
        "password_again": "Salasana uudelleen",
        "new_application": "Uusi hakemus",
        "company": "Yritys",
        "position": "Tehtävä",
        "save": "Tallenna",
        "log_interview": "Kirjaa haastattelu",
        "starts_at": "Alkaa",
        "duration": "Kesto (minuuttia)",
        "interviewer_name": "Haastattelijan nimi",
        "interviewer_email": "Haastattelijan sähköposti",
        "interviewer_phone": "Haastattelijan puhelin",
        "dashboard": "Tänään",
        "interviewing": "Haastatteluvaiheessa",
    },
}


def exact(text: str) -> re.Pattern:
    """The whole accessible name, allowing the asterisk that marks a required field."""
    return re.compile(rf"^\s*{re.escape(text)}\s*\*?\s*$")


@pytest.mark.parametrize("language", ["en", "fi"])
def test_new_user_tracks_an_application_and_logs_an_interview(page_for, language):
    """Sign up, create an application, log an interview with an interviewer, find it again."""
    w = WORDS[language]
    page = page_for(w["locale"])
    email = f"newcomer-{language}@example.com"

    page.goto("/accounts/login/")
    page.get_by_role("link", name=exact(w["sign_up"])).first.click()
    page.get_by_label(exact(w["email"])).fill(email)
    page.get_by_label(exact(w["password"])).fill("a-long-enough-passphrase")
    page.get_by_label(exact(w["password_again"])).fill("a-long-enough-passphrase")
    page.locator("main").get_by_role("button", name=exact(w["sign_up"])).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(exact(w["dashboard"]))

    page.locator("main").get_by_role("link", name=exact(w["new_application"])).first.click()
    page.get_by_label(exact(w["company"])).fill("Acme <b>Oy</b>")
    page.get_by_label(exact(w["position"])).fill("Backend Developer")
    page.locator("main").get_by_role("button", name=exact(w["save"])).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Backend Developer")
    # HTML typed into a field comes back as text.
    expect(page.locator("main")).to_contain_text("Acme <b>Oy</b>")

    page.locator("main").get_by_role("link", name=exact(w["log_interview"])).first.click()
    helsinki = zoneinfo.ZoneInfo("Europe/Helsinki")
    starts = datetime.datetime.combine(
        datetime.datetime.now(helsinki).date() + datetime.timedelta(days=3),
        datetime.time(10, 0),
        tzinfo=helsinki,
    )
    page.get_by_label(exact(w["starts_at"])).fill(starts.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label(exact(w["duration"])).fill("45")
    page.get_by_label(exact(w["interviewer_name"])).first.fill("Maija Meikäläinen")
    page.get_by_label(exact(w["interviewer_email"])).first.fill("maija@acme.example")
    page.get_by_label(exact(w["interviewer_phone"])).first.fill("+358 40 765 4321")
    page.locator("main").get_by_role("button", name=exact(w["save"])).click()

    user = User.objects.get(email=email)
    interview = Interview.objects.get(owner=user)
    assert interview.duration_minutes == 45
    assert interview.interviewers.get().name == "Maija Meikäläinen"
    # Typed as Helsinki wall-clock time, stored as the same instant in UTC.
    assert interview.starts_at == starts

    page.goto(interview.application.get_absolute_url())
    main = page.locator("main")
    expect(main).to_contain_text(w["interviewing"])
    # On the timeline: the interview, with its interviewer, after the status changes.
    timeline = main.locator("section[aria-labelledby=timeline-heading] li")
    expect(timeline.last).to_contain_text("Maija Meikäläinen")
    expect(timeline.last.get_by_role("link")).to_have_attribute(
        "href", interview.get_absolute_url()
    )

    # On the dashboard, among the upcoming interviews, linked to the interview itself.
    page.goto("/")
    upcoming = page.locator("main section[aria-labelledby=upcoming-heading]")
    link = upcoming.get_by_role("link", name=re.compile("Backend Developer"))
    expect(link).to_have_attribute("href", interview.get_absolute_url())
    expect(link).to_contain_text("Acme <b>Oy</b>")
