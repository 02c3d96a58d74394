"""Documents of an application: attached through the form, listed, downloaded by their owner only,
refused when they are not what a document may be, and gone from the storage with their row."""

import datetime
import urllib.parse

import pytest
import time_machine
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import reverse

from applications import services
from applications.models import Application, Document
from tests.applications import document_files as files
from tests.factories import HELSINKI, ApplicationFactory

pytestmark = pytest.mark.django_db


def stored_files() -> list[str]:
    """Every file in the storage's documents/ directory."""
    if not default_storage.exists("documents"):
        return []
    return sorted(f"documents/{name}" for name in default_storage.listdir("documents")[1])


def attach(client, application, data: bytes, name: str, **fields):
    upload = SimpleUploadedFile(name, data, content_type="application/octet-stream")
    form = {"upload": upload, "kind": "cv", "label": "", "sent_on": "2026-03-02", **fields}
    return client.post(reverse("applications:document_create", args=[application.pk]), form)


@pytest.fixture
def application(alice):
    return ApplicationFactory(owner=alice, company="Kone Oyj", position="Data Engineer")


def attached(application, data: bytes = files.PDF, name: str = "cv.pdf", **fields) -> Document:
    from django.core.files.base import ContentFile

    return services.document_attach(
        application=application,
        file=ContentFile(data),
        name=name,
        kind=fields.pop("kind", "cv"),
        **fields,
    )


# --- Attach and list -------------------------------------------------------------------------


def test_a_pdf_attached_in_the_form_is_listed_on_the_application_page(alice_client, application):
    response = attach(
        alice_client, application, files.PDF, "Ansioluettelo 2026.pdf", label="CV in Finnish"
    )

    assert response.status_code == 302
    assert response.url == application.get_absolute_url() + "#documents"
    document = Document.objects.get()
    assert (document.owner, document.application) == (application.owner, application)
    assert document.original_name == "Ansioluettelo 2026.pdf"
    assert document.content_type == "application/pdf"
    assert document.size == len(files.PDF)
    assert document.sent_on == datetime.date(2026, 3, 2)
    page = alice_client.get(application.get_absolute_url()).content.decode()
    assert "CV in Finnish" in page
    assert "Ansioluettelo 2026.pdf" in page
    assert reverse("applications:document_download", args=[document.pk]) in page
    assert reverse("applications:document_delete", args=[document.pk]) in page
    assert "2 Mar 2026" in page


def test_the_file_is_stored_under_a_random_name_never_the_persons(alice_client, application):
    attach(alice_client, application, files.PDF, "Ansioluettelo.pdf")
    attach(alice_client, application, files.PDF, "Ansioluettelo.pdf")

    names = stored_files()
    assert len(names) == 2
    assert all("Ansioluettelo" not in name for name in names)
    assert all(name.endswith(".pdf") and len(name) == len("documents/") + 32 + 4 for name in names)
    assert sorted(Document.objects.values_list("file", flat=True)) == names


def test_the_date_sent_starts_as_today_in_the_persons_time_zone(alice_client, application):
    # 23:30 on 1 March in UTC is already 2 March in Helsinki.
    with time_machine.travel(datetime.datetime(2026, 3, 1, 23, 30, tzinfo=datetime.UTC)):
        form = alice_client.get(reverse("applications:document_create", args=[application.pk]))
        document = attached(application)

    assert 'value="2026-03-02"' in form.content.decode()
    assert document.sent_on == datetime.date(2026, 3, 2)


