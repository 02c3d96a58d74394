"""CSV import of applications: upload, column mapping, preview, then all or nothing."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from applications.models import Application, Contact, Status, StatusChange
from exports import csv_import
from tests.exports.factories import application_for, helsinki
from tests.exports.jobs import run_jobs

GOOD = (
    "Company,Position,Status,Applied on,Location,URL,Expected salary,Contact,Contact email\n"
    "Kone Oyj,Data Engineer,Interviewing,2024-12-02,Espoo,https://example.com/1,4200,"
    "Maija M,maija@kone.example\n"
    'Wolt,"Backend Developer, Payments",applied,2024-12-28,Helsinki,,,,\n'
    "Supercell,Game Designer,,2025-01-03,,,,,\n"
)

EXCEL_FI = (
    "\ufeffYritys;Tehtävä;Tila;Hakupäivä;Paikkakunta;Palkkatoive;Lisätiedot\r\n"
    "Kesko Oyj;Ohjelmistokehittäjä;Haettu;2.12.2024;Helsinki;2 600,50 €;Hyvä fiilis\r\n"
    "Fazer;Analyytikko;Hylätty;15.11.2024;Vantaa;;\r\n"
).encode()

BAD = (
    "Company,Position,Status,Applied on\n"
    "Kone Oyj,Data Engineer,applied,2024-12-02\n"
    ",Designer,applied,2024-12-03\n"
    "Wolt,Developer,applied,31.02.2024\n"
    "Fazer,Analyst,sleeping,2024-12-04\n"
)


@pytest.fixture
def frozen():
    with time_machine.travel(helsinki(2025, 1, 6, 9, 0), tick=False):
        yield


def post_file(client, body: bytes | str, name: str = "applications.csv"):
    raw = body.encode() if isinstance(body, str) else body
    file = SimpleUploadedFile(name, raw, content_type="text/csv")
    return client.post(reverse("exports:import_csv"), {"file": file})


def guessed_mapping(client) -> dict[str, str]:
    """The mapping the columns page proposes, as the browser would post it back."""
    page = client.get(reverse("exports:import_csv_map"))
    assert page.status_code == 200
    form = page.context["form"]
    return {name: form[name].value() or "" for name in form.fields}


def run_import(client, body, mapping_changes=None):
    assert post_file(client, body).status_code == 302
    mapping = guessed_mapping(client)
    mapping.update(mapping_changes or {})
    preview = client.post(reverse("exports:import_csv_map"), mapping)
    return preview, confirm(client)


def confirm(client):
    """Post "Import"; the job runs at once, in-process. The job's page."""
    with run_jobs():
        response = client.post(reverse("exports:import_csv_confirm"))
    assert response.status_code == 302
    return client.get(response.url)


# --- Reading the file ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "encoding", "delimiter"),
    [
        (b"a,b\n1,2\n", "utf-8", ","),
        ("\ufeffa;b\r\n1;2\r\n".encode(), "utf-8-sig", ";"),
        (b"a\tb\n1\t2\n", "utf-8", "\t"),
        ("Yritys;Tehtävä\r\nÄänekoski;Hitsaaja\r\n".encode("cp1252"), "cp1252", ";"),
        (b"Company\nAcme\n", "utf-8", ","),
    ],
    ids=["comma", "semicolon-bom", "tab", "cp1252", "one-column"],
)
def test_the_encoding_and_delimiter_are_detected(raw, encoding, delimiter):
    upload = csv_import.read_upload("x.csv", raw)
    assert (upload.encoding, upload.delimiter) == (encoding, delimiter)
    headers, _rows = upload.table()
    assert headers[0] in ("a", "Yritys", "Company")


def test_columns_are_guessed_by_name_in_english_and_finnish():
    english = csv_import.guess_mapping(["Company", "Job title", "Status", "Date applied", "Notes"])
    assert english["company"] == 0 and english["position"] == 1 and english["status"] == 2
    assert english["applied_on"] == 3 and english["notes"] == 4
    finnish = csv_import.guess_mapping(["Yritys", "Tehtävä", "Tila", "Hakupäivä", "Paikkakunta"])
    assert (finnish["company"], finnish["position"], finnish["status"]) == (0, 1, 2)
    assert (finnish["applied_on"], finnish["location"]) == (3, 4)
    assert finnish["source"] is None


