"""The reminder email: what to do, for whom, when, with the advice, the links and safe headers."""

import datetime
import email
import email.policy

import pytest
import time_machine
from django.utils import timezone, translation

from applications import services as app_services
from followups import links
from followups.dispatch import dispatch_due
from followups.emails import one_line, reminder_message
from followups.models import Followup, Kind
from tests.factories import ContactFactory

NOW = datetime.datetime(2026, 3, 10, 9, 0, tzinfo=datetime.UTC)
# 18:00–19:00 in New York (EDT since 8 March), 00:00–01:00 the next day in Helsinki.
INTERVIEW_AT = datetime.datetime(2026, 3, 11, 22, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def followups_for(user, company="Acme Oy", position="Backend Developer", with_outcome=False):
    """An interview with an interviewer, logged through the services: {kind: Followup}."""
    application = app_services.application_create(owner=user, company=company, position=position)
    interviewer = ContactFactory(
        owner=user, name="Maija Virtanen", phone="+358 40 765 4321", email="maija@acme.example"
    )
    interview = app_services.interview_create(
        application=application, starts_at=INTERVIEW_AT, interviewers=[interviewer]
    )
    if with_outcome:
        app_services.interview_update(interview=interview, outcome="rejected")
    return {
        f.kind: f
        for f in Followup.objects.select_related("owner", "application", "interview").filter(
            application=application
        )
    }


@pytest.fixture
def new_yorker(alice):
    alice.time_zone = "America/New_York"
    alice.country = "US"
    alice.save()
    return alice


@pytest.mark.parametrize(
    ("kind", "subject"),
    [
        (Kind.CALL, "Call Acme Oy about your Backend Developer interview"),
        (Kind.THANK_YOU, "Send a thank-you note to Acme Oy"),
        (Kind.FEEDBACK, "Ask Acme Oy for feedback"),
    ],
)
def test_the_subject_says_what_to_do_and_for_which_company(alice, kind, subject):
    followup = followups_for(alice, with_outcome=kind == Kind.FEEDBACK)[kind]

    assert reminder_message(followup).subject == subject


@pytest.mark.parametrize(
    ("kind", "advice"),
    [
        (
            Kind.CALL,
            [
                "Thank them for the interview.",
                "Confirm that you are still interested",
                "Keep it short.",
            ],
        ),
        (Kind.THANK_YOU, ["Thank them for their time soon", "An email or a phone call will do"]),
        (Kind.FEEDBACK, ["Ask what you could do better", "whatever the outcome", "time to answer"]),
    ],
)
def test_the_body_gives_the_advice_for_the_action(alice, kind, advice):
    followup = followups_for(alice, with_outcome=kind == Kind.FEEDBACK)[kind]
    message = reminder_message(followup)
    html = message.alternatives[0][0]

    for phrase in advice:
        assert phrase in message.body
        assert phrase in html


def test_the_body_names_the_interviewer_and_how_to_reach_them(alice):
    message = reminder_message(followups_for(alice)[Kind.CALL])

    for text in ("Maija Virtanen", "+358 40 765 4321", "maija@acme.example"):
        assert text in message.body
        assert text in message.alternatives[0][0]


def test_times_are_in_the_users_time_zone_after_quiet_hours(new_yorker):
    """The thank-you would fall at 21:00 New York time, in quiet hours: it is due at 08:00."""
    message = reminder_message(followups_for(new_yorker)[Kind.THANK_YOU])

    assert "Interview: 11 Mar 2026, 18:00 (America/New_York)" in message.body
    assert "Due: 12 Mar 2026, 08:00" in message.body


def test_the_email_is_in_the_users_language_without_changing_the_callers(alice):
    """The Finnish date style shows the language; the worker's settings are untouched."""
    alice.language = "fi"
    alice.save()
    followup = followups_for(alice)[Kind.CALL]

    with translation.override("en"), timezone.override(datetime.UTC):
        message = reminder_message(followup)
        assert translation.get_language() == "en"
        assert timezone.get_current_timezone_name() == "UTC"

    assert '<html lang="fi">' in message.alternatives[0][0]
    # The interview, in Helsinki time and Finnish date format.
    assert "12.3.2026 klo 0.00" in message.body


def test_a_late_reminder_says_it_is_overdue(alice):
    message = reminder_message(followups_for(alice)[Kind.CALL], late=True)

    assert message.subject.startswith("Overdue: ")
    assert "overdue" in message.body
    assert "overdue" in message.alternatives[0][0]


def test_the_links_lead_to_the_application_the_draft_and_the_signed_actions(alice, settings):
    followup = followups_for(alice)[Kind.CALL]
    message = reminder_message(followup)
    html = message.alternatives[0][0]

    application_url = f"{settings.SITE_URL}{followup.application.get_absolute_url()}"
    for url in (
        application_url,
        links.draft_url(followup),
        links.action_url(followup, "done"),
        links.action_url(followup, "snooze"),
        links.unsubscribe_url(alice),
    ):
        assert url.startswith(settings.SITE_URL)
        assert url in message.body
        assert f'href="{url}"' in html


def test_the_unsubscribe_link_is_in_the_list_unsubscribe_header(alice):
    message = reminder_message(followups_for(alice)[Kind.CALL])

    parsed = email.message_from_string(message.message().as_string(), policy=email.policy.default)
    # The long header may be folded onto a continuation line; unfolded it is the one URL.
    assert parsed["List-Unsubscribe"].strip() == f"<{links.unsubscribe_url(alice)}>"
    assert parsed["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert parsed["To"] == "Alice Example <alice@example.com>"


def test_a_company_name_cannot_inject_a_header(alice, mailoutbox):
    """A company "Acme\\r\\nBcc: x@example.com": one subject line, no Bcc header, nobody else."""
    followups_for(alice, company="Acme\r\nBcc: x@example.com")
    Followup.objects.update(due_at=NOW, next_attempt_at=NOW)

    assert dispatch_due().sent == 2
    for message in mailoutbox:
        assert "\n" not in message.subject and "\r" not in message.subject
        assert message.recipients() == ["alice@example.com"]
        raw = message.message().as_string()
        parsed = email.message_from_string(raw, policy=email.policy.default)
        assert parsed["Bcc"] is None
        headers = raw.split("\n\n", 1)[0]
        assert not any(line.lower().startswith("bcc:") for line in headers.splitlines())
    assert {m.subject for m in mailoutbox} == {
        "Send a thank-you note to Acme Bcc: x@example.com",
        "Call Acme Bcc: x@example.com about your Backend Developer interview",
    }


def test_markup_in_any_field_arrives_escaped_in_the_html_part(alice):
    evil = "<script>alert(1)</script>"
    followup = followups_for(alice, company=f"{evil} & Co", position=evil)[Kind.CALL]
    contact = followup.interview.interviewers.get()
    contact.name = evil
    contact.save()
    alice.display_name = evil
    alice.save()

    message = reminder_message(Followup.objects.get(pk=followup.pk))
    html = message.alternatives[0][0]

    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co" in html
    # The plain-text part and the subject are not HTML: they keep the text as typed.
    assert f"{evil} & Co" in message.body
    assert message.subject == f"Call {evil} & Co about your {evil} interview"


def test_a_follow_up_whose_interview_was_deleted_still_renders(alice):
    followup = followups_for(alice)[Kind.THANK_YOU]
    followup.interview.delete()
    followup.refresh_from_db()

    message = reminder_message(followup)

    assert message.subject == "Send a thank-you note to Acme Oy"
    assert "Interviewer" not in message.body


def test_one_line_collapses_every_kind_of_line_break():
    assert one_line(" Call\r\nAcme\u2028Oy\x0b\tnow \n") == "Call Acme Oy now"
