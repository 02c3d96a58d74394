"""Four dispatcher processes on PostgreSQL: each reminder reaches each channel exactly once."""

import os
import subprocess
import sys
import time
from collections import Counter

import pytest
from django.conf import settings

from followups.models import Followup, State
from notifications.models import Channel, Delivery, DeliveryState
from tests.followups.test_dispatch_postgres import database_url, make_due_followups

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

REMINDERS = 300
DISPATCHERS = 4


def test_four_dispatcher_processes_deliver_each_reminder_to_each_channel_exactly_once(
    tmp_path, webhook_sink
):
    ids = make_due_followups(REMINDERS)
    owners = list(Followup.objects.filter(pk__in=ids).values_list("owner_id", flat=True))
    # Every person has one webhook channel; every other one a second, to a second path.
    for n, owner_id in enumerate(owners):
        channel = Channel(owner_id=owner_id, label="Hook")
        channel.set_url(webhook_sink.url("/first"))
        channel.save()
        if n % 2 == 0:
            second = Channel(owner_id=owner_id, label="Second")
            second.set_url(webhook_sink.url("/second"))
            second.save()
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "SEURANTA_VAR_DIR": str(tmp_path / "var"),
        # The key the channels' URLs were encrypted with here.
        "DJANGO_SECRET_KEY": settings.SECRET_KEY,
        "DJANGO_DEBUG": "1",
        # The sink listens on 127.0.0.1, which the address policy refuses unless told.
        "CHANNELS_ALLOW_PRIVATE": "1",
    }
    env.pop("EMAIL_URL", None)
    env.pop("CHANNELS_KEY", None)
    command = [
        sys.executable,
        "manage.py",
        "dispatch_followups",
        "--until-done",
        "--batch-size",
        "20",
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
        out, err = child.communicate(timeout=300)
        assert child.returncode == 0, err
        outputs.append(out)
    elapsed = time.monotonic() - started

    by_path = Counter()
    per_followup_and_path = Counter()
    for message in webhook_sink.messages():
        by_path[message["path"]] += 1
    for path in ("/first", "/second"):
        for message in webhook_sink.messages():
            if message["path"] == path:
                followup = int(message["message"].split("/followups/link/")[1].split("/")[0])
                per_followup_and_path[(followup, path)] += 1
    expected_second = len(range(0, REMINDERS, 2))
    assert by_path == {"/first": REMINDERS, "/second": expected_second}, outputs
    assert max(per_followup_and_path.values()) == 1, "a channel got a reminder twice"
    assert {f for f, path in per_followup_and_path if path == "/first"} == set(ids)
    assert Delivery.objects.filter(state=DeliveryState.SENT).count() == (
        REMINDERS + expected_second
    )
    assert not Delivery.objects.filter(claimed_until__isnull=False).exists()
    assert Followup.objects.filter(state=State.NOTIFIED).count() == REMINDERS
    sent_per_process = [int(out.split("channels: claimed ")[1].split(",")[0]) for out in outputs]
    print(f"{DISPATCHERS} dispatchers, {elapsed:.1f} s, channel claims: {sent_per_process}")
    # The work was shared: more than one process sent to the channels.
    assert sum(1 for n in sent_per_process if n) > 1
