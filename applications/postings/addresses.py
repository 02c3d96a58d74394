"""Which network addresses the posting fetcher may connect to: public ones only.

A server that fetches any URL a person gives it can be turned against its own network: the
database on 127.0.0.1, an admin page on 10.0.0.5, the cloud's metadata service on
169.254.169.254 that hands out credentials. Every address a host name resolves to is checked
here, after DNS, before any connection; the fetcher then connects to that very address (see
applications.postings.fetch). IPv6 forms that carry an IPv4 address inside (::ffff:127.0.0.1,
6to4's 2002:7f00:1::) are judged by the address they carry.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable

from django.conf import settings
from django.utils.translation import gettext as _

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
# The address of a host, its port → why it is refused (a translated phrase), or None.
AddressPolicy = Callable[[IPAddress, int], str | None]

SHARED_ADDRESS_SPACE = ipaddress.ip_network("100.64.0.0/10")  # carrier-grade NAT, RFC 6598
# The networks of offices and homes (RFC 1918, unique local IPv6 and its site-local forerunner).
# Python's is_private is wider: documentation, benchmarking and reserved ranges are "reserved"
# here, which says better why they are refused.
PRIVATE_NETWORKS = [
    ipaddress.ip_network(network)
    for network in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7", "fec0::/10")
]


def _embedded(ip: IPAddress) -> IPAddress:
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return ip.ipv4_mapped
        if ip.sixtofour is not None and not ip.sixtofour.is_global:
            return ip.sixtofour
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
    if ip.is_reserved or not ip.is_global:
        return _("a reserved or special-purpose address")
    return None


def public_only(ip: IPAddress, port: int) -> str | None:
    return non_public_kind(ip)


def any_address(ip: IPAddress, port: int) -> str | None:
    return None


def default_policy() -> AddressPolicy:
    """Public addresses only, unless POSTING_FETCH_ALLOW_PRIVATE lifts the rule (tests, an
    intranet's own job board)."""
    return any_address if settings.POSTING_FETCH_ALLOW_PRIVATE else public_only
