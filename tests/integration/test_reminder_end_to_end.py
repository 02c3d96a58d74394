"""The whole reminder path with real parts: browser → database → beat → Redis → worker → SMTP."""

import datetime
import re
import time
import zoneinfo

import pytest
from playwright.sync_api import expect

from followups.models import Followup, Kind, State
from tests.factories import PASSWORD, UserFactory

pytestmark = [
    pytest.mark.integration,
    pytest.mark.browser,
    pytest.mark.redis,
    pytest.mark.django_db(transaction=True),
]


def log_in(page, email: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Today")


def test_reminder_for_an_interview_logged_in_the_browser_arrives_once_and_mark_done_works(
    celery_stack, smtp_server, page_for, live_server
):
    """An interview that just ended, logged in the browser, brings its thank-you reminder to
    the SMTP server within two dispatch intervals, exactly once; the email's Mark done link
    closes the follow-up in the browser."""
    from tests.integration.conftest import wait_for

    helsinki = zoneinfo.ZoneInfo("Europe/Helsinki")
    # No quiet hours and no delay, so the thank-you is due the moment the interview is saved,
    # whatever the hour this test runs at.
    user = UserFactory(
        email="runner@example.com",
        time_zone="Europe/Helsinki",
        thank_you_delay_minutes=0,
        quiet_hours_start=datetime.time(0, 0),
        quiet_hours_end=datetime.time(0, 0),
    )
    celery_stack.start_worker()
    celery_stack.start_beat()

    page = page_for("en-GB")
    log_in(page, user.email)
    started = (datetime.datetime.now(helsinki) - datetime.timedelta(minutes=62)).replace(
        second=0, microsecond=0
    )
    page.goto("/interviews/new/")
    page.get_by_label("Company").fill("Acme Oy")
    page.get_by_label("Position").fill("Backend Developer")
    page.get_by_label("Starts at").fill(started.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Duration (minutes)").fill("60")
    # The first row of new interviewers (the form has one row per new person).
    page.get_by_label("Interviewer name").first.fill("Maija Meikäläinen")
    page.get_by_label("Interviewer phone").first.fill("+358 40 765 4321")
    page.locator("main").get_by_role("button", name="Save").click()
    expect(page.locator("main")).to_contain_text("Acme Oy")
    saved_at = time.monotonic()

    followup = Followup.objects.get(owner=user, kind=Kind.THANK_YOU)
    # Due at once; the worker may already have sent it by the time this line runs.
    assert followup.due_at <= datetime.datetime.now(datetime.UTC)
    assert followup.state in (State.SCHEDULED, State.NOTIFIED)

    interval = celery_stack.interval
    wait_for(smtp_server.snapshot, 2 * interval + 2, message="the reminder email")
    assert smtp_server.arrivals[0] - saved_at <= 2 * interval + 1
    message = smtp_server.snapshot()[0]
    assert [a.addr_spec for a in message["To"].addresses] == ["runner@example.com"]
    assert "Acme Oy" in message["Subject"]

    # Exactly once: let beat run two more dispatch passes, then count again.
    passes = celery_stack.log("worker").count("dispatch_due_followups")
    wait_for(
        lambda: celery_stack.log("worker").count("dispatch_due_followups") >= passes + 4,
        6 * interval,
        0.2,
        "two more dispatch passes",
    )
    assert len(smtp_server.snapshot()) == 1
    followup.refresh_from_db()
    assert followup.state == State.NOTIFIED

    text = message.get_body(preferencelist=("plain",)).get_content()
    done_link = next(
        url
        for url in re.findall(r"https?://\S+", text)
        if url.startswith(live_server.url) and "/done/" in url
    )
    page.goto(done_link)
    page.locator("main").get_by_role("button", name=re.compile("Mark done")).click()
    expect(page.locator("main")).to_contain_text("Acme Oy")
    followup.refresh_from_db()
    assert followup.state == State.DONE
