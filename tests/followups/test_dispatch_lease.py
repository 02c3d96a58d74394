"""FOLLOWUP_DISPATCH_LEASE: how long a pass owns its claims, and the floor that keeps it safe."""

import datetime
import subprocess
import sys

import pytest
import time_machine
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings as django_settings
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.core.management import call_command

from followups.models import Followup, State
from followups.tasks import dispatch_until_done
from tests.factories import ApplicationFactory, FollowupFactory

NOW = datetime.datetime(2026, 3, 10, 12, 0, tzinfo=datetime.UTC)


class OutOfTimeWhileSendingBackend(LocmemBackend):
    """The task's soft time limit fires mid-send: the row keeps its claim until the lease ends."""

    def send_messages(self, messages):
        raise SoftTimeLimitExceeded()


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def cut_off_mid_send(settings, alice):
    settings.EMAIL_BACKEND = "tests.followups.test_dispatch_lease.OutOfTimeWhileSendingBackend"
    settings.FOLLOWUP_DISPATCH_LEASE = 90
    return FollowupFactory(application=ApplicationFactory(owner=alice))


def test_the_periodic_task_claims_for_the_configured_lease(cut_off_mid_send):
    with pytest.raises(SoftTimeLimitExceeded):
        dispatch_until_done()

    followup = Followup.objects.get(pk=cut_off_mid_send.pk)
    assert followup.state == State.SCHEDULED
    assert followup.claimed_until == NOW + datetime.timedelta(seconds=90)


def test_the_management_command_claims_for_the_configured_lease(cut_off_mid_send):
    with pytest.raises(SoftTimeLimitExceeded):
        call_command("dispatch_followups")

    followup = Followup.objects.get(pk=cut_off_mid_send.pk)
    assert followup.claimed_until == NOW + datetime.timedelta(seconds=90)


def test_a_lease_shorter_than_a_send_can_take_stops_the_start(tmp_path):
    """Half the lease to start rows plus EMAIL_TIMEOUT and a margin to send the last one must fit
    in the lease; otherwise a slow send could be claimed and sent again by another pass."""
    env = {
        "PATH": "/usr/bin:/bin",
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "SEURANTA_VAR_DIR": str(tmp_path),
        "EMAIL_TIMEOUT": "20",
        "FOLLOWUP_DISPATCH_LEASE": "59",
    }
    refused = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=django_settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
    )
    accepted = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=django_settings.BASE_DIR,
        env={**env, "FOLLOWUP_DISPATCH_LEASE": "60"},
        capture_output=True,
        text=True,
    )

    assert refused.returncode != 0
    assert "FOLLOWUP_DISPATCH_LEASE=59 is too short for EMAIL_TIMEOUT=20" in refused.stderr
    assert "at least 60 seconds" in refused.stderr
    assert accepted.returncode == 0, accepted.stderr
