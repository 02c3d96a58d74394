"""Which push endpoints Seuranta will POST to, and how an endpoint appears in a log line.

The endpoint comes from the browser, that is from whoever sends the subscribe request, and the
server POSTs to it from inside its own network. Unchecked, that is a server-side request forgery:
`https://10.0.0.5/admin/reset` or the cloud metadata address as an "endpoint". So an endpoint must
be https on the default port, name a host of a known push service (WEBPUSH_ENDPOINT_HOSTS; "*"
for any), carry no user name or password, and resolve only to public addresses (the one address
policy, core.addresses) when it is sent to. WEBPUSH_ALLOW_INSECURE_ENDPOINTS lifts all of that
for the tests' local stand-in (http://127.0.0.1:PORT) and is never on in production.

The check here refuses early and says why; the connection itself is guarded again when the push
is sent (webpush.sender runs pywebpush inside core's outbound guard), so a name that resolves
differently a moment later still reaches only a checked public address.
"""

import ipaddress
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core import addresses
from webpush.models import ENDPOINT_MAX_LENGTH


class EndpointRefused(ValidationError):
    """Not an address Seuranta sends pushes to."""


class EndpointUnresolved(Exception):
    """The endpoint's host name does not resolve now (DNS down, offline): try again later."""


def redact(endpoint: str) -> str:
    """The endpoint as a log line may show it: the push service, not the browser's token.

    https://fcm.googleapis.com/fcm/send/cXz…(secret) → https://fcm.googleapis.com/…
    """
    parts = urlsplit(endpoint)
    return f"{parts.scheme}://{parts.hostname or '?'}/…"


def _host_allowed(host: str) -> bool:
    allowed = settings.WEBPUSH_ENDPOINT_HOSTS
    if "*" in allowed:
        return True
    return any(host == name or host.endswith("." + name) for name in allowed)


def check_endpoint(endpoint: str, *, resolve: bool = False) -> str:
    """The endpoint if Seuranta may POST to it; EndpointRefused otherwise.

    With resolve=True (when sending) the host's addresses are looked up too and must all be
    public; EndpointUnresolved when the name does not resolve at the moment.
    """
    refused = EndpointRefused(_("This browser's push service address is not one Seuranta uses."))
    if not isinstance(endpoint, str) or not endpoint.isascii():
        raise refused
    if len(endpoint) > ENDPOINT_MAX_LENGTH or any(c.isspace() for c in endpoint):
        raise refused
    try:
        parts = urlsplit(endpoint)
        port = parts.port
    except ValueError:
        raise refused from None
    host = (parts.hostname or "").rstrip(".").lower()
    if not host or parts.username is not None or parts.password is not None or parts.fragment:
        raise refused
    if settings.WEBPUSH_ALLOW_INSECURE_ENDPOINTS:
        if parts.scheme not in ("https", "http"):
            raise refused
        return endpoint
    if parts.scheme != "https" or port not in (None, 443):
        raise refused
    try:
        literal = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        literal = None
    if literal is not None:
        # Push services are named, never addressed by number.
        raise refused
    if not _host_allowed(host):
        raise refused
    if resolve:
        try:
            addresses.checked_addresses(host, 443, policy=addresses.public_only)
        except addresses.HostNotFound:
            raise EndpointUnresolved(f"{host} does not resolve") from None
        except addresses.AddressRefused:
            raise refused from None
    return endpoint
