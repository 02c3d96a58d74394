"""Every drafts page parses as strict HTML (unclosed or mis-nested tags break forms silently)."""

import html5lib
import pytest
from django.urls import reverse

from drafts import services
from drafts.models import Kind
from tests.drafts.factories import DraftTemplateFactory
from tests.factories import ApplicationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(alice):
    alice.display_name = ""
    alice.save()
    draft, _ = services.draft_generate(
        owner=alice,
        kind=Kind.CALL,
        application=ApplicationFactory(owner=alice, company="<Ääni & Co>"),
        language="fi",
    )
    return draft


def urls(draft, interview):
    return [
        reverse("drafts:list"),
        reverse("drafts:list") + "?kind=call",
        reverse("drafts:new"),
        reverse("drafts:new") + f"?application={draft.application_id}",
        reverse("drafts:new") + f"?interview={interview.pk}",
        reverse("drafts:detail", args=[draft.pk]),
        reverse("drafts:delete", args=[draft.pk]),
        reverse("drafts:print", args=[draft.pk]),
        reverse("drafts:templates"),
        reverse("drafts:template_edit", args=["call", "fi"]),
        reverse("drafts:template_edit", args=["thank_you", "en"]),
    ]


def test_every_page_is_valid_html(alice, alice_client, draft, alices_interview):
    DraftTemplateFactory(owner=alice, kind=Kind.THANK_YOU, language="en")
    for url in urls(draft, alices_interview):
        response = alice_client.get(url)
        assert response.status_code == 200, url
        html5lib.HTMLParser(strict=True).parse(response.content)


def test_every_form_carries_one_csrf_token(alice_client, draft):
    html = alice_client.get(draft.get_absolute_url()).content.decode()
    # The edit form and the regenerate form (plus the log-out form in the navigation).
    assert html.count('name="csrfmiddlewaretoken"') == html.count('method="post"')
