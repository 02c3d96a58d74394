"""Imports run as jobs of the worker: a page with progress, all or nothing, one run per job."""

import datetime
import io
import json

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import IntegrityError
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from applications.models import Application
from exports import json_import, services
from exports.json_export import export_account
from exports.models import ImportJob
from exports.progress import Phase, progress_set
from tests.exports.fixtures import fill_account
from tests.exports.jobs import run_jobs
from tests.exports.test_json_import import comparable, counts, export_of


def post_json(client, data, *, take_preferences=False):
    file = SimpleUploadedFile("export.json", json.dumps(data).encode(), "application/json")
    form = {"file": file, **({"take_preferences": "on"} if take_preferences else {})}
    return client.post(reverse("exports:import_json"), form)


def upload_and_run(client, data, **options):
    with run_jobs():
        response = post_json(client, data, **options)
    assert response.status_code == 302, response.content.decode()
    return client.get(response.url)


def status(client, job) -> dict:
    return client.get(reverse("exports:import_job_status", args=[job.pk])).json()


def test_an_upload_waits_for_the_worker_and_the_page_says_so(bob_client, bob):
    response = post_json(bob_client, {"schema": "seuranta-export", "version": 1})

    job = ImportJob.objects.get(owner=bob)
    assert response["Location"] == job.get_absolute_url()
    page = bob_client.get(response["Location"]).content.decode()
    assert "Waiting for the background worker" in page
    # Without JavaScript the page refreshes itself; with it, the script polls.
    assert '<noscript><meta http-equiv="refresh"' in page
    assert "js/waiting.js" in page
    assert status(bob_client, job)["state"] == "queued"
    assert status(bob_client, job)["finished"] is False


def test_a_long_wait_suggests_the_worker_may_not_be_running(bob_client, bob):
    job = ImportJob.objects.create(owner=bob, kind="json")
    ImportJob.objects.filter(pk=job.pk).update(
        created_at=timezone.now() - datetime.timedelta(minutes=5)
    )
    assert "may not be running" in status(bob_client, job)["hint"]


def test_the_progress_the_worker_reports_is_on_the_page_and_survives_a_reload(bob_client, bob):
    job = ImportJob.objects.create(owner=bob, kind="json", state="running")
    job.started_at = timezone.now()
    job.save()
    progress_set(job.pk, phase=Phase.SAVING, done=3200, total=10000)

    for _reload in range(2):
        page = bob_client.get(job.get_absolute_url()).content.decode()
        assert "Importing… 3\u00a0200 of 10\u00a0000" in page
        assert 'max="10000" value="3200"' in page
    assert status(bob_client, job) == {
        "state": "running",
        "finished": False,
        "done": 3200,
        "total": 10000,
        "percent": 32,
        "text": "Importing… 3\u00a0200 of 10\u00a0000",
        "hint": "",
    }


def test_the_job_reports_checking_then_saving_up_to_every_application(bob, monkeypatch):
    reported = []
    monkeypatch.setattr(
        "exports.services.progress_set",
        lambda job_id, **kwargs: reported.append((kwargs["phase"], kwargs["done"])),
    )
    data = {
        "schema": "seuranta-export",
        "version": 1,
        "applications": [{"company": f"Firm {n}", "position": "Dev"} for n in range(3)],
    }
    with run_jobs():
        job = services.import_job_create(
            owner=bob, kind="json", payload=json.dumps(data).encode(), filename="x", options={}
        )
    job.refresh_from_db()
    assert reported[0] == (Phase.CHECKING, 0)
    assert (Phase.CHECKING, 3) in reported
    assert reported[-1] == (Phase.SAVING, 3)
    assert (job.state, job.done, job.total, bytes(job.payload)) == ("done", 3, 3, b"")


def test_a_finished_job_says_how_many_applications_were_imported(bob_client, alice, bob):
    fill_account(alice)
    page = upload_and_run(bob_client, export_account(alice))
    assert "Imported 2 applications." in page.content.decode()
    assert status(bob_client, page.context["job"])["finished"] is True


def test_a_refused_job_lists_the_problems_and_leaves_no_row(bob_client, alice, bob):
    fill_account(alice)
    data = export_account(alice)
    data["applications"][1]["company"] = ""

    page = upload_and_run(bob_client, data, take_preferences=True)

    assert page.context["job"].state == "failed"
    assert ("applications[1]", "company") in [(p.row, p.column) for p in page.context["problems"]]
    assert "Nothing was imported" in page.content.decode()
    assert all(n == 0 for n in counts(bob).values())


