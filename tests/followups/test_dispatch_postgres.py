"""Concurrent dispatchers on PostgreSQL: separate processes, row locks, each reminder sent once."""

import datetime
import email
import os
import subprocess
import sys
import time
from collections import Counter
from datetime import timedelta
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection, connections
from django.utils import timezone

from accounts.models import User
from applications.models import Application, Status
from followups.dispatch import claim_due, dispatch_due
from followups.models import Followup, Kind, State

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

REMINDERS = 2000
DISPATCHERS = 4


def make_due_followups(count: int) -> list[int]:
    """count due follow-ups, each for its own user (so recipients tell the emails apart)."""
    due = timezone.now() - timedelta(minutes=1)
    # No quiet hours: these tests run at whatever time it is, and a reminder is never emailed
    # inside them (tested with frozen time in test_dispatch).
    users = User.objects.bulk_create(
        User(
            email=f"load{i}@example.com",
            password="!",
            quiet_hours_start=datetime.time(0, 0),
            quiet_hours_end=datetime.time(0, 0),
        )
        for i in range(count)
    )
    # Every other one an apply-by reminder of an application not sent yet, whose deadline the
    # dispatcher checks before sending: the exactly-once rules hold for each kind.
    deadline = timezone.localdate() + timedelta(days=10)
    applications = Application.objects.bulk_create(
        Application(
            owner=user,
            company=f"Firm {i} Oy",
            position="Developer",
            status=Status.SAVED if i % 2 else Status.OFFER,
            apply_by=deadline if i % 2 else None,
        )
        for i, user in enumerate(users)
    )
    followups = Followup.objects.bulk_create(
        Followup(
            owner_id=application.owner_id,
            application=application,
            kind=Kind.APPLY_BY if application.status == Status.SAVED else Kind.FEEDBACK,
            due_at=due,
            next_attempt_at=due,
        )
        for application in applications
    )
    return [f.pk for f in followups]


def database_url() -> str:
    db = connection.settings_dict
    credentials = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        credentials += ":" + quote(db["PASSWORD"], safe="")
    host = db["HOST"] or "127.0.0.1"
    port = db["PORT"] or 5432
    return f"postgres://{credentials}@{host}:{port}/{quote(db['NAME'], safe='')}"


def test_four_dispatcher_processes_send_two_thousand_reminders_exactly_once(tmp_path):
    ids = make_due_followups(REMINDERS)
    var_dir = tmp_path / "var"
    env = {
        **os.environ,
        # The test database (test_…), which the children share with this test.
        "DATABASE_URL": database_url(),
        # No EMAIL_URL: the outbox backend writes one .eml per message under var/mail/.
        "SEURANTA_VAR_DIR": str(var_dir),
        "DJANGO_SECRET_KEY": "dispatch-test-key",
        "DJANGO_DEBUG": "1",
    }
    env.pop("EMAIL_URL", None)
    command = [
        sys.executable,
        "manage.py",
        "dispatch_followups",
        "--until-done",
        "--batch-size",
        "25",
    ]
    started = time.monotonic()
    children = [
        subprocess.Popen(
            command,
            cwd=settings.BASE_DIR,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(DISPATCHERS)
    ]
    outputs = []
    for child in children:
        out, err = child.communicate(timeout=120)
        assert child.returncode == 0, err
        outputs.append(out)
    elapsed = time.monotonic() - started

    files = sorted((var_dir / "mail").glob("*.eml"))
    messages = [email.message_from_bytes(path.read_bytes()) for path in files]
    sent_ids = Counter(int(m["X-Seuranta-Followup"]) for m in messages)
    recipients = Counter(m["To"] for m in messages)
    assert len(files) == REMINDERS, outputs
    assert set(sent_ids) == set(ids)
    assert max(sent_ids.values()) == 1, "a reminder was sent twice"
    assert max(recipients.values()) == 1
    assert Followup.objects.filter(state=State.NOTIFIED).count() == REMINDERS
    assert not Followup.objects.filter(claimed_until__isnull=False).exists()
    per_process = [int(out.split("sent ")[1].split(",")[0]) for out in outputs]
    assert sum(per_process) == REMINDERS
    print(f"{DISPATCHERS} dispatchers, {elapsed:.1f} s, sent per process: {per_process}")


def test_a_row_locked_by_another_pass_is_skipped_not_waited_for():
    """SKIP LOCKED: a pass takes other rows instead of queueing behind one being claimed."""
    held, free = make_due_followups(2)
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute("BEGIN")
            cursor.execute("SELECT id FROM followups_followup WHERE id = %s FOR UPDATE", [held])
            claims = claim_due(now=timezone.now(), batch_size=10, lease=timedelta(minutes=5))
            cursor.execute("ROLLBACK")
    finally:
        other.close()

    assert [pk for pk, _ in claims] == [free]
    # Once the other pass lets go, the next pass takes the row it skipped.
    result = dispatch_due()
    assert (result.claimed, result.sent) == (1, 1)
    assert Followup.objects.get(pk=held).state == State.NOTIFIED
