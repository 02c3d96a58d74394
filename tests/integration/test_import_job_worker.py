"""The real Celery worker runs an import job queued by the web process."""

import json

import pytest

from applications.models import Application
from exports.json_export import export_account
from exports.models import ImportJob
from exports.tasks import run_import_job
from tests.exports.fixtures import fill_account
from tests.factories import UserFactory

pytestmark = [pytest.mark.integration, pytest.mark.redis, pytest.mark.django_db(transaction=True)]


def test_the_worker_runs_a_queued_import_job_to_the_end(celery_stack, redis_broker):
    from config.celery_app import app
    from tests.integration.conftest import wait_for

    alice = UserFactory(email="alice@example.com")
    bob = UserFactory(email="bob@example.com")
    fill_account(alice)
    payload = json.dumps(export_account(alice)).encode()
    job = ImportJob.objects.create(owner=bob, kind="json", payload=payload, filename="a.json")
    celery_stack.start_worker()

    # The message goes to the worker's broker (this process is configured without Redis).
    with app.connection_for_write(redis_broker) as connection:
        run_import_job.apply_async(args=[job.pk], connection=connection)

    def finished():
        job.refresh_from_db()
        return job.state in ("done", "failed")

    wait_for(finished, 60, 0.2, "the worker to run the import job")
    assert (job.state, job.problems) == ("done", []), celery_stack.log("worker")[-3000:]
    assert job.imported_applications == 2
    assert Application.objects.filter(owner=bob).count() == 2
    assert bytes(job.payload) == b""


@pytest.fixture
def shared_media(tmp_path, settings, monkeypatch):
    """One documents directory for this process and the worker (as on one machine, or a share
    mounted on several): the worker learns it from STORAGE_URL, read when it starts."""
    media = tmp_path / "shared-media"
    monkeypatch.setenv("STORAGE_URL", f"file://{media}")
    settings.MEDIA_ROOT = media
    return media


def test_the_worker_restores_the_documents_of_a_zip_export(
    shared_media, celery_stack, redis_broker
):
    from django.core.files.base import ContentFile

    from applications.models import Document
    from applications.services import document_attach
    from config.celery_app import app
    from exports import zip_export
    from tests.applications.document_files import docx
    from tests.integration.conftest import wait_for

    alice = UserFactory(email="alice@example.com")
    bob = UserFactory(email="bob@example.com")
    far = fill_account(alice)["far"]
    letter = docx("Arvoisa vastaanottaja")
    document_attach(
        application=far, file=ContentFile(letter), name="Hakemus.docx", kind="cover_letter"
    )
    payload = b"".join(zip_export.export_chunks(alice))
    job = ImportJob.objects.create(owner=bob, kind="json", payload=payload, filename="a.zip")
    celery_stack.start_worker()

    with app.connection_for_write(redis_broker) as connection:
        run_import_job.apply_async(args=[job.pk], connection=connection)

    def finished():
        job.refresh_from_db()
        return job.state in ("done", "failed")

    wait_for(finished, 60, 0.2, "the worker to run the import job")
    assert (job.state, job.problems) == ("done", []), celery_stack.log("worker")[-3000:]
    restored = Document.objects.get(owner=bob)
    assert (shared_media / restored.file.name).read_bytes() == letter
    with restored.file.open("rb") as file:
        assert file.read() == letter
