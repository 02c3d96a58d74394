"""The preferences page's "Notification channels": add, test, turn off, edit, remove.

A channel's URL is a secret: once saved it is in no page, export or error report.
"""

import json

import pytest
from django.core.cache import caches
from django.urls import reverse
from django.views.debug import SafeExceptionReporterFilter

from notifications.models import Channel, Delivery, DeliveryState
from notifications.services import MAX_CHANNELS
from tests.applications.helpers import assert_error_next_to, assert_kept
from tests.factories import ApplicationFactory, ChannelFactory, FollowupFactory
from tests.logs import every_log_line
from tests.send_test import press_send_test
from tests.webhook import SECRET_PATH

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def channels_allow_private(settings):
    """The channels of these pages are on 127.0.0.1; what the address policy refuses is in
    test_channel_addresses.py."""
    settings.CHANNELS_ALLOW_PRIVATE = True


PREFERENCES = reverse("preferences")
ADD = reverse("notifications:channel_create")


def page(client) -> str:
    response = client.get(PREFERENCES)
    assert response.status_code == 200
    return response.content.decode()


def test_the_section_lists_email_first_then_the_channels_with_their_masked_urls(
    alice_client, alice
):
    ChannelFactory(owner=alice, label="Phone", url="ntfys://ntfy.sh/alice-s3cret-topic-9f2c")
    body = page(alice_client)
    section = body[body.index('id="channels"') :]
    assert section.index("alice@example.com") < section.index("Phone")
    assert "ntfys://…9f2c" in section
    assert "alice-s3cret-topic" not in body
    assert "Notification channels" in body and "Add channel" in body


def test_adding_a_channel_saves_it_encrypted_and_never_shows_the_url_again(
    alice_client, alice, webhook_sink
):
    url = webhook_sink.url()
    response = alice_client.post(ADD, {"label": "My webhook", "url": url})

    assert response.status_code == 302
    assert response["Location"] == PREFERENCES + "#channels"
    channel = Channel.objects.get(owner=alice)
    assert (channel.label, channel.service, channel.enabled) == ("My webhook", "JSON", True)
    assert channel.read_url() == url
    assert url not in channel.url_encrypted
    after = alice_client.get(PREFERENCES, follow=True).content.decode()
    assert "My webhook" in after
    for part in (url, SECRET_PATH, "s3cr3t-T0KEN"):
        assert part not in after


def test_a_refused_url_is_explained_next_to_the_field_and_nothing_is_saved(alice_client):
    response = alice_client.post(ADD, {"label": "Mail", "url": "mailto://me:pw@example.com"})

    assert response.status_code == 200
    assert "url" in response.context["channel_form"].errors
    assert_error_next_to(response, "url", "Seuranta does not send to this kind of channel.")
    assert not Channel.objects.exists()
    # The rest of the preferences page is still there.
    assert 'name="time_zone"' in response.content.decode()


def test_a_malformed_url_of_an_accepted_service_is_refused_too(alice_client):
    response = alice_client.post(ADD, {"label": "Bot", "url": "tgram://no-token-here"})

    assert_error_next_to(response, "url", "This URL is incomplete or malformed")
    assert not Channel.objects.exists()


def test_a_url_already_added_is_refused_next_to_the_field(alice_client, alice, bob):
    """Two channels with one URL would get every reminder twice; another person's is theirs."""
    ChannelFactory(owner=alice, label="Desk <hook>", url="json://127.0.0.1:8767/desk")
    ChannelFactory(owner=bob, label="Bob's", url="json://127.0.0.1:8767/bob")

    response = alice_client.post(ADD, {"label": "Again", "url": "json://127.0.0.1:8767/desk"})

    assert_error_next_to(response, "url", "“Desk <hook>” already sends to this URL; each reminder")
    assert "“Desk &lt;hook&gt;”" in response.content.decode()
    # What was typed is kept, to be corrected.
    assert_kept(response, "url", "json://127.0.0.1:8767/desk")
    assert Channel.objects.filter(owner=alice).count() == 1
    alice_client.post(ADD, {"label": "Mine", "url": "json://127.0.0.1:8767/bob"})
    assert Channel.objects.filter(owner=alice).count() == 2