@pytest.mark.parametrize(
    ("data", "name", "content_type"),
    [
        (
            files.docx(),
            "hakemus.docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        (files.odt(), "cv.odt", "application/vnd.oasis.opendocument.text"),
        (files.TEXT, "hakemus.txt", "text/plain; charset=utf-8"),
        ("Hyvä työnantaja".encode("windows-1252"), "kirje.txt", "text/plain; charset=windows-1252"),
    ],
    ids=["docx", "odt", "utf-8 text", "windows-1252 text"],
)
def test_docx_odt_and_text_are_told_by_their_content(
    alice_client, application, data, name, content_type
):
    response = attach(alice_client, application, data, name)

    assert response.status_code == 302
    assert Document.objects.get().content_type == content_type


def test_the_kind_names_the_document_when_it_has_no_label(alice_client, application):
    attach(alice_client, application, files.docx(), "letter.docx", kind="cover_letter")

    page = alice_client.get(application.get_absolute_url()).content.decode()
    assert "Cover letter" in page


def test_a_form_posted_twice_attaches_one_document(alice_client, application):
    form_page = alice_client.get(reverse("applications:document_create", args=[application.pk]))
    key = form_page.context["form"]["submission_key"].value()

    for _ in range(2):
        response = attach(alice_client, application, files.PDF, "cv.pdf", submission_key=key)
        assert response.status_code == 302

    assert Document.objects.count() == 1
    assert len(stored_files()) == 1


# --- Refused -----------------------------------------------------------------------------------


REFUSED = {
    "an executable renamed .pdf": (files.EXE, "cv.pdf", "not a PDF, DOCX, ODT or text document"),
    "an empty file": (b"", "cv.pdf", "file is empty"),
    "a zip that is no document": (files.plain_zip(), "cv.docx", "not a DOCX or ODT document"),
    "a spreadsheet named .docx": (files.xlsx(), "cv.docx", "not a DOCX or ODT document"),
    "a Word document with macros": (files.docm(), "cv.docx", "with macros are not accepted"),
    "macros under an upper-case name": (
        files.docx_with_hidden_macros(),
        "cv.docx",
        "with macros are not accepted",
    ),
    "a PDF named .docx": (files.PDF, "cv.docx", "The name ends in .docx, but the file is a PDF"),
    "text named .pdf": (files.TEXT, "cv.pdf", "The name ends in .pdf, but the file is a TXT"),
    "binary data named .txt": (b"abc\x00def" * 20, "notes.txt", "not a PDF, DOCX, ODT or text"),
    "a PNG image": (b"\x89PNG\r\n\x1a\n" + bytes(64), "photo.png", "its content is PNG"),
    "an RTF file": (rb"{\rtf1\ansi Hello}", "cv.rtf", "its content is RTF"),
    "a broken zip": (b"PK\x03\x04" + b"garbage" * 10, "cv.docx", "not a DOCX or ODT document"),
}


@pytest.mark.parametrize("case", list(REFUSED))
def test_a_file_that_is_not_a_document_is_refused_next_to_the_field(
    alice_client, application, case
):
    data, name, message = REFUSED[case]

    response = attach(alice_client, application, data, name)

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert list(errors) == ["upload"]
    assert message in " ".join(errors["upload"])
    page = response.content.decode()
    assert message.split(",")[0] in page
    assert not Document.objects.exists()
    assert stored_files() == []


def test_the_executable_is_named_in_the_message(alice_client, application):
    response = attach(alice_client, application, files.EXE, "cv.pdf")

    assert "its content is EXE" in str(response.context["form"].errors["upload"])


def test_a_file_of_the_limit_is_accepted_and_one_byte_more_is_refused(
    alice_client, application, settings
):
    settings.DOCUMENT_MAX_BYTES = 64 * 1024
    exactly = files.PDF + b" " * (64 * 1024 - len(files.PDF))

    assert attach(alice_client, application, exactly, "cv.pdf").status_code == 302
    response = attach(alice_client, application, exactly + b" ", "big.pdf")

    assert response.status_code == 200
    assert "larger than 64 kB" in str(response.context["form"].errors["upload"])
    assert Document.objects.count() == 1


def test_a_ten_megabyte_document_goes_through(alice_client, application, settings):
    assert settings.DOCUMENT_MAX_BYTES == 10 * 1024 * 1024
    data = files.PDF + b"%" * (settings.DOCUMENT_MAX_BYTES - len(files.PDF))

    response = attach(alice_client, application, data, "portfolio.pdf")

    assert response.status_code == 302
    document = Document.objects.get()
    with document.file.open("rb") as stored:
        assert stored.read() == data


def test_an_upload_past_every_limit_is_counted_not_kept_and_refused_with_the_limit(
    alice_client, application, settings
):
    """core.uploads: past UPLOAD_MAX_BYTES the bytes are read and dropped, never a 500."""
    settings.DOCUMENT_MAX_BYTES = 1024
    settings.UPLOAD_MAX_BYTES = 2048

    response = attach(alice_client, application, files.PDF + b" " * 100_000, "huge.pdf")

    assert response.status_code == 200
    assert "larger than 1 kB" in str(response.context["form"].errors["upload"])
    assert stored_files() == []


def test_the_form_page_states_the_types_and_the_limit(alice_client, application):
    page = alice_client.get(
        reverse("applications:document_create", args=[application.pk])
    ).content.decode()

    assert "PDF, DOCX, ODT or plain text, at most 10 MB." in page
    assert 'enctype="multipart/form-data"' in page
    assert 'accept=".pdf,.docx,.odt,.txt,' in page


# --- Names -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("..\\..\\Windows\\cv.pdf", "cv.pdf"),
        ("cv\n.pdf", "cv.pdf"),
        ("cv\r\nX-Injected: yes.pdf", "cvX-Injected: yes.pdf"),
        ("cv\u202efdp.exe", "cvfdp.exe"),
        ("..", "document"),
        ("   .hidden.pdf", "hidden.pdf"),
        ("a" * 300 + ".pdf", "a" * 146 + ".pdf"),
        ("Hakemus  \t kesä.pdf", "Hakemus kesä.pdf"),
    ],
)
def test_a_file_name_is_made_safe_before_it_is_kept(application, given, kept):
    assert attached(application, name=given).original_name == kept


