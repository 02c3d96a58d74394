"""Channel URLs at rest: encrypted with a key derived from CHANNELS_KEY or SECRET_KEY."""

import pytest
from django.db import connection

from notifications import crypto
from notifications.models import URL_PURPOSE, Channel
from tests.factories import ChannelFactory

SECRET_URL = "tgram://123456789:AAH-s3cretB0tT0ken_abcdefghijklmnop/4242"


def test_a_secret_comes_back_as_it_went_in():
    token = crypto.encrypt("ntfys://user:pw@ntfy.example/topic", purpose="test")
    assert "topic" not in token
    assert crypto.decrypt(token, purpose="test") == "ntfys://user:pw@ntfy.example/topic"


def test_a_token_made_for_one_purpose_does_not_open_as_another():
    token = crypto.encrypt("secret", purpose="channels")
    with pytest.raises(crypto.Unreadable):
        crypto.decrypt(token, purpose="webpush")


def test_the_same_text_encrypts_differently_each_time():
    assert crypto.encrypt("a", purpose="p") != crypto.encrypt("a", purpose="p")


def test_a_new_secret_key_cannot_read_what_the_old_one_wrote(settings):
    token = crypto.encrypt("secret", purpose="p")
    settings.SECRET_KEY = "rotated-" + "k" * 50
    with pytest.raises(crypto.Unreadable):
        crypto.decrypt(token, purpose="p")


def test_the_old_secret_key_in_the_fallbacks_still_reads_what_it_wrote(settings):
    old = settings.SECRET_KEY
    token = crypto.encrypt("secret", purpose="p")
    settings.SECRET_KEY = "rotated-" + "k" * 50
    settings.SECRET_KEY_FALLBACKS = [old]
    assert crypto.decrypt(token, purpose="p") == "secret"
    # New secrets go under the new key.
    settings.SECRET_KEY_FALLBACKS = []
    assert crypto.decrypt(crypto.encrypt("new", purpose="p"), purpose="p") == "new"


def test_with_channels_key_set_the_secret_key_can_change_freely(settings):
    settings.CHANNELS_KEY = "a-key-only-for-channels-" + "c" * 30
    token = crypto.encrypt("secret", purpose="p")
    settings.SECRET_KEY = "rotated-" + "k" * 50
    assert crypto.decrypt(token, purpose="p") == "secret"
    settings.CHANNELS_KEY = ""
    with pytest.raises(crypto.Unreadable):
        crypto.decrypt(token, purpose="p")


def test_something_that_is_no_token_is_unreadable_not_an_error():
    with pytest.raises(crypto.Unreadable):
        crypto.decrypt("not a token at all ✓", purpose="p")


@pytest.mark.django_db
def test_the_database_column_does_not_hold_the_url(alice):
    channel = ChannelFactory(owner=alice, url=SECRET_URL)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT url_encrypted, url_masked, service, label FROM notifications_channel "
            "WHERE id = %s",
            [channel.pk],
        )
        row = cursor.fetchone()
    encrypted, masked, service, _label = row
    stored = " ".join(str(value) for value in row)
    for part in ("s3cretB0tT0ken", "AAH-", "123456789", SECRET_URL):
        assert part not in stored
    assert "4242" not in encrypted
    # What pages show: the scheme and the last four characters, nothing of the token.
    assert (masked, service) == ("tgram://…4242", "Telegram")
    assert Channel.objects.get().read_url() == SECRET_URL
    assert crypto.decrypt(encrypted, purpose=URL_PURPOSE) == SECRET_URL