def test_editing_to_another_channels_url_is_refused_but_keeping_its_own_is_not(alice_client, alice):
    ChannelFactory(owner=alice, label="Desk", url="json://127.0.0.1:8767/desk")
    phone = ChannelFactory(owner=alice, label="Phone", url="ntfy://ntfy.sh/first-topic")
    edit = reverse("notifications:channel_edit", args=[phone.pk])

    response = alice_client.post(edit, {"label": "Phone", "url": "json://127.0.0.1:8767/desk"})
    assert_error_next_to(response, "url", "“Desk” already sends to this URL")
    phone.refresh_from_db()
    assert phone.read_url() == "ntfy://ntfy.sh/first-topic"

    response = alice_client.post(edit, {"label": "Phone", "url": "ntfy://ntfy.sh/first-topic"})
    assert response.status_code == 302


def test_a_person_has_at_most_ten_channels(alice_client, alice):
    for _ in range(MAX_CHANNELS):
        ChannelFactory(owner=alice)
    response = alice_client.post(ADD, {"label": "One more", "url": "ntfy://ntfy.sh/topic"})
    assert response.status_code == 200
    assert Channel.objects.count() == MAX_CHANNELS
    assert "the most Seuranta sends to" in response.content.decode()


def test_send_test_reports_success_and_the_channel_got_the_test_message(
    alice_client, alice, webhook_sink
):
    channel = ChannelFactory(owner=alice, label="Phone", url=webhook_sink.url())

    response = press_send_test(
        alice_client, reverse("notifications:channel_test", args=[channel.pk])
    )

    assert response.status_code == 200
    body = response.content.decode()
    assert "Test message sent to “Phone”: the channel accepted it." in body
    assert 'class="alert alert-success' in body
    assert f'href="{PREFERENCES}#channels"' in body
    [message] = webhook_sink.messages()
    assert message["title"] == "Seuranta: test message"
    assert webhook_sink.followup_ids() == {}
    assert SECRET_PATH not in body


def test_send_test_reports_the_channels_error_without_the_url(alice_client, alice, webhook_sink):
    channel = ChannelFactory(owner=alice, label="Phone", url=webhook_sink.url())
    webhook_sink.fail_with = 404

    body = press_send_test(
        alice_client, reverse("notifications:channel_test", args=[channel.pk])
    ).content.decode()

    assert "The test message did not reach “Phone”" in body
    assert 'class="alert alert-danger' in body
    assert "The channel answered with an error (HTTP 404)." in body
    assert SECRET_PATH not in body and str(webhook_sink.port) not in body


def test_send_test_to_a_closed_port_says_it_could_not_connect(alice_client, alice):
    channel = ChannelFactory(owner=alice, label="Nowhere", url="json://127.0.0.1:9/s3cr3t")
    body = press_send_test(
        alice_client, reverse("notifications:channel_test", args=[channel.pk])
    ).content.decode()
    assert "Could not connect to the channel." in body
    assert "s3cr3t" not in body


def test_send_test_leaves_no_trace_of_the_url_in_pages_logs_or_the_cache(
    alice_client, alice, webhook_sink, capfd
):
    """The task gets a token, the waiting entry holds the label and the answer; the worker's
    log lines, at any level, hold no part of the URL either (as for a reminder's delivery)."""
    secret_down = "json://user:pa55w0rd@127.0.0.1:9/hooks/d0wn-S3CRET"
    down = ChannelFactory(owner=alice, label="Down", url=secret_down)
    refusing = ChannelFactory(owner=alice, label="Refusing", url=webhook_sink.url())
    webhook_sink.fail_with = 500
    pages = []
    with every_log_line() as stream:
        for channel in (down, refusing):
            response = press_send_test(
                alice_client, reverse("notifications:channel_test", args=[channel.pk])
            )
            pages.append(response.content.decode())
            token = response.request["PATH_INFO"].split("/")[-2]
            pages.append(json.dumps(caches["default"].get(f"send-test:{token}")))

    assert "Could not connect to the channel." in pages[0]
    assert "The channel answered with an error (HTTP 500)." in pages[2]
    assert "Refusing" in pages[3]
    out, err = capfd.readouterr()
    everything = "".join(pages) + stream.getvalue() + out + err
    for secret in ("d0wn-S3CRET", "pa55w0rd", SECRET_PATH, "s3cr3t", f":{webhook_sink.port}"):
        assert secret not in everything