def test_the_download_name_ends_in_the_type_the_file_really_is(application, alice_client):
    document = attached(application, name="virus.exe")

    response = alice_client.get(document.get_absolute_url())

    assert 'filename="virus.exe.pdf"' in response["Content-Disposition"]


# --- Download ----------------------------------------------------------------------------------


def test_the_owner_downloads_the_same_bytes_as_an_attachment(alice_client, application):
    data = files.docx("Arvoisa vastaanottaja")
    document = attached(application, data, name="Hakemus.docx")

    response = alice_client.get(document.get_absolute_url())

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == data
    assert response["Content-Disposition"] == 'attachment; filename="Hakemus.docx"'
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]


def test_a_name_outside_ascii_is_sent_encoded_as_rfc_6266_says(alice_client, application):
    document = attached(application, files.TEXT, name='Hakemus "Wärtsilä".txt')

    disposition = alice_client.get(document.get_absolute_url())["Content-Disposition"]

    assert disposition.startswith("attachment; filename*=utf-8''")
    assert urllib.parse.unquote(disposition.split("''", 1)[1]) == 'Hakemus "Wärtsilä".txt'
    assert "\n" not in disposition


def test_a_text_document_keeps_its_charset_on_download(alice_client, application):
    document = attached(application, "Hyvä".encode("windows-1252"), name="kirje.txt")

    response = alice_client.get(document.get_absolute_url())

    assert response["Content-Type"] == "text/plain; charset=windows-1252"


def test_another_user_gets_404_for_download_and_delete_and_the_file_stays(bob_client, application):
    document = attached(application)

    delete = reverse("applications:document_delete", args=[document.pk])
    assert bob_client.get(document.get_absolute_url()).status_code == 404
    assert bob_client.get(delete).status_code == 404
    assert bob_client.post(delete).status_code == 404
    assert (
        bob_client.post(
            reverse("applications:document_create", args=[application.pk]),
            {
                "upload": SimpleUploadedFile("x.pdf", files.PDF),
                "kind": "cv",
                "sent_on": "2026-03-02",
            },
        ).status_code
        == 404
    )
    assert Document.objects.count() == 1
    assert stored_files() == [document.file.name]


def test_a_document_needs_a_login(client, application):
    document = attached(application)

    response = Client().get(document.get_absolute_url())

    assert response.status_code == 302
    assert "/accounts/login/" in response.url


def test_the_storage_is_never_served_from_a_public_url(alice_client, application, settings):
    document = attached(application)
    name = document.file.name

    for url in (f"/media/{name}", f"/{name}", f"/static/{name}", f"/static/../media/{name}"):
        assert alice_client.get(url).status_code == 404, url
        assert Client().get(url).status_code in (302, 404), url
    assert not str(settings.MEDIA_ROOT).startswith(str(settings.STATIC_ROOT))


def test_a_file_missing_from_the_storage_is_a_404_not_an_error(alice_client, application):
    document = attached(application)
    default_storage.delete(document.file.name)

    assert alice_client.get(document.get_absolute_url()).status_code == 404


