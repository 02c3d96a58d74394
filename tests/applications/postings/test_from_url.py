"""Add from posting URL: the address, the worker's fetch, then the prefilled form; nothing saved
until Save. The posting pages are served by a local server (POSTING_FETCH_ALLOW_PRIVATE on)."""

import datetime
import re
import time

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from applications.models import Application, Status
from applications.postings import captures, fetch
from core.addresses import public_only
from tests.applications.helpers import application_data
from tests.exports.jobs import run_jobs

pytestmark = pytest.mark.usefixtures("allow_private")

FROM_URL = reverse("applications:posting_from_url")
NEW = reverse("applications:application_create")


def add_from_url(client, url: str):
    """Posts the address with the worker's fetch run at once; the page it ends on."""
    with run_jobs():
        response = client.post(FROM_URL, {"posting_url": url})
    assert response.status_code == 302, response.content
    waiting = client.get(response["Location"])
    if waiting.status_code == 302:
        return client.get(waiting["Location"])
    return waiting


def initial(response) -> dict:
    form = response.context["form"]
    return {name: form[name].value() for name in form.fields}


def test_the_prefilled_form_from_a_json_ld_posting(alice_client, server):
    server.fixture("/jobs/4711", "jsonld.html")

    response = add_from_url(alice_client, server.url("/jobs/4711"))

    assert response.status_code == 200
    assert response.request["PATH_INFO"] == NEW
    values = initial(response)
    assert values["company"] == "Vaisala Oyj"
    assert values["position"] == "Ohjelmistokehittäjä (Python)"
    assert values["location"] == "Vantaa, FI"
    assert values["posting_url"] == server.url("/jobs/4711")
    assert values["employment_type"] == "full_time"
    assert values["apply_by"] == "2026-12-15"
    assert (values["salary_min"], values["salary_max"]) == ("3800.00", "4600.50")
    assert (values["salary_currency"], values["salary_period"]) == ("EUR", "month")
    assert values["status"] == Status.SAVED
    assert values["description"].startswith("Etsimme kehittäjää tiimiimme.")
    assert "Filled in from the posting" in response.content.decode()
    assert not Application.objects.exists()


@pytest.mark.parametrize(
    ("fixture", "note"),
    [
        ("og_only.html", "The page has no job posting data"),
        ("broken.html", "structured data (JSON-LD) is not valid JSON"),
        ("several.html", "The page has 3 job postings; the first"),
    ],
)
def test_what_could_not_be_read_is_said_on_the_form(alice_client, server, fixture, note):
    server.fixture("/job", fixture)
    response = add_from_url(alice_client, server.url("/job"))
    assert response.request["PATH_INFO"] == NEW
    assert note in response.content.decode()
    assert not Application.objects.exists()


def test_saving_the_prefilled_form_twice_keeps_one_application(alice_client, alice, server):
    """The capture is the form's submission key: Save, Back, Save is one application."""
    server.fixture("/job", "graph.html")
    response = add_from_url(alice_client, server.url("/job"))
    form = response.context["form"]
    data = {name: form[name].value() or "" for name in form.fields}
    url = response.request["PATH_INFO"] + "?" + response.request["QUERY_STRING"]

    first = alice_client.post(url, data)
    again = alice_client.get(url)  # the back button, if the browser reloads the form
    data["submission_key"] = str(again.context["form"]["submission_key"].value())
    second = alice_client.post(url, data)

    application = Application.objects.get(owner=alice)
    assert first["Location"] == second["Location"] == application.get_absolute_url()
    assert application.company == "Kone Oyj"
    assert application.salary_period == "year"
    assert application.description.startswith("Build our data pipelines.")


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("javascript:alert(1)", "Only http:// and https:// addresses can be fetched"),
        ("file:///etc/passwd", "Only http:// and https:// addresses can be fetched"),
        ("JAVASCRIPT:alert(1)", "Only http:// and https:// addresses can be fetched"),
        ("not an address", "Enter the web address of the posting"),
    ],
)
def test_an_address_that_is_no_web_address_is_refused_at_once(alice_client, url, message):
    with run_jobs():
        response = alice_client.post(FROM_URL, {"posting_url": url})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert response.context["form"]["posting_url"].value() == url
    assert not Application.objects.exists()


def test_an_address_without_a_scheme_is_taken_as_https(alice_client):
    response = alice_client.post(FROM_URL, {"posting_url": "duunitori.example/jobs/1"})
    assert response.status_code == 302


def refused_page(client, url: str) -> str:
    """The fetch failed: the address page again, the address kept, the reason under it."""
    response = add_from_url(client, url)
    assert response.status_code == 200
    assert response.request["PATH_INFO"].startswith(FROM_URL)
    form = response.context["form"]
    assert form["posting_url"].value() == url
    assert not Application.objects.exists()
    return " ".join(form.errors["posting_url"])


def test_a_fifty_megabyte_page_is_refused_with_a_clear_message(alice_client, server):
    server.endless("/huge")
    assert "The page is larger than 2 MB" in refused_page(alice_client, server.url("/huge"))


def test_a_page_that_times_out_is_refused_with_a_clear_message(alice_client, server, monkeypatch):
    monkeypatch.setattr(fetch, "TIMEOUT_SECONDS", 0.3)
    server.hanging("/slow")
    assert "did not load within 0.3 seconds" in refused_page(alice_client, server.url("/slow"))