@pytest.mark.parametrize(
    ("text", "amount", "currency"),
    [
        ("2600", "2600.00", ""),
        ("2 600,50 €", "2600.50", "EUR"),
        ("2.600,50", "2600.50", ""),
        ("$85,000", "85000.00", "USD"),
        ("4200 EUR", "4200.00", "EUR"),
    ],
)
def test_amounts_are_read_as_spreadsheets_write_them(text, amount, currency):
    assert csv_import.parse_amount(text) == (Decimal(amount), currency)


# --- The steps -----------------------------------------------------------------------------------


def test_the_preview_writes_nothing(alice_client, alice, frozen):
    assert post_file(alice_client, GOOD).status_code == 302
    preview = alice_client.post(reverse("exports:import_csv_map"), guessed_mapping(alice_client))
    assert preview.status_code == 200
    assert "3 applications will be imported" in preview.content.decode()
    assert "Maija M" in preview.content.decode()
    assert Application.objects.filter(owner=alice).count() == 0


def test_a_good_file_imports_every_row_with_history(alice_client, alice, frozen):
    preview, confirmed = run_import(alice_client, GOOD)

    assert preview.status_code == 200
    assert confirmed.context["job"].state == "done"
    apps = {a.company: a for a in Application.objects.filter(owner=alice)}
    assert set(apps) == {"Kone Oyj", "Wolt", "Supercell"}
    kone = apps["Kone Oyj"]
    assert kone.status == Status.INTERVIEWING
    assert kone.applied_on == datetime.date(2024, 12, 2)
    assert kone.posting_url == "https://example.com/1"
    assert kone.expected_salary == Decimal("4200.00")
    assert [c.email for c in kone.contacts.all()] == ["maija@kone.example"]
    assert apps["Wolt"].position == "Backend Developer, Payments"
    assert apps["Supercell"].status == Status.APPLIED
    assert StatusChange.objects.filter(owner=alice).count() == 3


def test_an_excel_file_with_semicolons_bom_and_finnish_headers_imports(alice_client, alice, frozen):
    preview, confirmed = run_import(alice_client, EXCEL_FI)
    assert preview.status_code == 200, preview.content.decode()
    assert confirmed.context["job"].state == "done"
    kesko = Application.objects.get(owner=alice, company="Kesko Oyj")
    assert kesko.position == "Ohjelmistokehittäjä"
    assert kesko.status == Status.APPLIED
    assert kesko.applied_on == datetime.date(2024, 12, 2)
    assert kesko.expected_salary == Decimal("2600.50")
    assert kesko.expected_salary_currency == "EUR"
    assert kesko.notes == "Hyvä fiilis"
    assert Application.objects.get(owner=alice, company="Fazer").status == Status.REJECTED


def test_bad_rows_import_nothing_and_each_problem_has_its_row_and_column(
    alice_client, alice, frozen
):
    application_for(alice, company="Existing")
    before = Application.objects.count()

    preview, confirmed = run_import(alice_client, BAD)

    assert preview.status_code == 400
    problems = [(p.row, p.column) for p in preview.context["problems"]]
    assert problems == [("3", "Company"), ("4", "Applied on"), ("5", "Status")]
    page = preview.content.decode()
    assert "Nothing was imported" in page
    assert "31.02.2024" in page and "sleeping" in page
    assert 'action="/data/import/csv/confirm/"' not in page
    # Confirming anyway (a crafted POST) is refused the same way.
    assert confirmed.context["job"].state == "failed"
    assert Application.objects.count() == before


def test_a_file_over_the_size_limit_is_refused(alice_client, alice, monkeypatch):
    monkeypatch.setattr(csv_import, "MAX_BYTES", 100)
    response = post_file(alice_client, GOOD * 3)
    assert response.status_code == 400
    assert "too big" in response.content.decode()
    assert csv_import.MAX_BYTES == 100
    assert "exports_csv_upload" not in alice_client.session