def test_a_channel_whose_url_cannot_be_read_asks_for_it_again_without_an_error_page(
    alice_client, alice, settings
):
    channel = ChannelFactory(owner=alice, label="Old phone", url="ntfy://ntfy.sh/old-topic")
    # As after a rotated SECRET_KEY (which would also end this session): another key.
    settings.CHANNELS_KEY = "another-key-" + "k" * 40

    body = page(alice_client)
    assert "Its URL can no longer be read" in body
    assert "Enter the URL again" in body
    tested = press_send_test(alice_client, reverse("notifications:channel_test", args=[channel.pk]))
    assert tested.status_code == 200
    assert "enter it again" in tested.content.decode()

    edit = reverse("notifications:channel_edit", args=[channel.pk])
    alice_client.post(
        edit, {"label": "Old phone", "enabled": "on", "url": "ntfy://ntfy.sh/new-topic"}
    )
    channel.refresh_from_db()
    assert channel.read_url() == "ntfy://ntfy.sh/new-topic"
    assert "Its URL can no longer be read" not in page(alice_client)


def test_editing_keeps_the_url_unless_a_new_one_is_typed(alice_client, alice):
    channel = ChannelFactory(owner=alice, label="Phone", url="ntfy://ntfy.sh/first-topic")
    edit = reverse("notifications:channel_edit", args=[channel.pk])

    form_page = alice_client.get(edit).content.decode()
    assert "first-topic" not in form_page
    response = alice_client.post(edit, {"label": "Work phone", "url": ""})

    assert response.status_code == 302
    channel.refresh_from_db()
    assert (channel.label, channel.enabled) == ("Work phone", False)
    assert channel.read_url() == "ntfy://ntfy.sh/first-topic"


def test_editing_with_a_refused_url_changes_nothing(alice_client, alice):
    channel = ChannelFactory(owner=alice, label="Phone", url="ntfy://ntfy.sh/first-topic")
    edit = reverse("notifications:channel_edit", args=[channel.pk])

    response = alice_client.post(edit, {"label": "New", "enabled": "on", "url": "file:///x"})

    assert_error_next_to(response, "url", "Seuranta does not send to this kind of channel.")
    channel.refresh_from_db()
    assert channel.label == "Phone"


def test_turning_a_channel_off_and_on(alice_client, alice):
    channel = ChannelFactory(owner=alice, label="Phone")
    toggle = reverse("notifications:channel_toggle", args=[channel.pk])

    alice_client.post(toggle)
    channel.refresh_from_db()
    assert channel.enabled is False
    assert "Turn on" in page(alice_client)
    alice_client.post(toggle)
    channel.refresh_from_db()
    assert channel.enabled is True


def test_a_stale_page_turns_off_what_it_says_it_turns_off(alice_client, alice):
    """Two tabs: turned off in one, the other's "Turn off" leaves it off, never on again; the
    same for the Email row."""
    channel = ChannelFactory(owner=alice, label="Phone")
    toggle = reverse("notifications:channel_toggle", args=[channel.pk])
    email = reverse("notifications:email_toggle")
    html = page(alice_client)
    assert html.count('<input type="hidden" name="enabled" value="0">') == 2

    for _tab in range(2):
        alice_client.post(toggle, {"enabled": "0"})
        alice_client.post(email, {"enabled": "0"})
        channel.refresh_from_db()
        alice.refresh_from_db()
        assert (channel.enabled, alice.reminders_enabled) == (False, False)
    for _tab in range(2):
        alice_client.post(toggle, {"enabled": "1"})
        alice_client.post(email, {"enabled": "1"})
        channel.refresh_from_db()
        alice.refresh_from_db()
        assert (channel.enabled, alice.reminders_enabled) == (True, True)


def test_the_remove_page_asks_to_remove_and_its_button_says_so(alice_client, alice):
    channel = ChannelFactory(owner=alice, label="Phone")
    html = alice_client.get(reverse("notifications:channel_delete", args=[channel.pk]))
    assert '<button type="submit" class="btn btn-danger">Remove</button>' in html.content.decode()


def test_removing_asks_first_then_removes_the_channel_and_its_deliveries(alice_client, alice):
    channel = ChannelFactory(owner=alice, label="Phone")
    followup = FollowupFactory(application=ApplicationFactory(owner=alice))
    Delivery.objects.create(
        owner=alice,
        followup=followup,
        channel=channel,
        due_at=followup.due_at,
        next_attempt_at=followup.due_at,
        state=DeliveryState.FAILED,
    )
    remove = reverse("notifications:channel_delete", args=[channel.pk])

    assert "Remove the channel “Phone”?" in alice_client.get(remove).content.decode()
    assert Channel.objects.exists()
    response = alice_client.post(remove)

    assert response.status_code == 302
    assert not Channel.objects.exists()
    assert not Delivery.objects.exists()


