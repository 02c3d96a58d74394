"""The local outbox: with no EMAIL_URL, every email is written to var/mail/ as one .eml file.

The outbox page reads them back and shows a user the messages addressed to them, so a person
trying Seuranta with `make run` sees its reminders without any mail server.
"""

import email
import email.policy
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import getaddresses, parsedate_to_datetime
from pathlib import Path

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend
from django.utils import timezone


class OutboxEmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages) -> int:
        outbox = Path(settings.OUTBOX_DIR)
        outbox.mkdir(parents=True, exist_ok=True)
        sent = 0
        for message in email_messages:
            if not message.recipients():
                continue
            stamp = timezone.now().strftime("%Y%m%dT%H%M%S%f")
            name = f"{stamp}-{uuid.uuid4().hex[:12]}.eml"
            tmp = outbox / f".{name}.tmp"
            tmp.write_bytes(message.message().as_bytes(linesep="\n"))
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
    """The newest messages sent to address, newest first."""
    outbox = Path(settings.OUTBOX_DIR)
    if not outbox.is_dir():
        return []
    address = address.lower()
    found = []
    # File names start with a UTC timestamp, so sorting by name is sorting by time.
    for path in sorted(outbox.glob("*.eml"), reverse=True):
        message = _parse(path)
        if address in message.recipients:
            found.append(message)
            if len(found) >= limit:
                break
    return found


def message_for(address: str, message_id: str) -> OutboxMessage | None:
    """One message by id, only if it was sent to address."""
    if not message_id or "/" in message_id or message_id.startswith("."):
        return None
    path = Path(settings.OUTBOX_DIR) / f"{message_id}.eml"
    if not path.is_file():
        return None
    message = _parse(path)
    return message if address.lower() in message.recipients else None
