"""A display name stays one quoted name in every address header Seuranta writes.

Python 3.11's modern email folder drops the quotes of a display name too long for one line
(cpython#80222): "Alice …: boss@attacker.test, ceo@attacker.test;" became a group of the
attacker's addresses in the To of an exported draft. Every header here is parsed back with the
email package and compared mailbox by mailbox, for the .eml download, the zip of drafts and a
reminder sent by the real dispatcher; and no line break of a name ever reaches a header.
"""

import datetime
import email
import email.policy
import io
import os
import re
import zipfile
from email.header import decode_header, make_header

import pytest
import time_machine
from django.core import mail
from django.db import transaction
from django.urls import reverse
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from core.mail import display_name
from followups.dispatch import dispatch_due
from tests.drafts.factories import DraftFactory
from tests.factories import ApplicationFactory, ContactFactory, FollowupFactory

pytestmark = pytest.mark.django_db

EXAMPLES = settings(
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", 40)),
    deadline=None,
    derandomize=not os.environ.get("FUZZ_RANDOM"),
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

ATTACK = "Alice Example, Head of Recruiting: boss@attacker.test, ceo@attacker.test;"
HOSTILE = [
    ATTACK,
    ATTACK * 2,
    'Maija "the boss" Virtanen (HR) \\ Acme; Oy, Ltd.: <x@attacker.test>',
    "Äijä Öhman, Yhtiö Ääni Oy: boss@attacker.test, ceo@attacker.test;",
    "x" * 99 + ",",
    "Name\r\nBcc: x@attacker.test",
]
# The person's address and the contact's have a domain that is not ASCII: punycode on the wire.
USER_EMAIL = "alice@bücher.de"
CONTACT_EMAIL = "Anna@Bücher.de"
PUNYCODE = "bücher.de".encode("idna").decode("ascii")
# PostgreSQL cannot store NUL in text at all.
names = st.one_of(
    st.text(alphabet=st.characters(exclude_categories=["Cs"], exclude_characters="\x00")),
    st.text(alphabet=st.sampled_from(list(',:;"()\\<>@[]. x=?')), max_size=100),
).map(lambda text: text[:100])
# RFC 2047's encoded-word, as it would start in a header.
ENCODED_WORD = re.compile(r"=\?[^?\s]+\?[bBqQ]\?")


def header_lines(raw: bytes) -> list[bytes]:
    """The header block's lines; each is a header or its continuation, no stray CR or LF."""
    block = raw.split(b"\r\n\r\n", 1)[0]
    lines = block.split(b"\r\n")
    for line in lines:
        assert b"\r" not in line and b"\n" not in line, line
        assert line[:1] in (b" ", b"\t") or re.match(rb"^[!-9;-~]+:", line), line
    return lines


def mailboxes(raw: bytes, name: str) -> list[tuple[str, str]]:
    """(display name, address) of each mailbox in the one `name` header, as a mail program
    reads them."""
    header_lines(raw)
    parsed = email.message_from_bytes(raw, policy=email.policy.default)
    (header,) = parsed.get_all(name)
    assert not header.defects, header.defects
    assert all(group.display_name is None for group in header.groups), header.groups
    # The header as written, unfolded.
    (written,) = email.message_from_bytes(raw, policy=email.policy.compat32).get_all(name)
    written = re.sub(r"\r?\n", "", written)
    found = []
    for address in header.addresses:
        shown = address.display_name
        if ENCODED_WORD.search(written) and len(header.addresses) == 1:
            # RFC 2047 6.2: the white space between two encoded-words is no part of the
            # text, but Python 3.11's address parser keeps it; decode_header does as the RFC says.
            decoded = str(make_header(decode_header(written)))
            shown = decoded.removesuffix(f" <{address.addr_spec}>")
        found.append((shown, address.addr_spec))
    return found


def expected(name: str, address: str) -> list[tuple[str, str]]:
    local, domain = address.rsplit("@", 1)
    return [(display_name(name), f"{local}@{domain.encode('idna').decode('ascii')}")]


@pytest.fixture
def alice_idn(alice):
    alice.email = USER_EMAIL
    alice.save()
    return alice


@pytest.fixture
def contact(alice_idn):
    return ContactFactory(owner=alice_idn, name="Anna", email=CONTACT_EMAIL)


def name_everyone(user, contact, name: str) -> None:
    user.display_name = name[:100]
    user.save(update_fields=["display_name"])
    contact.name = name
    contact.save(update_fields=["name"])


def test_the_attack_string_stays_one_name_in_the_eml(alice_idn, contact, alice_client):
    name_everyone(alice_idn, contact, ATTACK)
    draft = DraftFactory(application=ApplicationFactory(owner=alice_idn), recipient=CONTACT_EMAIL)
    raw = b"".join(
        alice_client.get(reverse("drafts:export_eml", args=[draft.pk])).streaming_content
    )

    assert mailboxes(raw, "To") == [(ATTACK, f"Anna@{PUNYCODE}")]
    assert mailboxes(raw, "From") == [(ATTACK, f"alice@{PUNYCODE}")]


@EXAMPLES
@given(name=names)
@example(name=ATTACK)
@example(name=HOSTILE[1])
@example(name=HOSTILE[2])
@example(name=HOSTILE[3])
@example(name=HOSTILE[4])
@example(name=HOSTILE[5])
def test_any_name_is_one_mailbox_in_the_eml_download(alice_idn, contact, alice_client, name):
    with transaction.atomic():
        name_everyone(alice_idn, contact, name)
        draft = DraftFactory(
            application=ApplicationFactory(owner=alice_idn), recipient=CONTACT_EMAIL
        )
        response = alice_client.get(reverse("drafts:export_eml", args=[draft.pk]))
        assert response.status_code == 200
        raw = b"".join(response.streaming_content)

        assert mailboxes(raw, "To") == expected(name, CONTACT_EMAIL)
        assert mailboxes(raw, "From") == expected(name[:100], USER_EMAIL)
        transaction.set_rollback(True)


@EXAMPLES
@given(name=names)
@example(name=ATTACK)
@example(name=HOSTILE[2])
@example(name=HOSTILE[3])
def test_any_name_is_one_mailbox_in_every_eml_of_the_zip(alice_idn, contact, alice_client, name):
    with transaction.atomic():
        name_everyone(alice_idn, contact, name)
        for company in ("Acme Oy", "Yhtiö Ääni Oy"):
            DraftFactory(application=ApplicationFactory(owner=alice_idn, company=company))
            DraftFactory(
                application=ApplicationFactory(owner=alice_idn, company=company),
                recipient=CONTACT_EMAIL,
            )
        response = alice_client.post(reverse("drafts:export_zip"), {"scope": "all"})
        assert response.status_code == 200
        archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
        emls = [archive.read(n) for n in archive.namelist() if n.endswith(".eml")]
        assert len(emls) == 4
        tos = sorted(mailboxes(raw, "To")[0][1] for raw in emls)
        assert tos == sorted(["interviewer@acme.example"] * 2 + [f"Anna@{PUNYCODE}"] * 2)
        for raw in emls:
            assert mailboxes(raw, "From") == expected(name[:100], USER_EMAIL)
            (address,) = mailboxes(raw, "To")
            if address[1] != "interviewer@acme.example":
                assert [address] == expected(name, CONTACT_EMAIL)
        transaction.set_rollback(True)


def test_a_contact_address_two_names_share_gets_no_name(alice_idn, contact, alice_client):
    ContactFactory(owner=alice_idn, name="Someone Else", email=CONTACT_EMAIL.lower())
    draft = DraftFactory(application=ApplicationFactory(owner=alice_idn), recipient=CONTACT_EMAIL)
    raw = b"".join(
        alice_client.get(reverse("drafts:export_eml", args=[draft.pk])).streaming_content
    )
    assert mailboxes(raw, "To") == [("", f"Anna@{PUNYCODE}")]


NOW = datetime.datetime(2026, 3, 10, 12, 0, tzinfo=datetime.UTC)


@EXAMPLES
@given(name=names)
@example(name=ATTACK)
@example(name=HOSTILE[2])
@example(name=HOSTILE[3])
@example(name=HOSTILE[5])
def test_any_name_is_one_mailbox_in_the_reminder_the_dispatcher_sends(alice_idn, mailoutbox, name):
    alice_idn.display_name = name[:100]
    alice_idn.save(update_fields=["display_name"])
    mail.outbox.clear()
    with time_machine.travel(NOW, tick=False):
        FollowupFactory(
            application=ApplicationFactory(owner=alice_idn),
            due_at=NOW - datetime.timedelta(minutes=1),
        )
        # The real pass: claim, render, send through the configured (locmem) backend.
        assert dispatch_due().sent == 1

    (message,) = mail.outbox
    raw = message.message().as_bytes(linesep="\r\n")
    assert mailboxes(raw, "To") == expected(name[:100], USER_EMAIL)
    # The envelope goes to the one address, whatever the name says.
    assert message.recipients() == [USER_EMAIL]
