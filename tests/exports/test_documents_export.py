"""Documents go out in the zip export and come back with its import, byte for byte; a zip that
is not an honest export (paths out of place, a bomb, a file that is no document) imports nothing
and leaves no file behind."""

import io
import json
import zipfile

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from applications import services as app_services
from applications.models import Application, Document
from exports import json_import
from exports.json_export import export_account
from tests.applications import document_files as files
from tests.exports.factories import helsinki
from tests.exports.fixtures import fill_account
from tests.exports.jobs import run_jobs
from tests.exports.test_json_import import comparable, counts, export_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def frozen():
    with time_machine.travel(helsinki(2025, 1, 6, 9, 0), tick=False):
        yield


def stored_files() -> list[str]:
    if not default_storage.exists("documents"):
        return []
    return sorted(f"documents/{name}" for name in default_storage.listdir("documents")[1])


def attach(application, data: bytes, name: str, **fields) -> Document:
    return app_services.document_attach(
        application=application,
        file=ContentFile(data),
        name=name,
        kind=fields.pop("kind", "cv"),
        **fields,
    )


@pytest.fixture
def alices_documents(alice, frozen):
    made = fill_account(alice)
    far, near = made["far"], made["near"]
    return {
        "cv.pdf": attach(far, files.PDF, "cv.pdf", label="CV in English"),
        "Hakemus Kone.docx": attach(far, files.docx(), "Hakemus Kone.docx", kind="cover_letter"),
        "cv.odt": attach(near, files.odt(), "cv.odt"),
        # Two files of one name on one application: each has a place of its own in the zip.
        "notes.txt": attach(near, files.TEXT, "notes.txt", kind="other"),
        "notes.txt again": attach(near, b"Second notes\n", "notes.txt", kind="other"),
    }


