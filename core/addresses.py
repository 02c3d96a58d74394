"""The one address policy for every connection Seuranta makes on a person's behalf.

A server that connects wherever a person's URL points can be turned against its own network: the
database on 127.0.0.1, an admin page on 10.0.0.5, the cloud's metadata service on
169.254.169.254 that hands out credentials. So a channel, a Send test, a web push and the posting
fetch all go through here: the host name is resolved once, every address it resolves to must
pass the policy, and the connection goes to one of those very addresses. Checking a name and then
letting a library resolve it again would leave a window in which the name can answer differently
(DNS rebinding); connecting to what was checked leaves none.

IPv6 forms that carry an IPv4 address inside (::ffff:127.0.0.1, the IPv4-compatible ::127.0.0.1,
6to4's 2002:7f00:1::, NAT64's 64:ff9b::7f00:1) are judged by the address they carry: a gateway
on the way would deliver them to it.

Two ways in:
- `checked_addresses(host, port, policy=…)`: the addresses a caller may connect to (the posting
  fetcher connects to them itself, see applications.postings.fetch);
- `outbound_guard(policy)`: around a library that opens its own connections through `requests`
  (Apprise's plugins, pywebpush). While it is active in the current context, every connection
  urllib3 opens is resolved and checked here and made to the checked address; TLS's SNI, the
  certificate check and the Host header keep the host name, since only the socket is opened
  here. Redirects and retries open their connections the same way, so none escapes the check.

A proxy from the environment (HTTPS_PROXY) is a connection like any other: on a private address
it is refused, unless the setting of that kind of connection allows private addresses.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import contextvars
import ipaddress
import socket
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
# The address of a host, its port → why it is refused (a translated phrase), or None.
AddressPolicy = Callable[[IPAddress, int], str | None]
# A host name, a port, the seconds to wait → the addresses it resolves to.
Resolver = Callable[[str, int, float], list[str]]

# How long a look-up may take when the caller gave no timeout.
RESOLVE_SECONDS = 10.0

SHARED_ADDRESS_SPACE = ipaddress.ip_network("100.64.0.0/10")  # carrier-grade NAT, RFC 6598
# The networks of offices and homes (RFC 1918, unique local IPv6 and its site-local forerunner).
# Python's is_private is wider: documentation, benchmarking and reserved ranges are "reserved"
# here, which says better why they are refused.
PRIVATE_NETWORKS = [
    ipaddress.ip_network(network)
    for network in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7", "fec0::/10")
]
# Prefixes whose last 32 bits are an IPv4 address that a gateway delivers to.
IPV4_COMPATIBLE = ipaddress.ip_network("::/96")  # deprecated, RFC 4291 §2.5.5.1
NAT64_WELL_KNOWN = ipaddress.ip_network("64:ff9b::/96")  # RFC 6052
NAT64_LOCAL_USE = ipaddress.ip_network(
    "64:ff9b:1::/48"
)  # RFC 8215: an operator's own, never public


class AddressRefused(ConnectionError):
    """The host is (or resolves to) an address the policy refuses. A ConnectionError, so that a
    library calling through the guard reports it as a failed connection."""

    def __init__(self, host: str, address: IPAddress, kind: str):
        super().__init__(f"{host} is at a refused address ({kind})")
        self.host = host
        self.address = address
        self.kind = kind


class HostNotFound(socket.gaierror):
    """The host name resolves to no address."""


def _embedded(ip: IPAddress) -> IPAddress:
    if isinstance(ip, ipaddress.IPv4Address):
        return ip
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip in NAT64_WELL_KNOWN or (ip in IPV4_COMPATIBLE and int(ip) > 1):  # not :: or ::1
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return ip


def non_public_kind(ip: IPAddress) -> str | None:
    """What kind of non-public address this is, in words, or None for a public address."""
    ip = _embedded(ip)
    # Most specific first: a loopback or link-local address is "private" to Python as well.
    if ip.is_unspecified:
        return _("an unspecified address (0.0.0.0 or ::)")
    if ip.is_loopback:
        return _("this server's own loopback address")
    if ip.is_link_local:
        return _("a link-local address, such as a cloud metadata service")
    if ip.is_multicast:
        return _("a multicast address")
    if isinstance(ip, ipaddress.IPv4Address) and ip in SHARED_ADDRESS_SPACE:
        return _("a carrier-grade NAT address (100.64.0.0/10)")
    if any(ip in network for network in PRIVATE_NETWORKS if network.version == ip.version):
        return _("an address in a private network")
    if ip.version == 6 and ip in NAT64_LOCAL_USE:
        return _("a reserved or special-purpose address")
    if ip.is_reserved or not ip.is_global:
        return _("a reserved or special-purpose address")
    return None


def public_only(ip: IPAddress, port: int) -> str | None:
    return non_public_kind(ip)


def any_address(ip: IPAddress, port: int) -> str | None:
    return None


def policy(*, allow_private: bool) -> AddressPolicy:
    """Public addresses only, unless the instance's owner opened its own network (one of the
    *_ALLOW_PRIVATE settings: an intranet's ntfy, tests with local stand-in servers)."""
    return any_address if allow_private else public_only


