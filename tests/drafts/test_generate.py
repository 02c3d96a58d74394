"""Drafts written from the user's data: both languages, every placeholder, missing data."""

import datetime

import pytest
from django.urls import reverse

from drafts import services
from drafts.builtin import BUILTIN
from drafts.models import Draft, Kind
from drafts.rendering import PLACEHOLDERS
from followups.models import Followup
from followups.models import Kind as FollowupKind
from tests.drafts.conftest import INTERVIEW_START
from tests.factories import ApplicationFactory, ContactFactory, InterviewFactory

pytestmark = pytest.mark.django_db

ALL_KINDS = [Kind.THANK_YOU, Kind.FEEDBACK, Kind.CALL]


def generate(interview, kind, language="en", **kwargs):
    draft, _ = services.draft_generate(
        owner=interview.owner,
        kind=kind,
        application=interview.application,
        interview=interview,
        language=language,
        **kwargs,
    )
    return draft


def test_every_builtin_template_uses_every_placeholder_it_needs_and_no_other():
    names = {p.name for p in PLACEHOLDERS}
    for (kind, language), template in BUILTIN.items():
        text = template["subject"] + template["body"]
        # A check-in is about an application with no interview yet: no interviewer to name.
        needed = ("company", "position", "my_name")
        if kind != Kind.CHECK_IN:
            needed += ("interviewer_name", "interview_date")
        for name in needed:
            assert f"{{{name}}}" in text, (kind, language, name)
        if kind == Kind.CALL:
            assert "{interviewer_phone}" in text
        for word in text.replace("{", " {").split():
            if word.startswith("{"):
                assert word.split("}")[0][1:] in names


@pytest.mark.parametrize("kind", ALL_KINDS)
def test_an_english_draft_is_filled_from_the_interview(alices_interview, kind):
    draft = generate(alices_interview, kind, "en")

    text = draft.subject + draft.body
    assert "Yhtiö Ääni Oy" in text
    assert "Backend Developer" in text
    assert "Anna Virtanen" in text
    assert "11 March 2026" in text
    assert "Alice Example" in draft.body
    assert "[" not in text and "None" not in text
    assert draft.recipient == "anna.virtanen@aani.example"
    assert draft.language == "en"
    assert draft.interview == alices_interview
    assert draft.application == alices_interview.application


@pytest.mark.parametrize("kind", ALL_KINDS)
def test_a_finnish_draft_is_filled_and_dated_the_finnish_way(alices_interview, kind):
    draft = generate(alices_interview, kind, "fi")

    text = draft.subject + draft.body
    assert "Yhtiö Ääni Oy" in text
    assert "Backend Developer" in text
    assert "Anna Virtanen" in text
    assert "11.3.2026" in text
    assert "Alice Example" in draft.body
    assert "[" not in text and "None" not in text
    assert "Ystävällisin terveisin" in draft.body or kind == Kind.CALL


@pytest.mark.parametrize("language", ["en", "fi"])
def test_the_call_script_carries_the_interviewers_phone(alices_interview, language):
    draft = generate(alices_interview, Kind.CALL, language)
    assert "+358 40 765 4321" in draft.body


def test_the_feedback_request_asks_concretely_what_could_be_better(alices_interview):
    english = generate(alices_interview, Kind.FEEDBACK, "en")
    assert "presented myself" in english.body
    assert "unclear" in english.body
    finnish = services.draft_regenerate(draft=english, language="fi")
    assert "paremmin esiin" in finnish.body
    assert "epäselväksi" in finnish.body


def test_the_date_is_the_users_local_date_in_their_time_zone(alice, alices_interview):
    alice.time_zone = "America/New_York"
    alice.save()
    alices_interview.owner.refresh_from_db()
    draft = generate(alices_interview, Kind.THANK_YOU, "en")
    # 23:30 in Helsinki is 17:30 the same day in New York.
    assert "11 March 2026" in draft.body

    alice.time_zone = "Asia/Tokyo"
    alice.save()
    draft.delete()
    alices_interview.owner.refresh_from_db()
    assert "12 March 2026" in generate(alices_interview, Kind.THANK_YOU, "en").body


def test_several_interviewers_are_named_together(alice, alices_interview):
    alices_interview.interviewers.add(ContactFactory(owner=alice, name="Pekka Korhonen"))
    assert "Anna Virtanen and Pekka Korhonen" in generate(alices_interview, Kind.THANK_YOU).body
    assert "Anna Virtanen ja Pekka Korhonen" in (generate(alices_interview, Kind.CALL, "fi").body)