def zip_export(client) -> bytes:
    response = client.get(reverse("exports:account_zip"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].startswith('attachment; filename="seuranta-export-')
    return b"".join(response.streaming_content)


def upload(client, body: bytes, name: str = "export.zip", *, take_preferences: bool = False):
    file = SimpleUploadedFile(name, body, content_type="application/zip")
    form = {"file": file, **({"take_preferences": "on"} if take_preferences else {})}
    with run_jobs():
        response = client.post(reverse("exports:import_json"), form)
    assert response.status_code == 302, response.content.decode()
    return client.get(response.url)


def document_bytes(user) -> dict[tuple[str, str], bytes]:
    found = {}
    for document in Document.objects.filter(owner=user).order_by("id"):
        with document.file.open("rb") as file:
            found[(document.application.company, document.original_name, file.read())] = (
                document.kind,
                document.label,
                document.sent_on,
                document.content_type,
                document.size,
            )
    return found


# --- Export -------------------------------------------------------------------------------------


def test_the_zip_holds_data_json_and_each_documents_file(client, alice, bob, alices_documents):
    attach(
        Application.objects.create(owner=bob, company="Bob Oy", position="X"), files.PDF, "b.pdf"
    )
    client.force_login(alice)

    archive = zipfile.ZipFile(io.BytesIO(zip_export(client)))

    data = json.loads(archive.read("data.json"))
    listed = [d for app in data["applications"] for d in app["documents"]]
    assert sorted(d["original_name"] for d in listed) == sorted(
        ["cv.pdf", "Hakemus Kone.docx", "cv.odt", "notes.txt", "notes.txt"]
    )
    for entry in listed:
        document = Document.objects.get(pk=entry["id"], owner=alice)
        assert entry["file"] == f"documents/{document.pk}/{document.original_name}"
        with document.file.open("rb") as file:
            assert archive.read(entry["file"]) == file.read()
        assert entry["size"] == document.size
        assert entry["content_type"] == document.content_type
    assert set(archive.namelist()) == {"data.json", *(d["file"] for d in listed)}
    assert archive.testzip() is None


def test_the_json_export_lists_the_documents_without_their_files(alice_client, alices_documents):
    data = alice_client.get(reverse("exports:account_json")).json()

    far = next(app for app in data["applications"] if app["company"] == "Kone Oyj")
    assert [d["original_name"] for d in far["documents"]] == ["cv.pdf", "Hakemus Kone.docx"]
    assert far["documents"][0]["label"] == "CV in English"
    assert far["documents"][0]["sent_on"] == "2025-01-06"


def test_a_file_missing_from_the_storage_is_left_out_of_the_zip_not_broken(
    alice_client, alices_documents
):
    gone = alices_documents["cv.odt"]
    default_storage.delete(gone.file.name)

    archive = zipfile.ZipFile(io.BytesIO(zip_export(alice_client)))

    assert archive.testzip() is None
    data = json.loads(archive.read("data.json"))
    names = [d["original_name"] for app in data["applications"] for d in app["documents"]]
    assert "cv.odt" not in names
    assert len(names) == 4


def test_the_export_page_offers_the_zip_once_there_are_documents(alice_client, alice, frozen):
    page = alice_client.get(reverse("exports:index")).content.decode()
    assert reverse("exports:account_zip") not in page

    attach(Application.objects.create(owner=alice, company="K", position="P"), files.PDF, "cv.pdf")

    page = alice_client.get(reverse("exports:index")).content.decode()
    assert reverse("exports:account_zip") in page
    assert "Everything with documents (ZIP)" in page


def test_the_zip_export_needs_a_login(client, db):
    response = client.get(reverse("exports:account_zip"))
    assert response.status_code == 302


# --- Round trip -----------------------------------------------------------------------------------


def test_export_import_export_with_documents_gives_the_same_data_and_bytes(
    client, alice, bob, alices_documents
):
    client.force_login(alice)
    body = zip_export(client)
    exported = export_account(alice)

    client.force_login(bob)
    page = upload(client, body, take_preferences=True)

    assert page.context["job"].state == "done", page.content.decode()[:2000]
    assert page.context["job"].result["created"]["documents"] == 5
    assert comparable(export_of(bob)) == comparable(exported)
    assert counts(bob) == counts(alice)
    assert document_bytes(bob) == document_bytes(alice)
    assert len(stored_files()) == 10
    names = set(Document.objects.filter(owner=bob).values_list("file", flat=True))
    assert names.isdisjoint(Document.objects.filter(owner=alice).values_list("file", flat=True))


def test_importing_the_same_zip_twice_adds_no_document_the_second_time(
    client, alice, bob, alices_documents
):
    client.force_login(alice)
    body = zip_export(client)
    client.force_login(bob)
    upload(client, body)
    files_after_first = stored_files()

    page = upload(client, body)

    assert page.context["job"].state == "done"
    assert page.context["job"].result["existing"]["documents"] == 5
    assert "documents" not in page.context["job"].result["created"]
    assert Document.objects.filter(owner=bob).count() == 5
    assert stored_files() == files_after_first


def test_a_plain_json_export_imports_all_but_the_documents_and_says_so(
    client, alice, bob, alices_documents
):
    client.force_login(alice)
    body = client.get(reverse("exports:account_json")).content

    client.force_login(bob)
    page = upload(client, body, "export.json")

    assert page.context["job"].state == "done"
    assert Application.objects.filter(owner=bob).count() == 2
    assert not Document.objects.filter(owner=bob).exists()
    assert "5 documents were not imported: their files come only in the zip export." in (
        page.content.decode()
    )


def test_an_export_of_before_documents_still_imports(client, alice, bob, frozen):
    fill_account(alice)
    data = export_account(alice)
    for application in data["applications"]:
        del application["documents"]
    client.force_login(bob)

    page = upload(client, json.dumps(data).encode(), "old.json")

    assert page.context["job"].state == "done"
    assert Application.objects.filter(owner=bob).count() == 2


# --- Refused, and nothing left behind -------------------------------------------------------------


def export_zip_of(alice, client) -> bytes:
    client.force_login(alice)
    return zip_export(client)


def rezip(body: bytes, *, add: dict | None = None, drop=(), data=None) -> bytes:
    """The export zip with entries added or dropped, or data.json changed by `data`."""
    source = zipfile.ZipFile(io.BytesIO(body))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            if info.filename in drop:
                continue
            content = source.read(info)
            if info.filename == "data.json" and data is not None:
                loaded = json.loads(content)
                data(loaded)
                content = json.dumps(loaded).encode()
            archive.writestr(info.filename, content)
        for name, content in (add or {}).items():
            archive.writestr(name, content)
    return out.getvalue()


def first_document(loaded: dict) -> dict:
    return next(d for app in loaded["applications"] for d in app["documents"])


def set_file(path: str):
    def change(loaded):
        first_document(loaded)["file"] = path

    return change


def refused_with(page, message: str) -> None:
    assert page.context["job"].state == "failed", page.content.decode()[:2000]
    text = page.content.decode()
    assert "Nothing was imported" in text
    assert message in text, text[:3000]


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("a ../ path", "a place no export uses"),
        ("an absolute path", "a place no export uses"),
        ("a backslash path", "a place no export uses"),
        ("a document pointing outside the zip", "no file at the place this document names"),
        ("an executable as a document", "not a PDF, DOCX, ODT or text document"),
        ("a file of the wrong type for its name", "The name ends in .pdf, but the file is a TXT"),
        ("an empty document", "The file is empty"),
        ("no data.json", "no data.json"),
        ("two entries of one name", "two files of the same name"),
    ],
)
def test_a_zip_that_is_no_honest_export_imports_nothing_and_writes_no_file(
    client, alice, bob, alices_documents, case, message
):
    body = export_zip_of(alice, client)
    before = stored_files()
    doc_path = next(n for n in zipfile.ZipFile(io.BytesIO(body)).namelist() if "cv.pdf" in n)
    crafted = {
        "a ../ path": lambda: rezip(body, add={"../../evil.pdf": files.PDF}),
        "an absolute path": lambda: rezip(body, add={"/etc/cron.d/evil": b"x"}),
        "a backslash path": lambda: rezip(body, add={"documents\\..\\..\\evil.pdf": files.PDF}),
        "a document pointing outside the zip": lambda: rezip(
            body, data=set_file("../../etc/passwd")
        ),
        "an executable as a document": lambda: rezip(
            body, drop=[doc_path], add={doc_path: files.EXE}
        ),
        "a file of the wrong type for its name": lambda: rezip(
            body, drop=[doc_path], add={doc_path: files.TEXT}
        ),
        "an empty document": lambda: rezip(body, drop=[doc_path], add={doc_path: b""}),
        "no data.json": lambda: rezip(body, drop=["data.json"]),
        "two entries of one name": lambda: _duplicate(body, doc_path),
    }[case]()
    client.force_login(bob)

    page = upload(client, crafted)

    refused_with(page, message)
    assert counts(bob) == dict.fromkeys(counts(bob), 0)
    assert stored_files() == before


