"""Every drafts URL that takes an id: another user gets 404 and nothing changes."""

import pytest
from django.urls import reverse

from drafts import urls
from drafts.models import Draft, DraftTemplate
from followups.models import Followup, Kind
from tests.drafts.conftest import INTERVIEW_START
from tests.drafts.factories import DraftFactory

pytestmark = pytest.mark.django_db

DRAFT_CASES = [
    ("detail", "get"),
    ("detail", "post"),
    ("regenerate", "post"),
    ("delete", "get"),
    ("delete", "post"),
    ("print", "get"),
    ("export_eml", "get"),
    ("export_txt", "get"),
    ("mark_sent", "post"),
]
POST_DATA = {"recipient": "", "subject": "Bob was here", "body": "Bob was here", "language": "fi"}


@pytest.fixture
def alices_draft(alices_interview):
    return DraftFactory(application=alices_interview.application, interview=alices_interview)


@pytest.fixture
def alices_followup(alices_interview):
    return Followup.objects.create(
        owner=alices_interview.owner,
        application=alices_interview.application,
        interview=alices_interview,
        kind=Kind.CALL,
        due_at=INTERVIEW_START,
        next_attempt_at=INTERVIEW_START,
    )


def snapshot():
    return list(Draft.objects.values()), list(DraftTemplate.objects.values())


def test_every_url_that_takes_an_id_is_covered():
    with_id = {
        p.name for p in urls.urlpatterns if {"pk", "followup_id"} & set(p.pattern.converters)
    }
    assert with_id == {name for name, _ in DRAFT_CASES} | {"for_followup"}


@pytest.mark.parametrize(("name", "method"), DRAFT_CASES)
def test_another_users_draft_is_a_404_and_nothing_changes(bob_client, alices_draft, name, method):
    before = snapshot()
    url = reverse(f"drafts:{name}", args=[alices_draft.pk])
    response = getattr(bob_client, method)(url, POST_DATA if method == "post" else None)
    assert response.status_code == 404
    assert snapshot() == before


def test_another_users_followup_link_is_a_404_and_writes_nothing(bob_client, alices_followup):
    response = bob_client.get(reverse("drafts:for_followup", args=[alices_followup.pk]))
    assert response.status_code == 404
    assert not Draft.objects.exists()


@pytest.mark.parametrize("field", ["application", "interview"])
def test_generating_from_another_users_application_or_interview_is_a_404(
    bob_client, alices_interview, field
):
    target = alices_interview if field == "interview" else alices_interview.application
    response = bob_client.post(reverse("drafts:generate"), {"kind": "feedback", field: target.pk})
    assert response.status_code == 404
    assert not Draft.objects.exists()


def test_another_users_draft_in_a_zip_selection_is_a_404(bob_client, alices_draft):
    response = bob_client.post(
        reverse("drafts:export_zip"), {"scope": "selected", "ids": [alices_draft.pk]}
    )
    assert response.status_code == 404


def test_the_drafts_list_shows_only_the_users_own(bob_client, alices_draft):
    html = bob_client.get(reverse("drafts:list")).content.decode()
    assert alices_draft.subject not in html
    assert alices_draft.get_absolute_url() not in html


def test_a_draft_that_does_not_exist_is_a_404(alice_client):
    assert alice_client.get(reverse("drafts:detail", args=[999_999])).status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        reverse("drafts:list"),
        reverse("drafts:templates"),
        reverse("drafts:template_edit", args=["call", "fi"]),
        reverse("drafts:detail", args=[1]),
        reverse("drafts:export_eml", args=[1]),
    ],
)
def test_every_page_needs_a_login(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("field", ["application", "interview"])
def test_the_new_draft_page_with_another_users_id_is_a_404(bob_client, alices_interview, field):
    target = alices_interview if field == "interview" else alices_interview.application
    response = bob_client.get(reverse("drafts:new"), {field: target.pk})
    assert response.status_code == 404
