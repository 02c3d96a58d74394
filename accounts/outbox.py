"""The local outbox: with no EMAIL_URL, every email is written to var/mail/ as one .eml file.

The outbox page reads them back and shows a user the messages addressed to them, so a person
trying Seuranta with `make run` sees its reminders without any mail server.

Each message is also listed in a folder per recipient (`by-recipient/<hash of the address>/`,
one empty file named like the message), so that a user's page opens only that user's messages:
reading every file to find one's own took 15 s with 3 000 other users' mails.
"""

import email
import email.policy
import hashlib
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import getaddresses, parsedate_to_datetime
from pathlib import Path

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend
from django.utils import timezone

INDEX_DIR = "by-recipient"
# Written once every message already in the outbox is listed per recipient: outboxes from
# before the index existed are listed on first use, once.
INDEX_COMPLETE = ".complete"


def _recipient_dir(outbox: Path, address: str) -> Path:
    # Hashed: an address may hold characters a file name cannot, and "." or "/" must not walk.
    key = hashlib.sha256(address.strip().lower().encode()).hexdigest()[:32]
    return outbox / INDEX_DIR / key


def _index(outbox: Path, name: str, addresses) -> None:
    for address in {a.strip().lower() for a in addresses if a.strip()}:
        folder = _recipient_dir(outbox, address)
        folder.mkdir(parents=True, exist_ok=True)
        (folder / name).touch()


def _index_existing(outbox: Path) -> None:
    """List per recipient the messages written before the index existed (idempotent)."""
    complete = outbox / INDEX_DIR / INDEX_COMPLETE
    if complete.exists():
        return
    for path in outbox.glob("*.eml"):
        _index(outbox, path.name, _parse(path).recipients)
    complete.parent.mkdir(parents=True, exist_ok=True)
    complete.touch()


class OutboxEmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages) -> int:
        outbox = Path(settings.OUTBOX_DIR)
        outbox.mkdir(parents=True, exist_ok=True)
        _index_existing(outbox)
        sent = 0
        for message in email_messages:
            if not message.recipients():
                continue
            stamp = timezone.now().strftime("%Y%m%dT%H%M%S%f")
            name = f"{stamp}-{uuid.uuid4().hex[:12]}.eml"
            tmp = outbox / f".{name}.tmp"
            tmp.write_bytes(message.message().as_bytes(linesep="\n"))
            # Listed before it appears, so a message never shows up missing from its list.
            _index(outbox, name, [addr for _, addr in getaddresses(message.recipients())])
            # Rename so a reader never sees a half-written file.
            tmp.rename(outbox / name)
            sent += 1
        return sent


@dataclass
class OutboxMessage:
    id: str
    subject: str
    sender: str
    recipients: list[str]
    date: datetime | None
    text: str
    html: str


def _parse(path: Path) -> OutboxMessage:
    msg = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    recipients = [
        addr.lower() for _, addr in getaddresses(msg.get_all("To", []) + msg.get_all("Cc", []))
    ]
    text_part = msg.get_body(preferencelist=("plain",))
    html_part = msg.get_body(preferencelist=("html",))
    try:
        date = parsedate_to_datetime(msg["Date"]) if msg["Date"] else None
    except (TypeError, ValueError):
        date = None
    if date is not None and date.tzinfo is None:
        # "-0000" (how Django dates its emails) parses as naive but means UTC; naive, it was
        # shown as if it were the user's local time.
        date = date.replace(tzinfo=UTC)
    return OutboxMessage(
        id=path.stem,
        subject=str(msg["Subject"] or ""),
        sender=str(msg["From"] or ""),
        recipients=recipients,
        date=date,
        text=text_part.get_content() if text_part else "",
        html=html_part.get_content() if html_part else "",
    )


def messages_for(address: str, limit: int = 100) -> list[OutboxMessage]:
    """The newest messages sent to address, newest first; only those are opened."""
    outbox = Path(settings.OUTBOX_DIR)
    if not outbox.is_dir():
        return []
    _index_existing(outbox)
    folder = _recipient_dir(outbox, address)
    if not folder.is_dir():
        return []
    found = []
    # File names start with a UTC timestamp, so sorting by name is sorting by time.
    for entry in sorted(folder.glob("*.eml"), reverse=True):
        path = outbox / entry.name
        if path.is_file():  # a message deleted by hand leaves its entry behind
            found.append(_parse(path))
            if len(found) >= limit:
                break
    return found


def message_for(address: str, message_id: str) -> OutboxMessage | None:
    """One message by id, only if it was sent to address."""
    if not message_id or "/" in message_id or message_id.startswith("."):
        return None
    outbox = Path(settings.OUTBOX_DIR)
    if not outbox.is_dir():
        return None
    _index_existing(outbox)
    name = f"{message_id}.eml"
    path = outbox / name
    if not (_recipient_dir(outbox, address) / name).is_file() or not path.is_file():
        return None
    return _parse(path)
