"""Which channel URLs are accepted, and what of one is ever shown."""

import pytest

from notifications import channel_urls
from notifications.channel_urls import Refused


@pytest.mark.parametrize(
    ("url", "service"),
    [
        ("ntfy://ntfy.sh/seuranta-alice", "ntfy"),
        ("ntfys://user:pw@ntfy.example.com/topic", "ntfy"),
        ("tgram://123456789:AAHabcdefghijklmnopqrstuvwxyz12345/987654", "Telegram"),
        ("matrixs://user:pass@matrix.example.org/#jobs", "Matrix"),
        ("slack://T1JJ3T3L2/A1BRTD4JD/TIiajkdnlazkcOXrIdevi7FQ/#general", "Slack"),
        ("discord://4174216298/JHMHI8qBe7bk2ZwO5U711o3dV_js", "Discord"),
        ("gotifys://gotify.example.com/AbCdEf123", "Gotify"),
        ("pover://userkey@apptoken", "Pushover"),
        ("json://93.184.216.34:8080/hook", "JSON"),
        ("jsons://hooks.example.com/abc", "JSON"),
        ("form://example.com/hook", "Form"),
        ("forms://example.com/hook", "Form"),
    ],
)
def test_the_services_of_the_issue_are_accepted(url, service):
    assert channel_urls.check(url).service == service


@pytest.mark.parametrize(
    "url",
    [
        "mailto://user:pass@gmail.com",
        "https://discord.com/api/webhooks/1/abc",
        "file:///etc/passwd",
        "windows://",
        "xml://example.com/hook",
        "example.com/hook",
    ],
)
def test_other_kinds_are_refused_as_such(url):
    with pytest.raises(Refused) as refused:
        channel_urls.check(url)
    assert refused.value.reason == "scheme"


@pytest.mark.parametrize(
    "url",
    [
        "tgram://not-a-token",
        "json://",
        "json://host/with space",
        "json://a\nb",
        "",
        "x" * 2000,
        # ntfy with no topic: Apprise takes it, and fails only when sending.
        "ntfy://",
        "ntfys://ntfy.sh/",
    ],
)
def test_a_url_its_service_cannot_read_is_refused_as_invalid(url):
    with pytest.raises(Refused):
        channel_urls.check(url)


@pytest.mark.parametrize(
    ("url", "masked"),
    [
        ("ntfys://ntfy.sh/seuranta-alice-2f9c", "ntfys://…2f9c"),
        ("ntfy://ntfy.sh/short", "ntfy://…"),
        ("json://127.0.0.1:8080/hooks/s3cr3t?x=1", "json://…cr3t"),
        ("TGRAM://123456789:AAHabcdefghijklmnopqrstuvwxyz12345/987654/", "tgram://…7654"),
    ],
)
def test_the_masked_form_keeps_the_scheme_and_at_most_four_characters(url, masked):
    assert channel_urls.masked(url) == masked
