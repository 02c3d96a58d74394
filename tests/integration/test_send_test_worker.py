"""A channel's Send test through the real Celery worker: the web request only queues it, the
worker process sends it to the webhook, and the waiting page then shows the channel's answer."""

import pytest
from django.test import Client
from django.urls import reverse

from notifications.tasks import send_channel_test
from tests.factories import ChannelFactory, UserFactory
from tests.integration.conftest import wait_for
from tests.send_test import queue_send_test

pytestmark = [pytest.mark.integration, pytest.mark.redis, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def shared_cache(settings, redis_broker):
    """The worker keeps the test's answer in its cache, Redis (it runs with REDIS_URL): this
    process reads the same one, as every web process of a deployment does."""
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": redis_broker,
            "KEY_PREFIX": "seuranta",
        },
    }


def test_the_worker_sends_a_channel_test_and_the_page_shows_the_answer(
    shared_cache, celery_stack, redis_broker, webhook_sink, monkeypatch
):
    from config.celery_app import app

    alice = UserFactory(email="alice@example.com")
    channel = ChannelFactory(owner=alice, label="Phone", url=webhook_sink.url())
    client = Client()
    client.force_login(alice)
    celery_stack.start_worker()

    def delay(token: str) -> None:
        # To the worker's broker: this process is configured without Redis.
        with app.connection_for_write(redis_broker) as connection:
            send_channel_test.apply_async(args=[token], connection=connection)

    monkeypatch.setattr(send_channel_test, "delay", delay)
    token = queue_send_test(client, reverse("notifications:channel_test", args=[channel.pk]))

    def finished():
        return client.get(reverse("send_test_status", args=[token])).json()["finished"]

    wait_for(finished, 30, 0.2, "the worker to send the test")
    page = client.get(reverse("send_test", args=[token])).content.decode()
    assert "Test message sent to “Phone”: the channel accepted it." in page, celery_stack.log(
        "worker"
    )[-3000:]
    [message] = webhook_sink.messages()
    assert message["title"] == "Seuranta: test message"
    assert "send_channel_test" in celery_stack.log("worker")
