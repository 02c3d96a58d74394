"""The two lanes of work (issue 26) through real processes: the workers of the Procfile, one
reading the "dispatch" queue and one the "jobs" queue. Send tests held by a channel that never
answers fill the jobs worker; a reminder falling due meanwhile still goes by email on time."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from notifications.tasks import send_channel_test
from tests.factories import ApplicationFactory, ChannelFactory, FollowupFactory, UserFactory
from tests.integration.conftest import wait_for
from tests.integration.test_channel_faults import emails_by_followup
from tests.integration.test_send_test_worker import shared_cache  # noqa: F401 - a fixture
from tests.send_test import queue_send_test

pytestmark = [pytest.mark.integration, pytest.mark.redis, pytest.mark.django_db(transaction=True)]

# Accounts flooding Send test, each up to its limit (SEND_TEST_LIMIT, 10 a minute). Apprise gives
# up on a held request after about 4 s, so 30 tests keep the two processes of the jobs worker
# busy for about a minute: on one shared worker the reminder would wait as long.
ATTACKERS = 3


def test_send_tests_to_a_channel_that_never_answers_do_not_delay_a_reminder(
    shared_cache,  # noqa: F811 - the fixture imported above
    celery_stack,
    redis_broker,
    smtp_server,
    webhook_sink,
    monkeypatch,
):
    """The attack of issue 26: accounts pressing Send test against a webhook that holds every
    request occupy every process of the jobs worker, with more tests waiting in its queue; the
    dispatch worker still sends a reminder due meanwhile within two dispatch intervals."""
    from config.celery_app import app

    webhook_sink.hold.clear()

    def delay(token: str) -> None:
        # To the workers' broker (this process is configured without Redis), routed as the
        # settings route it: the "jobs" queue.
        with app.connection_for_write(redis_broker) as connection:
            send_channel_test.apply_async(args=[token], connection=connection)

    monkeypatch.setattr(send_channel_test, "delay", delay)
    celery_stack.start_worker("jobs", queues="jobs", concurrency=2)
    celery_stack.start_worker("dispatch", queues="dispatch", concurrency=1)
    for _ in range(ATTACKERS):
        attacker = UserFactory()
        channel = ChannelFactory(owner=attacker, label="Never answers", url=webhook_sink.url())
        client = Client()
        client.force_login(attacker)
        for _ in range(10):
            queue_send_test(client, reverse("notifications:channel_test", args=[channel.pk]))
    wait_for(lambda: webhook_sink.held >= 2, 30, 0.1, "the jobs worker to be held")

    victim = UserFactory(
        email="victim@example.com",
        quiet_hours_start=datetime.time(0, 0),
        quiet_hours_end=datetime.time(0, 0),
    )
    followup = FollowupFactory(application=ApplicationFactory(owner=victim), due_at=timezone.now())
    celery_stack.start_beat()
    try:
        wait_for(
            lambda: followup.pk in emails_by_followup(smtp_server),
            2 * celery_stack.interval + 10,
            0.1,
            "the reminder's email",
        )
        # The jobs worker was held all along: on one worker the reminder would have waited.
        assert webhook_sink.held >= 2
    finally:
        webhook_sink.hold.set()

    # Each worker received only its own lane's tasks ("name[id] received"; the start-up banner
    # lists every task's name).
    assert "dispatch_due_followups[" in celery_stack.log("dispatch")
    assert "send_channel_test[" in celery_stack.log("jobs")
    assert "send_channel_test[" not in celery_stack.log("dispatch")
    assert "dispatch_due_followups[" not in celery_stack.log("jobs")