def test_a_response_that_is_no_web_page_is_refused(alice_client, server):
    server.page("/job.pdf", b"%PDF", content_type="application/pdf")
    message = refused_page(alice_client, server.url("/job.pdf"))
    assert "application/pdf, not a web page" in message


def test_a_page_with_nothing_of_a_job_is_refused(alice_client, server):
    server.page("/empty", "<html><body><p>Nothing here</p></body></html>")
    message = refused_page(alice_client, server.url("/empty"))
    assert "No job posting was found on the page" in message


def test_a_redirect_to_127_0_0_1_is_refused(alice_client, settings, server, monkeypatch):
    """The posting's server is allowed (as a public one would be); its redirect is not."""
    settings.POSTING_FETCH_ALLOW_PRIVATE = False
    server.redirect("/job", "http://127.0.0.1:9/admin/")

    def only_the_posting_server(ip, port):
        return None if port == server.port else public_only(ip, port)

    monkeypatch.setattr(fetch, "default_policy", lambda: only_the_posting_server)
    message = refused_page(alice_client, server.url("/job"))
    assert "127.0.0.1 is at 127.0.0.1, this server's own loopback address" in message


def test_without_the_setting_the_local_server_itself_is_refused(alice_client, settings, server):
    settings.POSTING_FETCH_ALLOW_PRIVATE = False
    server.fixture("/job", "jsonld.html")
    assert "only from public addresses" in refused_page(alice_client, server.url("/job"))
    assert server.requests == []


def test_the_failed_fetch_offers_the_form_by_hand_with_the_address(alice_client, server):
    server.page("/job.pdf", b"%PDF", content_type="application/pdf")
    response = add_from_url(alice_client, server.url("/job.pdf"))
    by_hand = response.context["by_hand_url"]
    form = alice_client.get(by_hand).context["form"]
    assert form["posting_url"].value() == server.url("/job.pdf")
    assert form["company"].value() in (None, "")


# --- The waiting page ----------------------------------------------------------------------------


def queued(client) -> str:
    """Posts an address without running the worker: the token of the waiting capture."""
    response = client.post(FROM_URL, {"posting_url": "https://jobs.example/1"})
    return re.search(r"/from-url/([0-9a-f]{32})/", response["Location"]).group(1)


def test_the_waiting_page_polls_until_the_worker_is_done(alice_client):
    token = queued(alice_client)
    page = alice_client.get(reverse("applications:posting_fetch", args=[token]))
    assert page.status_code == 200
    assert "Reading the posting" in page.content.decode()
    assert page["Cache-Control"].startswith("max-age=0")
    status_url = reverse("applications:posting_fetch_status", args=[token])
    assert alice_client.get(status_url).json()["finished"] is False

    captures.capture_fetch(token=token)  # the worker, failing: no such host here

    assert alice_client.get(status_url).json()["finished"] is True


def test_a_fetch_that_waits_too_long_says_the_worker_may_not_run(alice_client):
    token = queued(alice_client)
    status_url = reverse("applications:posting_fetch_status", args=[token])
    assert alice_client.get(status_url).json()["hint"] == ""
    with time_machine.travel(time.time() + 11):
        hint = alice_client.get(status_url).json()["hint"]
    assert "the background worker may not be running" in hint


def test_another_person_cannot_open_a_capture(alice_client, bob):
    token = queued(alice_client)
    bob_client = Client()
    bob_client.force_login(bob)
    response = bob_client.get(reverse("applications:posting_fetch", args=[token]))
    assert response.status_code == 404
    form = bob_client.get(f"{NEW}?capture={token}")
    assert "This captured posting is no longer here" in form.content.decode()
    assert form.context["form"]["posting_url"].value() in (None, "")


@pytest.mark.parametrize("token", ["nope", "0" * 32, "../" * 5, "A" * 32])
def test_an_unknown_or_malformed_capture_is_a_clear_page(alice_client, token):
    response = alice_client.get(f"{NEW}?capture={token}")
    assert response.status_code == 200
    assert "This captured posting is no longer here" in response.content.decode()


def test_a_capture_expires(alice_client):
    token = queued(alice_client)
    with time_machine.travel(
        datetime.datetime.now(datetime.UTC) + datetime.timedelta(hours=7), tick=False
    ):
        response = alice_client.get(reverse("applications:posting_fetch", args=[token]))
    assert response.status_code == 404


def test_fetches_are_limited_per_person(alice_client, monkeypatch):
    from applications.views import postings

    monkeypatch.setattr(postings, "FETCH_LIMIT", 2)
    codes = [
        alice_client.post(FROM_URL, {"posting_url": "https://jobs.example/1"}).status_code
        for _ in range(3)
    ]
    assert codes == [302, 302, 429]


def test_the_new_application_form_and_the_list_offer_both_ways(alice_client):
    for url in (NEW, reverse("applications:application_list")):
        html = alice_client.get(url).content.decode()
        assert f'href="{FROM_URL}"' in html
        assert f'href="{reverse("applications:bookmarklet")}"' in html


def test_the_form_without_a_capture_is_as_before(alice_client, alice):
    response = alice_client.post(NEW, application_data())
    assert response.status_code == 302
    assert Application.objects.get(owner=alice).status == Status.APPLIED
