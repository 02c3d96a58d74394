"""The one owner-filtered look-up, and the meta-test that every URL with an id goes through it."""

import pytest
from django.http import Http404
from django.test import RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver, reverse

import core.lookups
from applications.models import Application, Interview
from core.lookups import get_owned_or_404
from core.validators import MAX_ID
from tests.factories import ApplicationFactory, InterviewFactory

pytestmark = pytest.mark.django_db

# URLs with an id that the owner-filtered look-up does not serve, and why: the signed token in
# the URL is the authority (followups.links), so they work without a session.
NOT_BY_SESSION = {"followups:signed_action"}


def request_by(user):
    request = RequestFactory().get("/")
    request.user = user
    return request


def test_the_owner_gets_their_row(alice):
    application = ApplicationFactory(owner=alice)
    assert get_owned_or_404(request_by(alice), Application, application.pk) == application


def test_another_users_row_is_a_404(alice, bob):
    application = ApplicationFactory(owner=bob)
    with pytest.raises(Http404):
        get_owned_or_404(request_by(alice), Application, application.pk)


def test_a_queryset_is_filtered_by_owner_too(alice, bob):
    interview = InterviewFactory(application=ApplicationFactory(owner=bob))
    queryset = Interview.objects.select_related("application")
    with pytest.raises(Http404):
        get_owned_or_404(request_by(alice), queryset, interview.pk)
    assert get_owned_or_404(request_by(bob), queryset, interview.pk) == interview


@pytest.mark.parametrize("value", ["", "abc", "-1", "0", " 7", "\u0667", str(MAX_ID + 1), None])
def test_a_value_that_is_no_id_is_a_404_before_any_query(alice, value, django_assert_num_queries):
    with django_assert_num_queries(0), pytest.raises(Http404):
        get_owned_or_404(request_by(alice), Application, value)


def urls_with_ids(patterns=None, namespace=""):
    """(qualified name, the pattern's converters) of every named URL in the project."""
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from urls_with_ids(entry.url_patterns, inner)
        elif isinstance(entry, URLPattern) and entry.name and entry.pattern.converters:
            yield f"{namespace}{entry.name}", entry.pattern.converters


def test_every_url_with_an_id_looks_it_up_through_the_owner_filtered_helper(
    alice_client, monkeypatch
):
    """An id that is not the user's is a 404 from get_owned_or_404, for GET or POST alike.

    Counting the helper's look-ups (its get_object_or_404) shows which views use it; a new URL
    with an id whose view looks rows up some other way fails here.
    """
    looked_up = []
    real = core.lookups.get_object_or_404

    def spy(queryset, *args, **kwargs):
        looked_up.append(queryset.model)
        return real(queryset, *args, **kwargs)

    monkeypatch.setattr(core.lookups, "get_object_or_404", spy)
    checked = set()
    for name, converters in urls_with_ids():
        kinds = {type(converter).__name__ for converter in converters.values()}
        if kinds != {"IntConverter"}:
            continue
        assert name not in NOT_BY_SESSION
        url = reverse(name, kwargs=dict.fromkeys(converters, 999_999))
        looked_up.clear()
        response = alice_client.get(url)
        if response.status_code == 405:
            response = alice_client.post(url)
        assert response.status_code == 404, (name, response.status_code)
        assert looked_up, f"{name} answered 404 without get_owned_or_404"
        checked.add(name)
    assert {"applications:application_detail", "drafts:detail", "exports:interview_ics"} <= checked
    assert {"followups:followup_detail", "drafts:for_followup"} <= checked
    assert {
        "applications:document_create",
        "applications:document_download",
        "applications:document_delete",
    } <= checked


def test_the_urls_left_out_have_an_id_and_a_token():
    names = {
        name
        for name, converters in urls_with_ids()
        if "IntConverter" in {type(c).__name__ for c in converters.values()}
        and {type(c).__name__ for c in converters.values()} != {"IntConverter"}
    }
    assert names == NOT_BY_SESSION