EN_MISSING = {
    "interviewer_name": "[interviewer's name]",
    "interview_date": "[interview date]",
    "my_name": "[your name]",
    "interviewer_phone": "[interviewer's phone number]",
}
FI_MISSING = {
    "interviewer_name": "[haastattelijan nimi]",
    "interview_date": "[haastattelun päivämäärä]",
    "my_name": "[oma nimesi]",
    "interviewer_phone": "[haastattelijan puhelinnumero]",
}


@pytest.mark.parametrize(("language", "expected"), [("en", EN_MISSING), ("fi", FI_MISSING)])
def test_missing_data_stays_a_visible_bracketed_placeholder(alice, language, expected):
    alice.display_name = ""
    alice.save()
    application = ApplicationFactory(owner=alice, company="Acme Oy", position="Tester")

    for kind in ALL_KINDS:
        draft, _ = services.draft_generate(
            owner=alice, kind=kind, application=application, language=language
        )
        text = draft.subject + "\n" + draft.body
        for name, marker in expected.items():
            if name != "interviewer_phone" or kind == Kind.CALL:
                assert marker in text, (kind, name)
        assert "None" not in text
        assert "{" not in text and "}" not in text
        assert draft.recipient == ""


def test_an_interviewer_without_phone_or_email_leaves_those_open(alice):
    interview = InterviewFactory(
        application=ApplicationFactory(owner=alice),
        interviewers=[ContactFactory(owner=alice, name="Anna", email="", phone="")],
    )
    draft = generate(interview, Kind.CALL)
    assert "[interviewer's phone number]" in draft.body
    assert draft.recipient == ""


def test_company_and_position_missing_are_bracketed_too(alice):
    application = ApplicationFactory(owner=alice, company="  ", position="\n")
    draft, _ = services.draft_generate(
        owner=alice, kind=Kind.THANK_YOU, application=application, language="en"
    )
    assert "[company]" in draft.subject and "[position]" in draft.subject


def test_values_are_inserted_as_text_and_never_read_as_placeholders(alice):
    application = ApplicationFactory(owner=alice, company="{my_name} <b>Oy</b>", position="Dev")
    draft, _ = services.draft_generate(
        owner=alice, kind=Kind.THANK_YOU, application=application, language="en"
    )
    assert "{my_name} <b>Oy</b>" in draft.subject


def test_a_line_break_in_the_company_never_reaches_the_subject(alice):
    application = ApplicationFactory(owner=alice, company="Acme\r\nBcc: x@example.com")
    draft, _ = services.draft_generate(
        owner=alice, kind=Kind.FEEDBACK, application=application, language="en"
    )
    assert "\n" not in draft.subject and "\r" not in draft.subject
    assert "Acme Bcc: x@example.com" in draft.subject


def test_a_very_long_company_name_is_cut_to_fit_the_subject(alice):
    application = ApplicationFactory(owner=alice, company="A" * 200)
    draft, _ = services.draft_generate(
        owner=alice, kind=Kind.FEEDBACK, application=application, language="en"
    )
    assert len(draft.subject) == 200
    assert draft.subject.endswith("…")


def test_from_an_application_the_latest_held_interview_supplies_the_details(alice, interviewer):
    application = ApplicationFactory(owner=alice)
    InterviewFactory(
        application=application, starts_at=INTERVIEW_START - datetime.timedelta(days=30)
    )
    latest = InterviewFactory(application=application, starts_at=INTERVIEW_START)
    latest.interviewers.add(interviewer)
    InterviewFactory(application=application, starts_at=INTERVIEW_START, cancelled=True)

    draft, _ = services.draft_generate(
        owner=alice, kind=Kind.FEEDBACK, application=application, language="en"
    )
    assert draft.interview == latest
    assert "Anna Virtanen" in draft.body


def test_the_generate_button_makes_a_draft_and_opens_it(alice_client, alices_interview):
    response = alice_client.post(
        reverse("drafts:generate"),
        {
            "kind": "feedback",
            "application": alices_interview.application_id,
            "interview": alices_interview.pk,
        },
    )
    draft = Draft.objects.get()
    assert response.status_code == 302
    assert response.url == draft.get_absolute_url()
    assert draft.kind == Kind.FEEDBACK
    assert draft.interview == alices_interview


def test_pressing_the_button_twice_opens_the_same_draft(alice_client, alices_interview):
    data = {"kind": "thank_you", "interview": alices_interview.pk}
    first = alice_client.post(reverse("drafts:generate"), data)
    second = alice_client.post(reverse("drafts:generate"), data)
    assert Draft.objects.count() == 1
    assert first.url == second.url


def test_the_generate_button_works_from_an_application_page(alice_client, alices_application):
    response = alice_client.post(
        reverse("drafts:generate"), {"kind": "call", "application": alices_application.pk}
    )
    draft = Draft.objects.get()
    assert response.url == draft.get_absolute_url()
    assert draft.application == alices_application


