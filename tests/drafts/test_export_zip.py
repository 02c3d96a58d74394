"""Many drafts in one zip: every member checked, names safe and unique, ownership enforced."""

import datetime
import email
import email.policy
import io
import re
import zipfile

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from drafts.models import Kind
from drafts.rendering import one_line
from tests.drafts.factories import DraftFactory
from tests.factories import ApplicationFactory, InterviewFactory

pytestmark = pytest.mark.django_db

URL = reverse("drafts:export_zip")
SAFE_NAME = re.compile(r"^[a-z0-9][a-z0-9-]*\.(eml|txt)$")


def members(response) -> dict[str, bytes]:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert re.match(
        r'^attachment; filename="seuranta-drafts-\d{4}-\d\d-\d\d\.zip"$',
        response["Content-Disposition"],
    )
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert archive.testzip() is None
    return {info.filename: archive.read(info) for info in archive.infolist()}


def check_members(files: dict[str, bytes], drafts) -> None:
    """Each draft is one .eml and one .txt with the same safe stem; each parses back to it."""
    assert len(files) == 2 * len(drafts)
    for name in files:
        assert SAFE_NAME.match(name), name
    stems = {name.rsplit(".", 1)[0] for name in files}
    assert len(stems) == len(drafts)
    found = set()
    for stem in stems:
        message = email.message_from_bytes(files[f"{stem}.eml"], policy=email.policy.default)
        text = files[f"{stem}.txt"].decode("utf-8")
        assert message["X-Unsent"] == "1"
        assert message.get_content_charset() == "utf-8"
        matches = [d for d in drafts if one_line(d.subject) == message["Subject"].lstrip()]
        assert len(matches) == 1, message["Subject"]
        draft = matches[0]
        assert message.get_content().replace("\r\n", "\n") == draft.body
        assert text == f"{one_line(draft.subject)}\n\n{draft.body}"
        found.add(draft.pk)
    assert found == {d.pk for d in drafts}


@pytest.fixture
def three_drafts(alice):
    application = ApplicationFactory(owner=alice, company="Yhtiö Ääni Oy")
    return [
        DraftFactory(application=application, kind=Kind.THANK_YOU, subject="Kiitos – Ääni"),
        DraftFactory(application=application, kind=Kind.FEEDBACK, subject="Palautetta – Ääni"),
        DraftFactory(application=application, kind=Kind.CALL, subject="Soitto – Ääni"),
    ]


def test_export_all_puts_every_draft_in_the_zip(alice_client, three_drafts):
    files = members(alice_client.post(URL, {"scope": "all"}))
    check_members(files, three_drafts)


def test_export_selected_puts_only_the_ticked_drafts_in_the_zip(alice_client, three_drafts):
    chosen = three_drafts[:2]
    files = members(alice_client.post(URL, {"scope": "selected", "ids": [d.pk for d in chosen]}))
    check_members(files, chosen)


def test_export_all_never_includes_another_users_drafts(alice_client, bob, three_drafts):
    DraftFactory(application=ApplicationFactory(owner=bob), subject="Bob's draft")
    files = members(alice_client.post(URL, {"scope": "all"}))
    check_members(files, three_drafts)


def test_another_users_id_in_the_selection_is_a_404(alice_client, bob, three_drafts):
    bobs = DraftFactory(application=ApplicationFactory(owner=bob))
    response = alice_client.post(URL, {"scope": "selected", "ids": [three_drafts[0].pk, bobs.pk]})
    assert response.status_code == 404


@pytest.mark.parametrize(
    "bad",
    [
        "abc",
        "1.5",
        "",
        "99999999999999999999",  # past 2**63: SQLite raised OverflowError, a 500
        str(2**63),
        "-1",
        "0",
        " 1",
        "\u0661",  # an Arabic-Indic digit one, which int() reads as 1
        "1" * 5000,
    ],
)
def test_an_id_that_is_not_a_number_is_a_404(alice_client, three_drafts, bad):
    response = alice_client.post(URL, {"scope": "selected", "ids": [three_drafts[0].pk, bad]})
    assert response.status_code == 404


