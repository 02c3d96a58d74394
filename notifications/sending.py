"""Send one message to one Apprise URL, and say why it failed without repeating the URL.

Apprise's log lines name the host, the path or the token of the URL they are about (and at
debug level the whole URL). They never reach a log handler (config.settings.LOGGING), and their
text never leaves this module: a failure is read from them as a code from a closed list
(models.DeliveryError) and an HTTP status, the only parts of "the channel's answer" that are
safe to store and show.

Every connection Apprise opens for the message follows the address policy (core.addresses):
the host is resolved and checked there and the connection made to the checked address, so a
redirect, a second DNS answer or a URL saved before the policy cannot reach this server's own
network. The URL's query is checked again too (channel_urls.refuse_overrides).
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

import apprise
from django.conf import settings
from django.views.decorators.debug import sensitive_variables

from core import addresses
from notifications import channel_urls
from notifications.models import DeliveryError

log = logging.getLogger(__name__)
logging.getLogger("apprise").propagate = False

_HTTP_STATUS = re.compile(r"error=(\d{3})\b")
_TIMED_OUT = re.compile(r"timed? ?out", re.IGNORECASE)
_CONNECTION = re.compile(r"connection", re.IGNORECASE)


@dataclass(frozen=True)
class Message:
    title: str
    body: str


class SendFailed(Exception):
    """The channel did not take the message. `permanent`: trying again cannot help;
    `retry_after`: the seconds the service asked to be left alone for (its Retry-After)."""

    def __init__(
        self,
        code: str,
        status: int | None = None,
        *,
        permanent: bool = False,
        retry_after: int | None = None,
    ):
        super().__init__(code if status is None else f"{code} {status}")
        self.code = code
        self.status = status
        self.permanent = permanent
        self.retry_after = retry_after


def _asset() -> apprise.AppriseAsset:
    # async_mode off: the one service is sent in this thread, so that a call that ends (by its
    # timeout too) has nothing still sending behind it that could deliver after a retry was
    # recorded. Memory storage: nothing of a channel's (a Matrix login) is written to disk.
    return apprise.AppriseAsset(async_mode=False, storage_mode="memory", secure_logging=True)


# Sent with each message to a json:// or form:// webhook: the same value for every attempt of one
# delivery, so that a receiver can drop the copy a worker killed between the answer and its
# record sends again after the lease (the one duplicate the lease design allows).
DELIVERY_HEADER = "X-Seuranta-Delivery"


@sensitive_variables("url", "plugin")
def send(
    url: str, message: Message, *, timeout: float | None = None, key: str | None = None
) -> None:
    """Deliver the message as plain text (SendFailed if the channel did not take it).

    `key` names the delivery: webhooks get it in the DELIVERY_HEADER header.

    Plain text: Apprise escapes it for a service that reads Markdown or HTML, so a company
    named "**Acme**" or "<b>" arrives as typed, never as formatting or a link. Each connect and
    each read waits at most half the timeout (CHANNELS_SEND_TIMEOUT by default).
    """
    timeout = float(timeout or settings.CHANNELS_SEND_TIMEOUT)
    try:
        # A URL saved before the rule, or written to the database past the form.
        channel_urls.refuse_overrides(url)
    except channel_urls.Refused:
        raise SendFailed(DeliveryError.OVERRIDES, permanent=True) from None
    policy = addresses.policy(allow_private=settings.CHANNELS_ALLOW_PRIVATE)
    asset = _asset()
    try:
        plugin = apprise.Apprise.instantiate(url, asset=asset, suppress_exceptions=True)
        if plugin is None:
            raise SendFailed(DeliveryError.REFUSED, permanent=True)
        plugin.socket_connect_timeout = min(plugin.socket_connect_timeout, timeout / 2)
        plugin.socket_read_timeout = min(plugin.socket_read_timeout, timeout / 2)
        if key and isinstance(getattr(plugin, "headers", None), dict):
            plugin.headers[DELIVERY_HEADER] = key
        notifier = apprise.Apprise(asset=asset)
        notifier.add(plugin)
        with addresses.outbound_guard(policy) as guard:
            result = notifier.notify(
                body=message.body,
                title=message.title,
                body_format=apprise.NotifyFormat.TEXT,
                timeout=timeout,
                # Debug level, to tell a timeout from a refused connection; the lines stay in
                # memory.
                log_level=logging.DEBUG,
            )
    except SendFailed:
        raise
    except Exception as exc:
        # Apprise handles its plugins' errors itself; anything else escaping it may carry the
        # URL in its message or in the local variables of its frames (which a debug page or an
        # error report would show): only its class goes on, without the traceback.
        log.warning("Apprise raised %s", type(exc).__name__)
        raise SendFailed(DeliveryError.REFUSED) from None
    if result:
        return
    if guard.refused:
        # The same answer next time: trying again cannot help.
        raise SendFailed(DeliveryError.ADDRESS, permanent=True)
    raise _diagnosis(result)


def _diagnosis(result) -> SendFailed:
    if result.status == apprise.AppriseResultStatus.TIMEOUT:
        return SendFailed(DeliveryError.TIMEOUT)
    lines = [entry.message for entry in result.logs()]
    for line in lines:
        match = _HTTP_STATUS.search(line)
        if match:
            return SendFailed(DeliveryError.HTTP, int(match.group(1)))
    if any(_TIMED_OUT.search(line) for line in lines):
        return SendFailed(DeliveryError.TIMEOUT)
    if any(_CONNECTION.search(line) for line in lines):
        return SendFailed(DeliveryError.CONNECT)
    return SendFailed(DeliveryError.REFUSED)
