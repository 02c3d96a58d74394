"""Every exports URL that takes an id or a token: only its owner reaches it, others get 404.

The meta-test fails when a URL with an id or a token is added without a case here.
"""

import pytest
from django.urls import reverse

from exports import urls
from exports.models import CalendarFeed, ImportJob
from tests.factories import ApplicationFactory, InterviewFactory

pytestmark = pytest.mark.django_db

# URL name → what its parameter names.
URLS_WITH_IDS = {
    "interview_ics": "an interview, by id, for its logged-in owner",
    "calendar_feed_ics": "a user's calendar feed, by its secret token alone",
    "import_job": "an import job, by id, for its logged-in owner",
    "import_job_status": "an import job's progress, by id, for its logged-in owner",
}


def test_every_url_that_takes_an_id_or_a_token_is_covered():
    with_params = {p.name for p in urls.urlpatterns if p.pattern.converters}
    assert with_params == set(URLS_WITH_IDS)


@pytest.fixture
def alices_interview(alice):
    return InterviewFactory(application=ApplicationFactory(owner=alice, company="Alice Oy"))


def test_another_users_interview_ics_is_a_404(bob_client, alices_interview):
    url = reverse("exports:interview_ics", args=[alices_interview.pk])
    assert bob_client.get(url).status_code == 404


def test_the_owner_gets_the_interview_ics(alice_client, alices_interview):
    url = reverse("exports:interview_ics", args=[alices_interview.pk])
    assert alice_client.get(url).status_code == 200


@pytest.mark.parametrize("pk", [0, 999_999, 99_999_999_999_999_999_999])
def test_an_interview_that_does_not_exist_is_a_404(alice_client, pk):
    assert alice_client.get(reverse("exports:interview_ics", args=[pk])).status_code == 404


def test_the_interview_ics_needs_a_login(client, alices_interview):
    response = client.get(reverse("exports:interview_ics", args=[alices_interview.pk]))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_a_feed_token_shows_its_owners_calendar_and_nobody_elses(client, alices_interview, bob):
    alices = CalendarFeed.objects.create(owner=alices_interview.owner)
    bobs = CalendarFeed.objects.create(owner=bob)
    alice_feed = client.get(reverse("exports:calendar_feed_ics", args=[alices.token]))
    bob_feed = client.get(reverse("exports:calendar_feed_ics", args=[bobs.token]))
    assert alice_feed.status_code == bob_feed.status_code == 200
    assert b"Alice Oy" in alice_feed.content
    assert b"Alice Oy" not in bob_feed.content


@pytest.mark.parametrize(
    "token", ["unknown", "x" * 64, "x" * 500, "..", "%00", "' OR 1=1 --", "\u0661"]
)
def test_a_token_of_no_feed_is_a_404(client, alice, token):
    CalendarFeed.objects.create(owner=alice)
    assert client.get(reverse("exports:calendar_feed_ics", args=[token])).status_code == 404


def test_the_feed_of_a_deactivated_user_is_a_404(client, alice):
    feed = CalendarFeed.objects.create(owner=alice)
    alice.is_active = False
    alice.save()
    assert client.get(reverse("exports:calendar_feed_ics", args=[feed.token])).status_code == 404


@pytest.fixture
def alices_import(alice):
    return ImportJob.objects.create(owner=alice, kind="json", filename="alice.json")


@pytest.mark.parametrize("name", ["import_job", "import_job_status"])
def test_another_users_import_job_is_a_404(bob_client, alices_import, name):
    assert bob_client.get(reverse(f"exports:{name}", args=[alices_import.pk])).status_code == 404


@pytest.mark.parametrize("name", ["import_job", "import_job_status"])
def test_the_owner_sees_the_import_job(alice_client, alices_import, name):
    assert alice_client.get(reverse(f"exports:{name}", args=[alices_import.pk])).status_code == 200


@pytest.mark.parametrize("name", ["import_job", "import_job_status"])
def test_an_import_job_needs_a_login(client, alices_import, name):
    response = client.get(reverse(f"exports:{name}", args=[alices_import.pk]))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