# --- Delete ------------------------------------------------------------------------------------


def test_delete_asks_first_then_removes_the_row_and_the_file(
    alice_client, application, django_capture_on_commit_callbacks
):
    document = attached(application)
    url = reverse("applications:document_delete", args=[document.pk])

    asked = alice_client.get(url)
    assert "Delete the document cv.pdf of Data Engineer – Kone Oyj?" in asked.content.decode()
    assert stored_files() == [document.file.name]

    with django_capture_on_commit_callbacks(execute=True):
        response = alice_client.post(url)

    assert response.status_code == 302
    assert response.url == application.get_absolute_url() + "#documents"
    assert not Document.objects.exists()
    assert stored_files() == []
    assert "cv.pdf" not in alice_client.get(application.get_absolute_url()).content.decode()


def test_deleting_the_application_removes_its_files(
    alice_client, application, django_capture_on_commit_callbacks
):
    attached(application)
    attached(application, files.odt(), name="cv.odt")
    other = attached(ApplicationFactory(owner=application.owner))

    with django_capture_on_commit_callbacks(execute=True):
        alice_client.post(reverse("applications:application_delete", args=[application.pk]))

    assert list(Document.objects.all()) == [other]
    assert stored_files() == [other.file.name]


def test_deleting_the_account_and_bulk_deletes_remove_the_files(
    alice, bob, application, django_capture_on_commit_callbacks
):
    attached(application)
    bobs = [attached(ApplicationFactory(owner=bob)) for _ in range(3)]

    with django_capture_on_commit_callbacks(execute=True):
        alice.delete()
    assert stored_files() == sorted(d.file.name for d in bobs)

    with django_capture_on_commit_callbacks(execute=True):
        Application.objects.filter(owner=bob).delete()
    assert stored_files() == []


def test_a_delete_rolled_back_keeps_the_file(application, django_capture_on_commit_callbacks):
    document = attached(application)
    pk, name = document.pk, document.file.name

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        services.document_delete(document=document)
        raise RuntimeError("something after the delete failed")

    assert callbacks == []
    assert Document.objects.filter(pk=pk).exists()
    assert stored_files() == [name]


def test_a_row_that_cannot_be_written_takes_its_file_back_out(application, monkeypatch):
    def refuse(document):
        raise RuntimeError("database gone")

    monkeypatch.setattr(services, "_document_insert", refuse)

    with pytest.raises(RuntimeError):
        attached(application)

    assert stored_files() == []


# --- The page ------------------------------------------------------------------------------------


def test_the_application_page_queries_as_much_for_30_documents_as_for_1(
    alice_client, alice, application
):
    from django.core.cache import caches
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    few = ApplicationFactory(owner=alice)
    attached(few)
    for _ in range(30):
        attached(application)

    counts = []
    for subject in (few, application):
        caches["template_fragments"].clear()
        with CaptureQueriesContext(connection) as queries:
            assert alice_client.get(subject.get_absolute_url()).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_a_document_attached_or_deleted_shows_on_the_cached_page_at_once(
    alice_client, application, django_capture_on_commit_callbacks
):
    url = application.get_absolute_url()
    assert "No documents attached" in alice_client.get(url).content.decode()

    attach(alice_client, application, files.PDF, "Kirje.pdf")
    assert "Kirje.pdf" in alice_client.get(url).content.decode()

    document = Document.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        alice_client.post(reverse("applications:document_delete", args=[document.pk]))
    assert "Kirje.pdf" not in alice_client.get(url).content.decode()


def test_the_documents_panel_is_cached_without_a_csrf_token(alice_client, application):
    """The panel is in a cached fragment: it has links, never a form with a token."""
    attached(application)
    page = alice_client.get(application.get_absolute_url()).content.decode()
    panel = page.split('id="documents"')[1].split("</section>")[0]

    assert "csrfmiddlewaretoken" not in panel
    assert "<form" not in panel


def test_dates_on_the_page_are_the_persons_dates(alice_client, alice, application):
    alice.time_zone = "Europe/Helsinki"
    alice.save()
    attached(application, sent_on=datetime.datetime(2026, 3, 2, tzinfo=HELSINKI).date())

    assert (
        '<time datetime="2026-03-02">'
        in alice_client.get(application.get_absolute_url()).content.decode()
    )
