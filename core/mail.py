"""Email addresses: one mailbox in an address header (To, From), whatever its display name
holds, and the one spelling of an address that log-in and its counters compare.

A display name is user text: "Alice, Head of HR: boss@attacker.test, ceo@attacker.test;" must stay
one quoted name and never become a group of other people's addresses. The email package's
Address quotes it as RFC 5322 wants; Django's EmailMessage (the compat32 writer) then encodes a
name that is not ASCII as encoded-words and writes the domain in punycode ("bücher.de" becomes
"xn--bcher-kva.de"). Not the email package's modern policy: on Python 3.11 its folder drops the
quotes of a name too long for one line (cpython#80222) and writes a domain as an encoded-word.
"""

from __future__ import annotations

import re
from email.errors import HeaderParseError
from email.headerregistry import Address
from email.utils import parseaddr

# Line breaks and other control characters have no place in a header.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")


def display_name(value: str) -> str:
    """The name on one line: control characters and runs of spaces as one space."""
    return " ".join(_CONTROL.sub(" ", value or "").split())


def mailbox(name: str, addr_spec: str) -> str:
    """`"Name, with specials" <addr>` (or the bare address without a name), for the `to` and
    `from_email` of Django's EmailMessage.

    An address the email package cannot read is given alone: Django's EmailMessage refuses it
    with a ValueError as it would have anyway.
    """
    try:
        return str(Address(display_name=display_name(name), addr_spec=addr_spec))
    except (HeaderParseError, ValueError, IndexError, TypeError):
        return addr_spec


def normalize_email(email: str) -> str:
    """The address as accounts store and compare it: Alice@X and alice@x are one person."""
    return email.strip().lower()


def stable_message_id(what: str, sender: str) -> str:
    """A Message-ID that is the same each time the same email is sent: `what` names the one
    email (a follow-up's reminder for its due time, a person's digest for a day).

    A worker killed after the SMTP server took a message and before the row said so sends it
    again after the lease (again rather than lost); with the same Message-ID the person's mail
    client (and most servers) keep one copy.
    """
    domain = parseaddr(sender)[1].rpartition("@")[2] or "localhost"
    return f"<seuranta.{what}@{domain}>"
