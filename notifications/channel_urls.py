"""Channel URLs in Apprise's syntax: which are accepted, what the person is shown of one.

A channel URL is a secret (a bot token, a webhook path, a topic anyone could read): the whole of
it is only ever in the encrypted column and in memory while a message is sent. What pages show
is `masked()`, fixed when the channel is saved.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from urllib.parse import urlsplit

import apprise
from django.views.decorators.debug import sensitive_variables

# The services the issue names, each with its TLS variant. Email stays Seuranta's own channel
# (mailto:// would be a second, unmanaged way to send it); file, desktop and the other local
# plugins would act on the server itself, so only these are accepted.
ALLOWED_SCHEMES = (
    "ntfy",
    "ntfys",
    "tgram",
    "matrix",
    "matrixs",
    "slack",
    "discord",
    "gotify",
    "gotifys",
    "pover",
    "json",
    "jsons",
    "form",
    "forms",
)
MAX_LENGTH = 1000
# How much of the end of a URL its masked form keeps, and only when the URL is long enough for
# that to be a small part of it: enough to tell two channels of one service apart.
VISIBLE_TAIL = 4
MIN_LENGTH_FOR_TAIL = 16

# Apprise logs the URL it loads; its logger reaches no handler (config.settings.LOGGING), and
# this makes sure of it wherever the module is used.
logging.getLogger("apprise").propagate = False


class Refused(ValueError):
    """Not a channel URL Seuranta accepts; `reason` is "scheme" or "invalid"."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Checked:
    scheme: str
    # Apprise's name for the service ("ntfy", "Telegram", "JSON").
    service: str
    masked: str


def scheme_of(url: str) -> str:
    try:
        return urlsplit(url).scheme.lower()
    except ValueError:
        return ""


@sensitive_variables("url")
def check(url: str) -> Checked:
    """The accepted URL's scheme, service name and masked form; Refused otherwise.

    Apprise parses it (no network): a URL its plugin cannot make sense of (a Telegram URL
    without a bot token, say) is refused here rather than failing at the first reminder.
    """
    if not url or len(url) > MAX_LENGTH or any(c.isspace() or ord(c) < 32 for c in url):
        raise Refused("invalid")
    scheme = scheme_of(url)
    if scheme not in ALLOWED_SCHEMES:
        raise Refused("scheme")
    plugin = apprise.Apprise.instantiate(url, suppress_exceptions=True)
    if plugin is None:
        raise Refused("invalid")
    if scheme in {"ntfy", "ntfys"} and not plugin.topics:
        # Apprise takes ntfy:// with no topic (ntfy://ntfy.sh/) and fails only when sending.
        raise Refused("invalid")
    return Checked(scheme=scheme, service=str(plugin.service_name)[:40], masked=masked(url))


@sensitive_variables("url")
def masked(url: str) -> str:
    """The scheme and at most the last few characters of the rest: "ntfys://…ic42"."""
    scheme = scheme_of(url) or "?"
    rest = url.split("://", 1)[-1].split("?", 1)[0].rstrip("/")
    tail = rest[-VISIBLE_TAIL:] if len(rest) >= MIN_LENGTH_FOR_TAIL else ""
    return f"{scheme}://…{tail}"