def test_an_empty_selection_goes_back_to_the_list_with_a_message(alice_client, three_drafts):
    response = alice_client.post(URL, {"scope": "selected"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("drafts:list")
    assert "Select at least one draft" in response.content.decode()


def test_the_zip_only_answers_post(alice_client):
    assert alice_client.get(URL).status_code == 405


DANGEROUS = [
    "../../etc/passwd",
    "/etc/passwd",
    "C:\\Windows\\system32",
    "..",
    # No NUL byte: forms refuse it and PostgreSQL cannot store it; other control characters can.
    "Acme\x1b[31m\r\nOy\x07",
    "<script>alert(1)</script>",
    "😀😀",
    "a" * 200,  # the longest company name the form accepts
]


@pytest.mark.parametrize("company", DANGEROUS)
def test_file_names_cannot_leave_the_archive(alice, alice_client, company):
    draft = DraftFactory(application=ApplicationFactory(owner=alice, company=company))
    files = members(alice_client.post(URL, {"scope": "all"}))
    check_members(files, [draft])
    for name in files:
        assert "/" not in name and "\\" not in name and ".." not in name
        assert len(name) < 100


def test_clashing_names_are_numbered(alice, alice_client):
    application = ApplicationFactory(owner=alice, company="Acme Oy")
    drafts = [
        DraftFactory(application=application, kind=Kind.FEEDBACK, subject=f"Subject {n}")
        for n in range(3)
    ]
    # Another company whose name slugifies the same way.
    drafts.append(
        DraftFactory(
            application=ApplicationFactory(owner=alice, company="ACME  oy!"),
            kind=Kind.FEEDBACK,
            subject="Subject 3",
        )
    )
    files = members(alice_client.post(URL, {"scope": "all"}))
    check_members(files, drafts)
    stems = sorted({name.rsplit(".", 1)[0] for name in files})
    base = stems[0]
    assert stems == [base, f"{base}-2", f"{base}-3", f"{base}-4"]


def test_each_eml_in_the_zip_is_byte_for_byte_the_single_download(alice, alice_client, monkeypatch):
    """The zip holds the very .eml each draft's own download gives, header for header."""
    from drafts import export

    # Message-IDs are random; named after the draft, the two downloads can be compared whole.
    monkeypatch.setattr(export, "make_msgid", lambda idstring, domain: f"<{idstring}@{domain}>")
    alice.display_name = 'Älice "the" Example'
    alice.save()
    drafts = [
        DraftFactory(application=ApplicationFactory(owner=alice, company=company), subject=subject)
        for company, subject in [
            ("Yhtiö Ääni Oy", "Kiitos – Ääni"),
            ("Acme", "Hello\r\nBcc: x@example.com"),
            ("Acme", "Plain ASCII"),
            ("Long Oy", "Pitkä " * 33),  # within the column width, long enough to fold
            ("Acme", "=?utf-8?q?caf=C3=A9?="),
        ]
    ]
    drafts[1].recipient = "A B <a@b.example>, c@d.example"
    drafts[1].save()
    drafts[2].body = "x" * 2000 + "\n\u2028\x0c"
    drafts[2].save()
    # One moment for both downloads: the Date header is to the second.
    with time_machine.travel(
        datetime.datetime(2026, 3, 12, 9, 30, tzinfo=datetime.UTC), tick=False
    ):
        files = members(alice_client.post(URL, {"scope": "all"}))
        singles = [
            b"".join(alice_client.get(reverse("drafts:export_eml", args=[d.pk])).streaming_content)
            for d in drafts
        ]
    in_zip = [data for name, data in files.items() if name.endswith(".eml")]
    assert sorted(in_zip) == sorted(singles)


def make_drafts(owner, count: int) -> None:
    for n in range(count):
        application = ApplicationFactory(owner=owner, company=f"Firm {n} Oy")
        DraftFactory(application=application, kind=Kind.THANK_YOU, subject=f"Kiitos {n}")
        DraftFactory(
            application=application,
            interview=InterviewFactory(application=application),
            kind=Kind.CALL,
            subject=f"Soitto {n}",
        )


def test_the_zip_costs_the_same_queries_for_2_and_20_drafts(alice, alice_client):
    """The drafts come in one query with what their files need; nothing is loaded per draft."""
    make_drafts(alice, 1)
    with CaptureQueriesContext(connection) as few:
        members(alice_client.post(URL, {"scope": "all"}))
    make_drafts(alice, 9)
    with CaptureQueriesContext(connection) as many:
        files = members(alice_client.post(URL, {"scope": "all"}))
    assert len(files) == 2 * 20
    assert len(many.captured_queries) == len(few.captured_queries)
