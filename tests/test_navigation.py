"""The navigation marks the current section, switches language for a logged-in person, and the
application list searches without accents and filters by several statuses."""

import re

import pytest
from django.urls import reverse

from applications.models import Status
from tests.factories import ApplicationFactory, FollowupFactory, InterviewFactory


def current_links(html: str) -> list[str]:
    return re.findall(
        r'<a class="nav-link active" aria-current="page" href="[^"]*">([^<]+)</a>', html
    )


@pytest.fixture
def data(alice):
    application = ApplicationFactory(owner=alice, company="Wärtsilä Oyj", position="Engineer")
    interview = InterviewFactory(application=application)
    followup = FollowupFactory(application=application)
    return application, interview, followup


@pytest.mark.parametrize(
    ("url", "section"),
    [
        (lambda d: reverse("applications:dashboard"), "Today"),
        (lambda d: reverse("applications:board"), "Board"),
        (lambda d: reverse("applications:application_list"), "Applications"),
        (lambda d: d[0].get_absolute_url(), "Applications"),
        (lambda d: reverse("applications:application_update", args=[d[0].pk]), "Applications"),
        (lambda d: reverse("applications:interview_list"), "Interviews"),
        (lambda d: d[1].get_absolute_url(), "Interviews"),
        (lambda d: reverse("applications:interview_create"), "Interviews"),
        (lambda d: reverse("applications:contact_list"), "Contacts"),
        (lambda d: reverse("followups:followup_list"), "Follow-ups"),
        (lambda d: d[2].get_absolute_url(), "Follow-ups"),
        (lambda d: reverse("drafts:list"), "Drafts"),
        (lambda d: reverse("insights:index"), "Insights"),
    ],
)
def test_the_navigation_marks_the_section_of_every_page(alice_client, data, url, section):
    html = alice_client.get(url(data)).content.decode()
    assert current_links(html) == [section]


def test_pages_outside_the_sections_mark_none(alice_client, data):
    html = alice_client.get(reverse("preferences")).content.decode()
    assert current_links(html) == []


def test_a_logged_in_person_switches_language_and_it_is_saved(alice_client, alice):
    page = alice_client.get(reverse("applications:application_list")).content.decode()
    assert 'action="/accounts/language/"' in page and ">Suomeksi</button>" in page

    response = alice_client.post(
        reverse("language"), {"language": "fi", "next": "/applications/?q=x"}
    )

    assert response.status_code == 302 and response.url == "/applications/?q=x"
    alice.refresh_from_db()
    assert alice.language == "fi"
    page = alice_client.get(reverse("applications:application_list")).content.decode()
    assert '<html lang="fi">' in page and ">In English</button>" in page


def test_the_switch_does_not_redirect_off_site(alice_client, alice):
    response = alice_client.post(
        reverse("language"), {"language": "fi", "next": "https://evil.example/"}
    )
    assert response.status_code == 302 and "evil" not in response.url


def listed(client, **params) -> list[str]:
    response = client.get(reverse("applications:application_list"), params)
    return sorted(a.company for a in response.context["page_obj"])


def test_search_ignores_accents_and_case_and_reads_location_and_notes(alice_client, alice, bob):
    ApplicationFactory(owner=alice, company="Wärtsilä Oyj")
    ApplicationFactory(owner=alice, company="Kone Oyj", location="Espoo")
    ApplicationFactory(owner=alice, company="Fazer", notes="Met Müller at the café")
    ApplicationFactory(owner=bob, company="Wärtsilä Oyj")

    assert listed(alice_client, q="wartsila") == ["Wärtsilä Oyj"]
    assert listed(alice_client, q="WÄRTSILÄ") == ["Wärtsilä Oyj"]
    assert listed(alice_client, q="espoo") == ["Kone Oyj"]
    assert listed(alice_client, q="muller cafe") == ["Fazer"]
    assert listed(alice_client, q="oyj wärts") == ["Wärtsilä Oyj"]


def test_the_status_filter_takes_several_statuses_and_all_active(alice_client, alice):
    for status in Status:
        ApplicationFactory(owner=alice, company=status.label, status=status)

    assert listed(alice_client, status=["offer", "rejected"]) == ["Offer", "Rejected"]
    page = alice_client.get(reverse("applications:application_list"), {"q": "o"})
    link = re.search(r'<a href="([^"]+)">All active</a>', page.content.decode()).group(1)
    active = alice_client.get(link.replace("&amp;", "&"))
    companies = sorted(a.company for a in active.context["page_obj"])
    assert companies == ["Applied", "Interviewing", "Offer", "Saved"]
    assert "q=o" in link  # the preset keeps the search