def resolve_host(host: str, port: int, seconds: float) -> list[str]:
    """The host's addresses, waiting at most `seconds` (getaddrinfo itself has no timeout)."""
    pool = concurrent.futures.ThreadPoolExecutor(max_workers=1)
    future = pool.submit(socket.getaddrinfo, host, port, type=socket.SOCK_STREAM)
    try:
        infos = future.result(timeout=max(seconds, 0.01))
    except concurrent.futures.TimeoutError:
        raise TimeoutError from None
    finally:
        # The look-up thread finishes on its own; nothing waits for it.
        pool.shutdown(wait=False)
    addresses: list[str] = []
    for _family, _type, _proto, _name, sockaddr in infos:
        if sockaddr[0] not in addresses:
            addresses.append(sockaddr[0])
    return addresses


def checked_addresses(
    host: str,
    port: int,
    *,
    policy: AddressPolicy,
    seconds: float = RESOLVE_SECONDS,
    resolve: Resolver | None = None,
) -> list[str]:
    """The addresses to connect to for host:port, all allowed by the policy.

    AddressRefused if any address is refused: a name that resolves to a public and a private
    address is refused, so that no retry or reordering can reach the private one. HostNotFound
    if the name resolves to nothing (or not within `seconds`).
    An IPv4-mapped address comes back as the IPv4 address it carries.
    """
    host = host.strip("[]")
    try:
        ipaddress.ip_address(host.split("%")[0])
    except ValueError:
        try:
            found = (resolve or resolve_host)(host, port, seconds)
        except (OSError, UnicodeError):  # not found, DNS down, or the look-up took too long
            found = []
    else:
        found = [host]
    addresses: list[IPAddress] = []
    for value in found:
        try:
            addresses.append(ipaddress.ip_address(value.split("%")[0]))  # no IPv6 zone id
        except ValueError:
            continue
    if not addresses:
        raise HostNotFound(socket.EAI_NONAME, f"{host} was not found")
    for ip in addresses:
        kind = policy(ip, port)
        if kind:
            raise AddressRefused(host, ip, kind)
    return [str(ip.ipv4_mapped or ip) if ip.version == 6 else str(ip) for ip in addresses]


# --- Under requests: urllib3's connections -------------------------------------------------


@dataclass
class Guard:
    """The policy of the connections opened in one context, and the refusals it made (a
    library like Apprise reports a refused connection only as a failed one)."""

    policy: AddressPolicy
    refused: list[AddressRefused] = field(default_factory=list)


_active: contextvars.ContextVar[Guard | None] = contextvars.ContextVar(
    "outbound_guard", default=None
)
_install_lock = threading.Lock()
_original_create_connection = None


def _open(address: tuple[str, int], timeout, source_address, socket_options) -> socket.socket:
    """A connection to an address that was checked (a literal: no look-up happens here)."""
    return _original_create_connection(
        address, timeout, source_address=source_address, socket_options=socket_options
    )


def _guarded_create_connection(address, timeout=None, source_address=None, socket_options=None):
    guard = _active.get()
    if guard is None:
        return _original_create_connection(
            address, timeout, source_address=source_address, socket_options=socket_options
        )
    host, port = address
    seconds = timeout if isinstance(timeout, int | float) and timeout > 0 else RESOLVE_SECONDS
    try:
        addresses = checked_addresses(host, port, policy=guard.policy, seconds=seconds)
    except AddressRefused as refused:
        guard.refused.append(refused)
        raise
    error: OSError | None = None
    for checked in addresses:
        try:
            return _open((checked, port), timeout, source_address, socket_options)
        except OSError as failed:
            error = failed  # refused or unreachable: the next address, if there is one
    raise error or OSError("no address")


def _install() -> None:
    """Route urllib3's connections through the guard (once per process). Outside a guard the
    wrapper calls urllib3's own function unchanged."""
    global _original_create_connection
    with _install_lock:
        if _original_create_connection is not None:
            return
        from urllib3.util import connection

        _original_create_connection = connection.create_connection
        connection.create_connection = _guarded_create_connection


@contextlib.contextmanager
def outbound_guard(policy: AddressPolicy) -> Iterator[Guard]:
    """Every connection `requests` opens inside this block (and in threads started with a copy
    of this context, as Apprise's timeouts are) follows the policy."""
    _install()
    guard = Guard(policy)
    token = _active.set(guard)
    try:
        yield guard
    finally:
        _active.reset(token)
