"""Error pages speak the user's language and lead back into the application."""

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse
from django.views.defaults import server_error

from tests.factories import ApplicationFactory

pytestmark = pytest.mark.django_db


def test_another_users_application_is_a_404_page_in_finnish(client, alice, bob):
    bob.language = "fi"
    bob.save()
    client.force_login(bob)
    response = client.get(ApplicationFactory(owner=alice).get_absolute_url())
    assert response.status_code == 404
    page = response.content.decode()
    assert "<h1" in page and "Sivua ei löydy" in page
    assert 'aria-label="Päänavigaatio"' in page or "<nav" in page
    assert reverse("applications:dashboard") in page
    assert alice.email not in page


def test_a_missing_page_is_a_404_page_in_english(alice_client):
    response = alice_client.get("/applications/999999999/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_a_form_without_its_csrf_token_is_refused_with_a_way_back(alice):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    response = client.post(reverse("applications:application_create"), {"company": "Acme"})
    assert response.status_code == 403
    page = response.content.decode()
    assert "The form has expired" in page
    assert "Nothing was saved" in page


def test_the_server_error_page_needs_no_request_context():
    """Rendered on an unexpected error: it must not depend on the database or the user."""
    response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode()


def test_the_server_error_page_does_not_touch_static_files(settings):
    """With the manifest storage and no manifest (static files not collected), a page with a
    {% static %} tag raises; the 500 page must not, or it would hide the error it reports."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
    }
    settings.STATIC_ROOT = "/nonexistent-seuranta-static"
    response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    assert "<link" not in response.content.decode()