def _duplicate(body: bytes, name: str) -> bytes:
    out = io.BytesIO(body)
    with zipfile.ZipFile(out, "a") as archive, pytest.warns(UserWarning, match="Duplicate"):
        archive.writestr(name, files.PDF)
    return out.getvalue()


def test_a_zip_bomb_is_refused_before_it_is_inflated(client, alice, bob, alices_documents):
    body = export_zip_of(alice, client)
    # 11 MB of one letter deflates to a few kilobytes: a text "document" over the limit.
    doc_path = next(n for n in zipfile.ZipFile(io.BytesIO(body)).namelist() if "notes" in n)
    bomb = rezip(body, drop=[doc_path], add={doc_path: b"a" * (11 * 1024 * 1024)})
    assert len(bomb) < 200_000
    client.force_login(bob)

    page = upload(client, bomb)

    refused_with(page, "damaged or larger than 10 MB")
    assert not Document.objects.filter(owner=bob).exists()


def test_a_zip_that_would_inflate_past_the_cap_is_refused_unread(
    client, bob, settings, monkeypatch
):
    settings.IMPORT_MAX_BYTES = 1024 * 1024
    entries = {"data.json": b"{}", **{f"documents/{i}/x.txt": b"a" * 1024 * 1024 for i in range(6)}}
    body = files.zip_of(entries)
    read = []
    monkeypatch.setattr(json_import.safezip, "read_entry", lambda *a, **k: read.append(a))
    client.force_login(bob)

    page = upload(client, body)

    refused_with(page, "Unpacked, the documents in the zip would be larger than 4 MB")
    assert read == []


def test_a_zip_of_too_many_entries_is_refused_before_its_directory_is_read(
    client, bob, monkeypatch
):
    monkeypatch.setattr(json_import, "ZIP_MAX_ENTRIES", 20)
    body = files.zip_of({"data.json": b"{}", **{f"documents/{i}/x.txt": b"a" for i in range(25)}})
    client.force_login(bob)

    page = upload(client, body)

    refused_with(page, "damaged or holds too many files")


def test_too_many_documents_are_a_problem_and_the_rest_are_not_read(
    client, alice, bob, alices_documents, monkeypatch
):
    body = export_zip_of(alice, client)
    monkeypatch.setattr(json_import, "MAX_DOCUMENTS", 3)
    client.force_login(bob)

    page = upload(client, body)

    refused_with(page, "more than 3 documents")
    assert stored_files() == sorted(d.file.name for d in alices_documents.values())


def test_an_import_that_fails_while_writing_takes_its_files_back_out(
    client, alice, bob, alices_documents, monkeypatch
):
    body = export_zip_of(alice, client)
    before = stored_files()

    def fail(**kwargs):
        raise RuntimeError("the worker fell over after the documents were written")

    monkeypatch.setattr(json_import, "followups_sync_applications", fail)
    client.force_login(bob)

    page = upload(client, body)

    assert page.context["job"].state == "failed"
    assert "unexpected error; nothing was imported" in page.content.decode()
    assert counts(bob) == dict.fromkeys(counts(bob), 0)
    assert stored_files() == before


def test_the_import_form_takes_a_zip_up_to_its_limit_and_says_both_limits(
    bob_client, bob, settings
):
    settings.IMPORT_MAX_BYTES = 2 * 1024 * 1024
    page = bob_client.get(reverse("exports:index")).content.decode()
    assert "the JSON (at most 20 MB) or the zip with your documents (at most 2 MB)" in page

    big = files.zip_of({"data.json": b"{}", "pad.bin": b"\0" * 10}) + b"\0" * (2 * 1024 * 1024)
    too_big = SimpleUploadedFile("export.zip", big[: 2 * 1024 * 1024 + 1])
    response = bob_client.post(reverse("exports:import_json"), {"file": too_big})

    assert response.status_code == 400
    assert "larger than 2 MB" in response.content.decode()


def test_the_zip_export_runs_as_many_queries_for_20_documents_as_for_2(alice_client, alice, frozen):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    application = Application.objects.create(owner=alice, company="Kone", position="Dev")
    counts = []
    for total in (2, 20):
        while Document.objects.filter(owner=alice).count() < total:
            attach(application, files.PDF, "cv.pdf")
        with CaptureQueriesContext(connection) as queries:
            body = zip_export(alice_client)
        assert len(zipfile.ZipFile(io.BytesIO(body)).namelist()) == total + 1
        counts.append(len(queries))
    assert counts[0] == counts[1]