def test_an_incomplete_generate_request_makes_nothing(alice_client):
    response = alice_client.post(reverse("drafts:generate"), {"kind": "call"})
    assert response.status_code == 302
    assert not Draft.objects.exists()


def test_the_language_defaults_to_the_users_choice(alice, alice_client, alices_interview):
    alice.language = "fi"
    alice.save()
    alice_client.post(
        reverse("drafts:generate"), {"kind": "feedback", "interview": alices_interview.pk}
    )
    assert Draft.objects.get().language == "fi"


def test_without_a_chosen_language_the_browsers_is_used(alice, alice_client, alices_interview):
    alice.language = ""
    alice.save()
    alice_client.post(
        reverse("drafts:generate"),
        {"kind": "feedback", "interview": alices_interview.pk},
        HTTP_ACCEPT_LANGUAGE="fi-FI,fi;q=0.9",
    )
    assert Draft.objects.get().language == "fi"


def test_the_generate_form_can_ask_for_a_language(alice_client, alices_interview):
    alice_client.post(
        reverse("drafts:generate"),
        {"kind": "feedback", "interview": alices_interview.pk, "language": "fi"},
    )
    assert Draft.objects.get().language == "fi"


def make_followup(interview, kind=FollowupKind.CALL):
    return Followup.objects.create(
        owner=interview.owner,
        application=interview.application,
        interview=interview,
        kind=kind,
        due_at=INTERVIEW_START,
        next_attempt_at=INTERVIEW_START,
    )


def test_the_reminder_link_writes_the_followups_draft_on_first_open(alice_client, alices_interview):
    followup = make_followup(alices_interview)
    url = reverse("drafts:for_followup", args=[followup.pk])

    first = alice_client.get(url)
    draft = Draft.objects.get()
    assert first.url == draft.get_absolute_url()
    assert draft.followup == followup
    assert draft.kind == Kind.CALL

    second = alice_client.get(url)
    assert second.url == first.url
    assert Draft.objects.count() == 1


def test_the_reminder_link_reuses_a_draft_made_from_the_interview_page(
    alice_client, alices_interview
):
    made = generate(alices_interview, Kind.FEEDBACK)
    followup = make_followup(alices_interview, FollowupKind.FEEDBACK)
    response = alice_client.get(reverse("drafts:for_followup", args=[followup.pk]))
    assert response.url == made.get_absolute_url()
    made.refresh_from_db()
    assert made.followup == followup


def test_the_reminder_link_asks_a_logged_out_visitor_to_log_in(client, alices_interview):
    followup = make_followup(alices_interview)
    response = client.get(reverse("drafts:for_followup", args=[followup.pk]))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    assert not Draft.objects.exists()


def test_the_new_draft_page_offers_only_the_users_applications(
    alice_client, bob, alices_application
):
    bobs = ApplicationFactory(owner=bob, company="Bob's company")
    html = alice_client.get(reverse("drafts:new")).content.decode()
    assert f'value="{alices_application.pk}"' in html
    assert "Bob&#x27;s company" not in html and f'value="{bobs.pk}"' not in html


def test_the_new_draft_page_shows_the_generate_buttons_for_an_interview(
    alice_client, alices_interview
):
    html = alice_client.get(reverse("drafts:new"), {"interview": alices_interview.pk}).content
    html = html.decode()
    for label in ("Thank-you email", "Request feedback", "Call script"):
        assert label in html
    assert f'name="interview" value="{alices_interview.pk}"' in html


@pytest.mark.parametrize("query", [{"interview": "x"}, {"application": ""}, {"interview": "0"}])
def test_the_new_draft_page_with_a_bad_id_is_a_404(alice_client, query):
    assert alice_client.get(reverse("drafts:new"), query).status_code == 404


def test_a_feedback_followup_without_interview_uses_the_latest_one(alice_client, alices_interview):
    followup = Followup.objects.create(
        owner=alices_interview.owner,
        application=alices_interview.application,
        interview=None,
        kind=FollowupKind.FEEDBACK,
        due_at=INTERVIEW_START,
        next_attempt_at=INTERVIEW_START,
    )
    alice_client.get(reverse("drafts:for_followup", args=[followup.pk]))
    draft = Draft.objects.get()
    assert draft.kind == Kind.FEEDBACK
    assert draft.interview == alices_interview
    assert "Anna Virtanen" in draft.body


def test_the_reminder_link_path_is_stable():
    """followups.links.draft_url builds this path; the reminder emails already sent use it."""
    assert reverse("drafts:for_followup", args=[42]) == "/drafts/for-followup/42/"
