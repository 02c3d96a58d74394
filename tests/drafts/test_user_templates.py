"""The user's own templates: saved, checked, used for new drafts, and reset to the built-in."""

import pytest
from django.urls import reverse

from drafts import rendering, services
from drafts.builtin import BUILTIN
from drafts.models import DraftTemplate, Kind
from tests.drafts.factories import DraftTemplateFactory

pytestmark = pytest.mark.django_db

EDIT_URL = reverse("drafts:template_edit", args=["thank_you", "en"])


def test_the_templates_page_lists_every_kind_in_both_languages(alice_client):
    html = alice_client.get(reverse("drafts:templates")).content.decode()
    for kind in ("thank_you", "feedback", "call", "check_in"):
        for language in ("en", "fi"):
            assert reverse("drafts:template_edit", args=[kind, language]) in html
    assert html.count("Built-in") == 8


def test_the_edit_page_starts_from_the_builtin_and_documents_the_placeholders(alice_client):
    response = alice_client.get(EDIT_URL)
    assert response.status_code == 200
    assert response.context["form"].initial == BUILTIN[(Kind.THANK_YOU, "en")]
    html = response.content.decode()
    for placeholder in rendering.PLACEHOLDERS:
        assert f"<code>&#123;{placeholder.name}&#125;</code>" in html
    assert "Reset to built-in" not in html


def test_a_valid_template_is_saved_and_used_for_new_drafts(alice, alice_client, alices_interview):
    response = alice_client.post(
        EDIT_URL,
        {
            "subject": "Kiitos, {interviewer_name}!",
            "body": "Thanks for {interview_date}, {{literally}}.\n{my_name} / {company}",
        },
    )
    assert response.status_code == 302
    template = DraftTemplate.objects.get(owner=alice)
    assert (template.kind, template.language) == (Kind.THANK_YOU, "en")

    draft, _ = services.draft_generate(
        owner=alice,
        kind=Kind.THANK_YOU,
        application=alices_interview.application,
        interview=alices_interview,
        language="en",
    )
    assert draft.subject == "Kiitos, Anna Virtanen!"
    assert draft.body == "Thanks for 11 March 2026, {literally}.\nAlice Example / Yhtiö Ääni Oy"


def test_saving_again_replaces_the_users_template(alice, alice_client):
    alice_client.post(EDIT_URL, {"subject": "One", "body": "One"})
    alice_client.post(EDIT_URL, {"subject": "Two", "body": "Two"})
    assert DraftTemplate.objects.get(owner=alice).subject == "Two"


def test_a_template_only_changes_its_own_kind_and_language(alice, alices_interview):
    DraftTemplateFactory(owner=alice, kind=Kind.THANK_YOU, language="fi", subject="Oma")
    draft, _ = services.draft_generate(
        owner=alice,
        kind=Kind.THANK_YOU,
        application=alices_interview.application,
        interview=alices_interview,
        language="en",
    )
    assert draft.subject.startswith("Thank you for the interview")


def test_another_users_template_is_never_used(alice, bob, alices_interview):
    DraftTemplateFactory(owner=bob, kind=Kind.THANK_YOU, language="en", subject="Bob's")
    draft, _ = services.draft_generate(
        owner=alice,
        kind=Kind.THANK_YOU,
        application=alices_interview.application,
        interview=alices_interview,
        language="en",
    )
    assert "Bob" not in draft.subject


@pytest.mark.parametrize(
    ("field", "text", "named"),
    [
        ("body", "Hello {compnay}", "{compnay}"),
        ("subject", "Hello {company.__class__}", "{company.__class__}"),
        ("body", "{company.__class__.__mro__}", "{company.__class__.__mro__}"),
        ("body", "{company[0]}", "{company[0]}"),
        ("body", "{0}", "{0}"),
        ("body", "{}", "{}"),
        ("body", "{company!r}", "{company!r}"),
        ("body", "{company:>10}", "{company:&gt;10}"),
        ("body", "Hi {company", "“{”"),
        ("subject", "Hi company}", "“}”"),
        ("body", "{{company}", "“}”"),
    ],
)
def test_an_unknown_placeholder_or_broken_brace_is_a_form_error_naming_it(
    alice_client, field, text, named
):
    data = {"subject": "Fine {company}", "body": "Fine {position}"}
    data[field] = text
    response = alice_client.post(EDIT_URL, data)

    assert response.status_code == 200
    errors = response.context["form"].errors[field]
    assert errors
    assert named in response.content.decode()
    assert not DraftTemplate.objects.exists()


def test_attribute_access_never_reaches_the_object():
    with pytest.raises(rendering.TemplateError):
        rendering.render("{company.__class__}", {"company": "Acme"})
    with pytest.raises(rendering.TemplateError):
        rendering.render("{company.__init__.__globals__}", {"company": "Acme"})


@pytest.mark.parametrize(("field", "length"), [("subject", 201), ("body", 5001)])
def test_an_over_long_template_is_a_form_error(alice_client, field, length):
    data = {"subject": "S", "body": "B"}
    data[field] = "x" * length
    response = alice_client.post(EDIT_URL, data)
    assert response.context["form"].errors[field]
    assert not DraftTemplate.objects.exists()


def test_reset_to_builtin_deletes_the_users_template(alice, alice_client, alices_interview):
    DraftTemplateFactory(owner=alice, kind=Kind.THANK_YOU, language="en")
    assert "Reset to built-in" in alice_client.get(EDIT_URL).content.decode()

    response = alice_client.post(reverse("drafts:template_reset", args=["thank_you", "en"]))
    assert response.status_code == 302
    assert not DraftTemplate.objects.exists()
    draft, _ = services.draft_generate(
        owner=alice,
        kind=Kind.THANK_YOU,
        application=alices_interview.application,
        interview=alices_interview,
        language="en",
    )
    assert draft.subject.startswith("Thank you for the interview")


def test_reset_leaves_other_users_templates_alone(bob, alice_client):
    DraftTemplateFactory(owner=bob, kind=Kind.THANK_YOU, language="en")
    alice_client.post(reverse("drafts:template_reset", args=["thank_you", "en"]))
    assert DraftTemplate.objects.filter(owner=bob).exists()


@pytest.mark.parametrize(("kind", "language"), [("letter", "en"), ("call", "sv"), ("CALL", "en")])
def test_an_unknown_kind_or_language_is_a_404(alice_client, kind, language):
    assert alice_client.get(f"/drafts/templates/{kind}/{language}/").status_code == 404
    assert alice_client.post(f"/drafts/templates/{kind}/{language}/reset/").status_code == 404


def test_rendering_substitutes_in_one_pass():
    values = {"company": "{position}", "position": "Dev"}
    assert rendering.render("{company} {position}", values) == "{position} Dev"


def test_dates_are_written_for_the_language():
    import datetime

    day = datetime.date(2026, 3, 12)
    assert rendering.format_date(day, "fi") == "12.3.2026"
    assert rendering.format_date(day, "en") == "12 March 2026"
