"""Channel URLs in Apprise's syntax: which are accepted, what the person is shown of one.

A channel URL is a secret (a bot token, a webhook path, a topic anyone could read): the whole of
it is only ever in the encrypted column and in memory while a message is sent. What pages show
is `masked()`, fixed when the channel is saved.

A channel is a connection the server makes for a person, so it follows the one address policy
(core.addresses): a URL whose server is (or resolves to) this machine, a private network,
link-local, carrier-grade NAT or another non-public address is refused when it is saved, unless
CHANNELS_ALLOW_PRIVATE opens the instance's own network; sending is guarded again under Apprise's
own connections (notifications.sending), where a later DNS answer cannot get past. A URL may not
choose the HTTP method, add or remove headers or set raw body fields (Apprise's `method=`,
`+Header`, `-Header`, `:field`): with them a json:// or form:// channel could send an
authenticated request of the person's making to anything the server reaches.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from urllib.parse import urlsplit

import apprise
from apprise.utils.parse import parse_qsd
from django.conf import settings
from django.views.decorators.debug import sensitive_variables

from core import addresses

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
# The schemes whose URL names the server that is connected to (the others name a token of a fixed
# public service: tgram://{bot token}/…).
SELF_HOSTED_SCHEMES = {
    "ntfy",
    "ntfys",
    "matrix",
    "matrixs",
    "gotify",
    "gotifys",
    "json",
    "jsons",
    "form",
    "forms",
}
# Query options Apprise reads besides those its plugins list in template_args: the log-in and port
# any URL may give in the query, and the older names some plugins still take (read from
# Apprise 2.3's parse_url methods).
EXTRA_OPTIONS = {"user", "password", "port"}
EXTRA_OPTIONS_OF = {
    "ntfy": {"tags"},
    "ntfys": {"tags"},
    "matrix": {"v"},
    "matrixs": {"v"},
    "discord": {"botname"},
}
# How long saving a channel waits for its host name to resolve.
RESOLVE_SECONDS = 3.0
MAX_LENGTH = 1000
# How much of the end of a URL its masked form keeps, and only when the URL is long enough for
# that to be a small part of it: enough to tell two channels of one service apart.
VISIBLE_TAIL = 4
MIN_LENGTH_FOR_TAIL = 16

# Apprise logs the URL it loads; its logger reaches no handler (config.settings.LOGGING), and
# this makes sure of it wherever the module is used.
logging.getLogger("apprise").propagate = False


class Refused(ValueError):
    """Not a channel URL Seuranta accepts. `reason`: "scheme", "invalid", "overrides" (it sets
    the method, headers or body fields), "options" (options its service does not document,
    listed in `options`) or "address" (its server is not public; `refusal` says where it is)."""

    def __init__(
        self,
        reason: str,
        refusal: addresses.AddressRefused | None = None,
        options: list[str] | None = None,
    ):
        super().__init__(reason)
        self.reason = reason
        self.refusal = refusal
        self.options = options or []


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
def refuse_overrides(url: str) -> None:
    """Refused("overrides") if the URL's query sets the method, headers or body fields.

    Read with Apprise's own query parser, so that what is refused is what Apprise would apply
    (it takes "+" and a space alike as the start of a header, and decodes percent escapes).
    """
    parsed = _query(url)
    if parsed["qsd+"] or parsed["qsd-"] or parsed["qsd:"] or "method" in parsed["qsd"]:
        raise Refused("overrides")


def _query(url: str) -> dict:
    return parse_qsd(url.split("?", 1)[1] if "?" in url else "")


@sensitive_variables("url", "plugin")
def _refuse_undocumented_options(url: str, plugin, scheme: str) -> None:
    """Only the options Apprise documents for the URL's service (its template_args), less the
    method: an option Apprise does not know is ignored today and may mean something tomorrow."""
    documented = {name.lower() for name in plugin.template_args} - {"method"}
    documented |= EXTRA_OPTIONS | EXTRA_OPTIONS_OF.get(scheme, set())
    unknown = sorted(name for name in _query(url)["qsd"] if name and name not in documented)
    if unknown:
        raise Refused("options", options=unknown)


@sensitive_variables("url", "plugin")
def _refuse_private_host(plugin, scheme: str) -> None:
    if scheme not in SELF_HOSTED_SCHEMES or not plugin.host:
        return
    policy = addresses.policy(allow_private=settings.CHANNELS_ALLOW_PRIVATE)
    try:
        addresses.checked_addresses(
            plugin.host, plugin.port or 0, policy=policy, seconds=RESOLVE_SECONDS
        )
    except addresses.AddressRefused as refused:
        raise Refused("address", refused) from None
    except addresses.HostNotFound:
        # Not now (DNS down, a name only the worker's network knows): sending checks again.
        return


@sensitive_variables("url")
def check(url: str) -> Checked:
    """The accepted URL's scheme, service name and masked form; Refused otherwise.

    Apprise parses it: a URL its plugin cannot make sense of (a Telegram URL without a bot
    token, say) is refused here rather than failing at the first reminder. The server's host
    name is looked up, to refuse one in a private network now rather than at the first reminder.
    """
    if not url or len(url) > MAX_LENGTH or any(c.isspace() or ord(c) < 32 for c in url):
        raise Refused("invalid")
    scheme = scheme_of(url)
    if scheme not in ALLOWED_SCHEMES:
        raise Refused("scheme")
    refuse_overrides(url)
    plugin = apprise.Apprise.instantiate(url, suppress_exceptions=True)
    if plugin is None:
        raise Refused("invalid")
    if scheme in {"ntfy", "ntfys"} and not plugin.topics:
        # Apprise takes ntfy:// with no topic (ntfy://ntfy.sh/) and fails only when sending.
        raise Refused("invalid")
    _refuse_undocumented_options(url, plugin, scheme)
    _refuse_private_host(plugin, scheme)
    return Checked(scheme=scheme, service=str(plugin.service_name)[:40], masked=masked(url))


@sensitive_variables("url")
def masked(url: str) -> str:
    """The scheme and at most the last few characters of the rest: "ntfys://…ic42"."""
    scheme = scheme_of(url) or "?"
    rest = url.split("://", 1)[-1].split("?", 1)[0].rstrip("/")
    tail = rest[-VISIBLE_TAIL:] if len(rest) >= MIN_LENGTH_FOR_TAIL else ""
    return f"{scheme}://…{tail}"
