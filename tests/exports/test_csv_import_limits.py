"""No page of the CSV import runs long: the file's columns and cells are capped at upload."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from applications.models import Application
from exports import csv_import
from tests.exports.test_csv_import import confirm


def post_file(client, text: str):
    file = SimpleUploadedFile("wide.csv", text.encode(), content_type="text/csv")
    return client.post(reverse("exports:import_csv"), {"file": file})


def wide_file(columns: int, rows: int) -> str:
    headers = ["Company", "Position", *(f"Extra {n}" for n in range(columns - 2))]
    lines = [",".join(headers)]
    lines += [",".join([f"Firm {r}", "Developer", *("x" * (columns - 2))]) for r in range(rows)]
    return "\n".join(lines) + "\n"


def test_a_file_of_ten_thousand_columns_is_refused_with_a_message(alice_client, alice):
    response = post_file(alice_client, wide_file(10_000, 1))
    assert response.status_code == 400
    assert "The file has 10000 columns; at most 200 can be imported" in response.content.decode()
    assert "exports_csv_upload" not in alice_client.session
    # Nothing was kept for the columns page to render.
    assert alice_client.get(reverse("exports:import_csv_map")).status_code == 302


def test_a_long_row_counts_as_columns_too(alice_client, alice):
    text = "Company,Position\nAcme,Dev" + ",x" * 300 + "\n"
    response = post_file(alice_client, text)
    assert response.status_code == 400
    assert "302 columns" in response.content.decode()


def test_a_cell_over_the_size_limit_is_refused_with_its_row_and_column(alice_client, alice):
    text = "Company,Position,Notes\nAcme,Dev," + "n" * (csv_import.MAX_CELL_CHARS + 1) + "\n"
    response = post_file(alice_client, text)
    assert response.status_code == 400
    assert "Row 2, column 3 holds 10001 characters" in response.content.decode()


@pytest.fixture
def file_at_the_caps():
    """As many columns and rows as accepted, within the size limit."""
    text = wide_file(csv_import.MAX_COLUMNS, csv_import.MAX_ROWS)
    assert len(text.encode()) <= csv_import.MAX_BYTES
    return text


def test_every_page_of_the_flow_stays_small_for_a_file_at_the_caps(
    alice_client, alice, file_at_the_caps
):
    """Each page does a bounded amount of work: a few queries, no row-by-row rendering."""
    assert post_file(alice_client, file_at_the_caps).status_code == 302
    with CaptureQueriesContext(connection) as queries:
        page = alice_client.get(reverse("exports:import_csv_map"))
    assert page.status_code == 200
    assert len(queries) <= 10
    # 18 selects of 201 options, and 5 sample rows: not the file.
    assert len(page.content) < 1_500_000
    form = page.context["form"]
    mapping = {name: form[name].value() or "" for name in form.fields}

    with CaptureQueriesContext(connection) as queries:
        preview = alice_client.post(reverse("exports:import_csv_map"), mapping)
    assert preview.status_code == 200, preview.content.decode()[:2000]
    assert len(queries) <= 10  # the account's applications read once, not once per row
    assert len(preview.content) < 200_000  # ten rows previewed, not five thousand

    with CaptureQueriesContext(connection) as queries:
        job_page = confirm(alice_client)
    assert job_page.context["job"].state == "done"
    assert Application.objects.filter(owner=alice).count() == csv_import.MAX_ROWS
    # The job itself: a few queries per chunk of a thousand rows, not per row.
    assert len(queries) < csv_import.MAX_ROWS / 10
