"""The morning digest through a real SMTP server (aiosmtpd): the message as it arrives, sent once,
and nothing marked notified while the server is down."""

import datetime
import re
from collections import Counter
from zoneinfo import ZoneInfo

import pytest
import time_machine
from aiosmtpd.controller import Controller

from followups.digest import send_digests
from followups.dispatch import dispatch_due
from followups.models import Digest, DigestState, Followup, Kind, State
from tests.factories import UserFactory, followup_of_kind
from tests.integration.conftest import Inbox, free_port

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

HELSINKI = ZoneInfo("Europe/Helsinki")


def hel(*args: int) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=HELSINKI)


class SmtpServer:
    """An aiosmtpd server that can be stopped and started again on the same port."""

    def __init__(self):
        self.inbox = Inbox()
        self.port = free_port()
        self.controller = None

    def start(self) -> None:
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        self.controller.stop()
        self.controller = None


@pytest.fixture
def smtp(settings):
    server = SmtpServer()
    server.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = server.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 5
    yield server
    if server.controller is not None:
        server.stop()


@pytest.fixture
def frozen():
    with time_machine.travel(hel(2026, 3, 10, 7, 0), tick=False) as traveller:
        yield traveller


def test_a_digest_arrives_once_as_one_message_in_the_persons_language(smtp, frozen):
    owner = UserFactory(
        email="saara@example.com",
        display_name="Saara Example, Head of HR: boss@attacker.test",
        language="fi",
        digest_enabled=True,
    )
    call = followup_of_kind(Kind.CALL, owner=owner, due_at=hel(2026, 3, 9, 14, 0))
    apply_by = followup_of_kind(Kind.APPLY_BY, owner=owner, due_at=hel(2026, 3, 10, 10, 0))
    call.application.company = "Kone\r\nBcc: victim@example.com"
    call.application.save()

    frozen.move_to(hel(2026, 3, 10, 8, 0))
    assert dispatch_due().claimed == 0
    assert send_digests().sent == 1
    frozen.move_to(hel(2026, 3, 10, 11, 0))
    assert send_digests().sent == 0

    [message] = smtp.inbox.snapshot()
    assert [a.addr_spec for a in message["To"].addresses] == ["saara@example.com"]
    assert message["Subject"] == "Kooste 10.3.: 2 jatkotoimea"
    assert message["Bcc"] is None
    assert message["List-Unsubscribe"].strip().startswith("<http")
    assert message["X-Seuranta-Digest"] == "2026-03-10"
    assert Counter(message["X-Seuranta-Followups"].split()) == Counter(
        [str(call.pk), str(apply_by.pk)]
    )
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    assert "Myöhässä" in text and "Tänään tehtävänä" in text
    assert len(re.findall(r"/followups/link/\d+/done/", text)) == 2
    assert '<html lang="fi">' in html
    assert "Merkitse tehdyksi" in html
    assert {f.state for f in Followup.objects.all()} == {State.NOTIFIED}


def test_nothing_is_marked_notified_while_the_server_is_down_and_it_goes_once_after(smtp, frozen):
    owner = UserFactory(email="ville@example.com", digest_enabled=True)
    followup = followup_of_kind(Kind.FEEDBACK, owner=owner, due_at=hel(2026, 3, 10, 7, 30))
    smtp.stop()
    frozen.move_to(hel(2026, 3, 10, 8, 0))

    assert send_digests().retrying == 1
    digest = Digest.objects.get()
    assert digest.state == DigestState.PENDING
    assert digest.last_error.startswith("ConnectionRefusedError")
    assert Followup.objects.get(pk=followup.pk).state == State.SCHEDULED

    smtp.start()
    frozen.move_to(digest.next_attempt_at)
    assert send_digests().sent == 1
    frozen.move_to(hel(2026, 3, 10, 12, 0))
    assert send_digests().sent == 0

    assert len(smtp.inbox.snapshot()) == 1
    assert Followup.objects.get(pk=followup.pk).state == State.NOTIFIED
    assert Digest.objects.get().state == DigestState.SENT
