"""A channel cannot reach into the server's network: the attack of issue 26, as it was made.

A channel URL such as json://127.0.0.1:PORT/x?method=PUT&+Authorization=Bearer%20abc&:cmd=FLUSHALL
made the worker send a request of the person's making to any loopback or private address, and
Send test told open, closed and silent ports apart. The local webhook sink stands for the service
on the server's network; it must receive nothing.
"""

import re

import pytest
from django.urls import reverse

from core import addresses
from notifications import crypto
from notifications.models import URL_PURPOSE, Channel, DeliveryError
from notifications.sending import Message, SendFailed, send
from notifications.services import channel_send_test
from tests.applications.helpers import assert_error_next_to
from tests.factories import ChannelFactory
from tests.send_test import press_send_test

pytestmark = pytest.mark.django_db

ADD = reverse("notifications:channel_create")
MESSAGE = Message(title="Seuranta: test message", body="Hello")
ATTACK_QUERY = "?method=PUT&+Authorization=Bearer%20abc&:cmd=FLUSHALL"


@pytest.fixture
def sink(webhook_sink, settings):
    """The sink on 127.0.0.1, with the default policy: public addresses only."""
    settings.CHANNELS_ALLOW_PRIVATE = False
    return webhook_sink


def stored_past_the_form(owner, url: str, label: str = "Stored") -> Channel:
    """A channel whose URL never went through today's check (saved before the rule, or by
    another way into the database)."""
    channel = Channel(owner=owner, label=label, url_masked="json://…", service="JSON")
    channel.url_encrypted = crypto.encrypt(url, purpose=URL_PURPOSE)
    channel.save()
    return channel


@pytest.mark.parametrize(
    "host", ["127.0.0.1", "localhost", "[::1]", "169.254.169.254", "10.0.0.5", "[::ffff:7f00:1]"]
)
def test_a_channel_on_the_servers_network_is_refused_when_saved(alice_client, alice, host):
    response = alice_client.post(ADD, {"label": "Inside", "url": f"json://{host}:6379/x"})

    assert_error_next_to(response, "url", "Seuranta sends only to public addresses")
    assert not Channel.objects.filter(owner=alice).exists()


def test_the_attack_url_is_refused_when_saved_and_nothing_reaches_the_server(
    alice_client, alice, sink
):
    response = alice_client.post(ADD, {"label": "Scan", "url": sink.url("/x") + ATTACK_QUERY})

    assert response.status_code == 200
    assert not Channel.objects.filter(owner=alice).exists()
    assert sink.attempts == []


@pytest.mark.parametrize(
    "query",
    [
        "?method=PUT",
        "?METHOD=GET",
        "?+Authorization=Bearer%20abc",
        "?%2BAuthorization=Bearer%20abc",
        "?-User-Agent",
        "?:cmd=FLUSHALL",
        "?%3Acmd=FLUSHALL",
        "?format=json&+Cookie=csrftoken%3Dx&+X-Forwarded-For=203.0.113.9",
    ],
)
def test_a_url_that_sets_the_method_headers_or_body_fields_is_refused_even_on_an_intranet(
    alice_client, alice, settings, query
):
    settings.CHANNELS_ALLOW_PRIVATE = True
    response = alice_client.post(ADD, {"label": "Hook", "url": f"json://127.0.0.1:8080/x{query}"})

    assert_error_next_to(response, "url", "may not set the method")
    assert not Channel.objects.filter(owner=alice).exists()


def test_a_form_channel_aimed_at_the_sites_own_log_in_with_a_cookie_is_refused(
    alice_client, alice, settings
):
    """The chained attack: failed log-ins recorded for a victim's address, from any IP."""
    settings.CHANNELS_ALLOW_PRIVATE = True
    url = (
        "form://127.0.0.1:8000/accounts/login/?+Cookie=csrftoken%3Dabc"
        "&:csrfmiddlewaretoken=abc&:username=victim&+X-Forwarded-For=198.51.100.7"
    )
    response = alice_client.post(ADD, {"label": "Log-in", "url": url})

    assert_error_next_to(response, "url", "may not set the method")
    assert not Channel.objects.filter(owner=alice).exists()


def test_a_channel_at_127_0_0_1_stored_before_the_rule_is_refused_when_sent(alice, sink):
    channel = stored_past_the_form(alice, sink.url())

    failure = channel_send_test(channel=channel)

    assert failure.code == DeliveryError.ADDRESS and failure.permanent
    assert sink.attempts == []