def test_the_email_row_turns_reminder_emails_off_and_on(alice_client, alice):
    toggle = reverse("notifications:email_toggle")

    off = alice_client.post(toggle, follow=True).content.decode()
    alice.refresh_from_db()
    assert alice.reminders_enabled is False
    assert "Reminder emails are off." in off
    alice_client.post(toggle)
    alice.refresh_from_db()
    assert alice.reminders_enabled is True


def test_the_preferences_form_no_longer_carries_the_email_switch(alice_client, alice):
    """Saving the other preferences leaves reminder emails as they were."""
    from tests.accounts.test_preferences import preferences_data

    alice.reminders_enabled = False
    alice.save()
    data = preferences_data()
    data.pop("reminders_enabled")
    alice_client.post(PREFERENCES, data)
    alice.refresh_from_db()
    assert alice.reminders_enabled is False


def test_send_test_on_the_email_row_sends_an_email(alice_client, alice, mailoutbox):
    body = press_send_test(alice_client, reverse("notifications:email_test")).content.decode()
    assert [m.to for m in mailoutbox] == [["alice@example.com"]]
    assert mailoutbox[0].subject == "Seuranta: test message"
    assert "Test email sent to alice@example.com." in body


def test_send_test_on_the_email_row_says_what_the_mail_server_answered(alice_client, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2
    settings.EMAIL_HOST_USER, settings.EMAIL_HOST_PASSWORD = "seuranta", "sm7p-pa55"
    body = press_send_test(alice_client, reverse("notifications:email_test")).content.decode()
    assert "The test email could not be sent: ConnectionRefusedError" in body
    assert 'class="alert alert-danger' in body
    assert "sm7p-pa55" not in body


def test_another_persons_channel_is_a_404_on_every_url(bob_client, alice):
    channel = ChannelFactory(owner=alice, label="Alice's phone")
    for name in ("channel_edit", "channel_toggle", "channel_test", "channel_delete"):
        url = reverse(f"notifications:{name}", args=[channel.pk])
        assert bob_client.get(url).status_code in (404, 405), name
        assert bob_client.post(url, {"label": "x", "url": ""}).status_code == 404, name
    channel.refresh_from_db()
    assert (channel.label, channel.enabled) == ("Alice's phone", True)


def test_the_json_export_leaves_channels_out(alice_client, alice):
    url = "tgram://123456789:AAHs3cretB0tT0kenabcdefghijklmnop/4242"
    ChannelFactory(owner=alice, label="Telegram", url=url)
    response = alice_client.get(reverse("exports:account_json"))
    exported = b"".join(response.streaming_content) if response.streaming else response.content
    text = exported.decode()
    json.loads(text)
    assert "s3cretB0tT0ken" not in text
    assert "tgram" not in text


def test_a_url_posted_to_the_views_is_hidden_from_error_reports(alice_client, alice):
    """Django's error reports (and debug pages) leave the url field out."""
    channel = ChannelFactory(owner=alice)
    for url in (ADD, reverse("notifications:channel_edit", args=[channel.pk])):
        response = alice_client.post(url, {"label": "", "url": "ntfy://ntfy.sh/s3cret"})
        cleansed = SafeExceptionReporterFilter().get_post_parameters(response.wsgi_request)
        assert "s3cret" not in cleansed["url"], url
        assert cleansed["label"] == ""


@pytest.mark.parametrize("count", [1, 8])
def test_the_preferences_page_runs_the_same_queries_whatever_the_number_of_channels(
    client, alice, count, django_assert_max_num_queries
):
    for _ in range(count):
        ChannelFactory(owner=alice)
    client.force_login(alice)
    # Session, user, the channels, the browsers subscribed to push (webpush's section).
    with django_assert_max_num_queries(4):
        assert client.get(PREFERENCES).status_code == 200


def test_today_runs_the_same_queries_for_one_and_many_failed_deliveries(client, alice):
    def queries(count: int) -> int:
        Delivery.objects.all().delete()
        for _ in range(count):
            channel = ChannelFactory(owner=alice)
            followup = FollowupFactory(application=ApplicationFactory(owner=alice))
            Delivery.objects.create(
                owner=alice,
                followup=followup,
                channel=channel,
                due_at=followup.due_at,
                next_attempt_at=followup.due_at,
                state=DeliveryState.FAILED,
            )
        for cache in caches.all():
            cache.clear()
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            response = client.get(reverse("applications:dashboard"))
        assert response.content.decode().count("Not delivered to") >= min(count, 10)
        return len(captured)

    client.force_login(alice)
    assert queries(1) == queries(6)