def test_a_job_the_database_refuses_half_way_leaves_no_row_of_it(
    bob_client, alice, bob, monkeypatch
):
    """Applications, interviews and contacts are written before the follow-ups: all go."""
    fill_account(alice)

    def refuse(**kwargs):
        raise IntegrityError("refused")

    monkeypatch.setattr(json_import, "followups_restore", refuse)
    page = upload_and_run(bob_client, export_account(alice), take_preferences=True)

    assert page.context["job"].state == "failed"
    assert "The database refused a value" in page.content.decode()
    assert all(n == 0 for n in counts(bob).values())
    bob.refresh_from_db()
    assert bob.display_name == "Bob Example"


def test_a_job_runs_once_however_often_its_message_comes(bob):
    data = {
        "schema": "seuranta-export",
        "version": 1,
        "applications": [{"company": "Kone", "position": "Dev"}],
    }
    job = ImportJob.objects.create(owner=bob, kind="json", payload=json.dumps(data).encode())
    services.import_job_run(job_id=job.pk)
    ImportJob.objects.filter(pk=job.pk).update(state="queued", payload=json.dumps(data).encode())
    ImportJob.objects.filter(pk=job.pk).update(state="running")
    services.import_job_run(job_id=job.pk)
    assert Application.objects.filter(owner=bob).count() == 1


def test_an_unexpected_error_fails_the_job_instead_of_leaving_it_running(bob, monkeypatch):
    def crash(**kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(json_import, "import_account", crash)
    payload = json.dumps({"schema": "seuranta-export", "version": 1}).encode()
    job = ImportJob.objects.create(owner=bob, kind="json", payload=payload)
    services.import_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.state == "failed"
    assert "unexpected error" in job.problems[0][2]


def test_a_job_running_longer_than_the_worker_allows_is_shown_as_interrupted(bob_client, bob):
    job = ImportJob.objects.create(
        owner=bob,
        kind="json",
        state="running",
        started_at=timezone.now() - datetime.timedelta(hours=1),
        attempts=2,  # no try left (test_import_job_leases: one with a try left is taken over)
    )
    assert status(bob_client, job)["finished"] is True
    assert "interrupted" in bob_client.get(job.get_absolute_url()).content.decode()


def test_recent_imports_are_listed_on_the_export_page_to_come_back_to(bob_client, bob, alice):
    mine = ImportJob.objects.create(owner=bob, kind="json", filename="my-backup.json")
    ImportJob.objects.create(owner=alice, kind="json", filename="alices.json")
    page = bob_client.get(reverse("exports:index")).content.decode()
    assert "my-backup.json" in page and mine.get_absolute_url() in page
    assert "alices.json" not in page


# --- Preferences -----------------------------------------------------------------------------


def test_an_import_keeps_the_importers_name_and_preferences_by_default(bob_client, alice, bob):
    fill_account(alice)  # Alice Example, a call 4 business days after, quiet from 22:00
    page = upload_and_run(bob_client, export_account(alice))
    assert page.context["job"].state == "done"
    bob.refresh_from_db()
    assert (bob.display_name, bob.call_delay_business_days) == ("Bob Example", 3)
    assert bob.quiet_hours_start == datetime.time(21, 0)


def test_ticking_the_box_takes_the_name_and_preferences_from_the_file(bob_client, alice, bob):
    fill_account(alice)
    upload_and_run(bob_client, export_account(alice), take_preferences=True)
    bob.refresh_from_db()
    assert (bob.display_name, bob.call_delay_business_days) == ("Alice Example", 4)
    assert bob.quiet_hours_start == datetime.time(22, 0)


def test_the_upload_form_offers_the_preferences_box_unticked(bob_client):
    page = bob_client.get(reverse("exports:import_json")).content.decode()
    assert 'name="take_preferences"' in page
    assert "Also take preferences from the file" in page
    assert "checked" not in page.split('name="take_preferences"')[1].split(">")[0]


# --- The round trip at size ------------------------------------------------------------------


def test_a_3000_application_account_restores_through_the_job_as_the_same_data(client, db):
    call_command(
        "seed_demo", "--email", "big@example.com", "--applications", "3000", stdout=io.StringIO()
    )
    source = User.objects.get(email="big@example.com")
    exported = export_account(source)
    target = User.objects.create_user("restored@example.com", "x")
    client.force_login(target)

    page = upload_and_run(client, exported, take_preferences=True)

    assert page.context["job"].state == "done", page.content.decode()[:3000]
    assert "Imported 3\u00a0000 applications." in page.content.decode()
    assert comparable(export_of(target)) == comparable(exported)
    assert counts(target) == counts(source)