def test_overrides_stored_before_the_rule_are_refused_when_sent_even_on_an_intranet(
    alice, webhook_sink
):
    """webhook_sink allows private addresses: only the query is refused."""
    with pytest.raises(SendFailed) as refused:
        send(webhook_sink.url() + ATTACK_QUERY, MESSAGE)

    assert refused.value.code == DeliveryError.OVERRIDES
    assert webhook_sink.attempts == []


def test_send_test_no_longer_tells_an_open_port_from_a_closed_one(alice_client, alice, sink):
    """The port scanner: an open, a closed and a silent port all get the same answer."""
    sink.hold.clear()  # a silent port: the sink never answers
    answers = []
    for port in (sink.port, 9):
        channel = stored_past_the_form(alice, f"json://127.0.0.1:{port}/x", label=f"Port {port}")
        response = press_send_test(
            alice_client, reverse("notifications:channel_test", args=[channel.pk])
        )
        alert = re.search(r'class="alert alert-danger.*?</div>', response.content.decode(), re.S)[0]
        assert "Seuranta sends only to public addresses" in alert
        answers.append(alert.replace(f"Port {port}", "Port"))
    assert answers[0] == answers[1]
    assert sink.attempts == [] and sink.held == 0


def test_a_name_that_answers_public_when_saved_and_127_0_0_1_when_sent_reaches_nothing(
    alice, sink, monkeypatch
):
    """DNS rebinding: the check at saving saw a public address; the connection Apprise makes
    is checked again and goes only to the address that was checked."""
    answers = iter([["93.184.216.34"]])
    monkeypatch.setattr(
        addresses, "resolve_host", lambda host, port, seconds: next(answers, ["127.0.0.1"])
    )
    opened = []
    real_open = addresses._open

    def record(address, *args):
        opened.append(address[0])
        return real_open(address, *args)

    monkeypatch.setattr(addresses, "_open", record)
    channel = ChannelFactory(owner=alice, url=f"json://rebind.example:{sink.port}/hook")

    failure = channel_send_test(channel=channel)

    assert failure.code == DeliveryError.ADDRESS
    assert "127.0.0.1" not in opened
    assert sink.attempts == []


def test_an_intranet_ntfy_is_reached_when_the_instance_allows_its_own_network(alice, webhook_sink):
    """CHANNELS_ALLOW_PRIVATE=1 (webhook_sink sets it): the sink is reached."""
    send(webhook_sink.url(), MESSAGE)
    assert [message["title"] for message in webhook_sink.messages()] == [MESSAGE.title]


def test_the_refusal_is_explained_in_finnish_too():
    from django import forms
    from django.utils import translation

    from notifications.forms import ChannelUrlField

    with translation.override("fi"), pytest.raises(forms.ValidationError) as refused:
        ChannelUrlField().clean("json://127.0.0.1:6379/x")
    [message] = refused.value.messages
    assert "tämän palvelimen oma loopback-osoite" in message
    assert "Seuranta lähettää vain julkisiin osoitteisiin" in message
    with translation.override("fi"):
        with pytest.raises(forms.ValidationError) as refused:
            ChannelUrlField().clean("json://93.184.216.34/x?+Authorization=x")
        assert "ei voi asettaa pyyntötapaa" in refused.value.messages[0]
    with translation.override("fi"):
        assert "Kanavan palvelin ei ole julkisessa osoitteessa" in str(DeliveryError.ADDRESS.label)


@pytest.mark.parametrize(
    "url",
    [
        "ntfys://ntfy.example.com/topic?priority=high&tagz=job",
        "json://93.184.216.34/hook?to=internal&verify=no",
        "gotifys://gotify.example.com/token?secret=1",
    ],
)
def test_options_a_service_does_not_document_are_refused_and_named(alice_client, alice, url):
    response = alice_client.post(ADD, {"label": "Hook", "url": url})

    assert_error_next_to(response, "url", "options its service does not take")
    assert not Channel.objects.filter(owner=alice).exists()


def test_a_services_documented_options_are_accepted(alice_client, alice):
    url = "ntfys://ntfy.example.com/topic?priority=high&tags=job&click=https://example.com/&format=text"
    alice_client.post(ADD, {"label": "Phone", "url": url})

    assert Channel.objects.filter(owner=alice, label="Phone").exists()