def test_a_file_over_the_row_limit_is_refused(alice_client, alice, monkeypatch):
    monkeypatch.setattr(csv_import, "MAX_ROWS", 2)
    response = post_file(alice_client, GOOD)
    assert response.status_code == 400
    assert "at most 2 can be imported" in response.content.decode()


def test_an_empty_file_is_refused(alice_client, alice):
    response = post_file(alice_client, "")
    assert response.status_code == 400


def test_importing_the_same_file_twice_adds_nothing_the_second_time(alice_client, alice, frozen):
    run_import(alice_client, GOOD)
    count = Application.objects.filter(owner=alice).count()
    contacts = Contact.objects.filter(owner=alice).count()
    preview, confirmed = run_import(alice_client, GOOD)
    assert "3 rows match applications you already have" in preview.content.decode()
    assert confirmed.context["job"].state == "done"
    assert Application.objects.filter(owner=alice).count() == count
    assert Contact.objects.filter(owner=alice).count() == contacts


def test_the_import_never_touches_another_users_rows(alice_client, alice, bob, frozen):
    bobs = application_for(bob, company="Kone Oyj", position="Data Engineer")
    run_import(alice_client, GOOD)
    bobs.refresh_from_db()
    assert Application.objects.filter(owner=bob).count() == 1
    assert bobs.status == Status.APPLIED
    # Alice's matching row was imported for her, not treated as a duplicate of Bob's.
    assert Application.objects.filter(owner=alice, company="Kone Oyj").exists()


def test_the_user_can_map_columns_by_hand(alice_client, alice, frozen):
    body = "Firma X,Job\nAcme,Developer\n"
    assert post_file(alice_client, body).status_code == 302
    mapping = guessed_mapping(alice_client)
    assert mapping["company"] == ""
    mapping.update({"company": "0", "position": "1"})
    preview = alice_client.post(reverse("exports:import_csv_map"), mapping)
    assert preview.status_code == 200
    confirm(alice_client)
    assert Application.objects.get(owner=alice).company == "Acme"


def test_one_column_cannot_be_used_for_two_fields(alice_client, alice):
    post_file(alice_client, GOOD)
    mapping = guessed_mapping(alice_client)
    mapping["position"] = mapping["company"]
    response = alice_client.post(reverse("exports:import_csv_map"), mapping)
    assert response.status_code == 400
    assert "already used" in response.content.decode()


def test_the_columns_page_without_an_upload_goes_back_to_the_start(alice_client, alice):
    response = alice_client.get(reverse("exports:import_csv_map"))
    assert response.status_code == 302
    assert response["Location"] == reverse("exports:import_csv")
    response = alice_client.post(reverse("exports:import_csv_confirm"))
    assert response["Location"] == reverse("exports:import_csv")


def test_the_upload_is_kept_per_session_not_shared_between_users(client, alice, bob, frozen):
    client.force_login(alice)
    post_file(client, GOOD)
    client.logout()
    client.force_login(bob)
    assert client.get(reverse("exports:import_csv_map")).status_code == 302


def test_the_import_pages_have_labelled_inputs(alice_client, alice):
    page = alice_client.get(reverse("exports:import_csv")).content.decode()
    assert 'for="id_file"' in page
    post_file(alice_client, GOOD)
    page = alice_client.get(reverse("exports:import_csv_map")).content.decode()
    assert 'for="id_company"' in page and 'for="id_contact_emails"' in page
    assert "Kone Oyj" in page  # the first rows of the file are shown


def test_the_applications_csv_export_imports_back(client, alice, bob, frozen):
    from tests.exports.fixtures import fill_account

    fill_account(alice)
    client.force_login(alice)
    exported = b"".join(client.get(reverse("exports:applications_csv")).streaming_content)
    client.force_login(bob)

    preview, confirmed = run_import(client, exported)

    assert preview.status_code == 200, preview.content.decode()
    assert confirmed.context["job"].state == "done"
    fields = ("company", "position", "status", "applied_on", "expected_salary", "offered_salary")
    mine = sorted(Application.objects.filter(owner=alice).values_list(*fields))
    assert sorted(Application.objects.filter(owner=bob).values_list(*fields)) == mine
    kone = Application.objects.get(owner=bob, company="Kone Oyj")
    assert [c.email for c in kone.contacts.all()] == ["maija@kone.example"]
