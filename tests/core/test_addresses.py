"""The one address policy (core.addresses): which addresses a connection made for a person may
reach, and that the connection goes to the address that was checked."""

import ipaddress
import socket

import pytest
import requests

from core import addresses
from core.addresses import AddressRefused, checked_addresses, non_public_kind, outbound_guard
from tests.applications.postings.server import TlsFor, running


@pytest.mark.parametrize(
    ("address", "kind"),
    [
        ("127.0.0.1", "loopback"),
        ("::1", "loopback"),
        ("::ffff:127.0.0.1", "loopback"),
        ("::127.0.0.1", "loopback"),
        ("64:ff9b::7f00:1", "loopback"),
        ("2002:7f00:1::", "loopback"),
        ("169.254.169.254", "link-local"),
        ("fe80::1", "link-local"),
        ("64:ff9b::a9fe:a9fe", "link-local"),
        ("100.64.0.1", "carrier-grade NAT"),
        ("10.0.0.5", "private network"),
        ("192.168.1.1", "private network"),
        ("172.16.0.1", "private network"),
        ("2002:c0a8:101::", "private network"),
        ("fc00::1", "private network"),
        ("fd12:3456::1", "private network"),
        ("ff02::1", "multicast"),
        ("224.0.0.1", "multicast"),
        ("0.0.0.0", "unspecified"),
        ("::", "unspecified"),
        ("64:ff9b:1::a00:5", "reserved"),
        ("192.0.2.1", "reserved"),
        ("240.0.0.1", "reserved"),
    ],
)
def test_a_non_public_address_is_refused_with_its_kind(address, kind):
    assert kind in non_public_kind(ipaddress.ip_address(address))


@pytest.mark.parametrize(
    "address",
    ["93.184.216.34", "8.8.8.8", "2606:4700:4700::1111", "::ffff:8.8.8.8", "64:ff9b::808:808"],
)
def test_a_public_address_is_allowed(address):
    assert non_public_kind(ipaddress.ip_address(address)) is None


def test_a_name_with_one_private_address_among_public_ones_is_refused():
    def resolve(host, port, seconds):
        return ["93.184.216.34", "10.0.0.5"]

    with pytest.raises(AddressRefused) as refused:
        checked_addresses("mixed.example", 443, policy=addresses.public_only, resolve=resolve)
    assert refused.value.address == ipaddress.ip_address("10.0.0.5")


def test_a_name_that_resolves_to_nothing_is_not_found():
    def resolve(host, port, seconds):
        raise socket.gaierror(socket.EAI_NONAME, "not found")

    with pytest.raises(addresses.HostNotFound):
        checked_addresses("nowhere.example", 443, policy=addresses.public_only, resolve=resolve)


def test_the_allow_private_policy_lets_the_instances_own_network_in():
    allowed = checked_addresses("127.0.0.1", 80, policy=addresses.policy(allow_private=True))
    assert allowed == ["127.0.0.1"]


@pytest.fixture
def connections(monkeypatch):
    """The addresses the guard opens connections to; none is really opened."""
    opened = []

    def record(address, timeout, source_address, socket_options):
        opened.append(address[0])
        raise ConnectionRefusedError("not in this test")

    monkeypatch.setattr(addresses, "_open", record)
    return opened


def test_a_request_inside_the_guard_never_connects_to_loopback(connections):
    with outbound_guard(addresses.public_only) as guard, pytest.raises(requests.ConnectionError):
        requests.get("http://127.0.0.1:9/", timeout=2)
    assert connections == []
    assert [str(refused.address) for refused in guard.refused] == ["127.0.0.1"]


def test_a_name_that_answers_public_first_and_loopback_second_is_never_connected_to_loopback(
    connections, monkeypatch
):
    """DNS rebinding: a check that resolves the name and a connection that resolves it again
    would see two answers. The guard connects to the address it checked, for every connection."""
    answers = iter([["93.184.216.34"], ["127.0.0.1"], ["127.0.0.1"]])
    monkeypatch.setattr(addresses, "resolve_host", lambda host, port, seconds: next(answers))
    with outbound_guard(addresses.public_only) as guard:
        for _attempt in range(2):
            with pytest.raises(requests.ConnectionError):
                requests.get("http://rebind.example/", timeout=2)
    assert connections == ["93.184.216.34"]
    assert [str(refused.address) for refused in guard.refused] == ["127.0.0.1"]


def test_outside_the_guard_connections_are_not_checked(connections):
    """Seuranta's own connections (SMTP, Redis, the database) are not a person's."""
    with pytest.raises(requests.ConnectionError):
        requests.get("http://127.0.0.1:9/", timeout=2)
    assert connections == []


def test_https_through_the_guard_keeps_the_host_name_for_sni_the_certificate_and_host(
    tmp_path, monkeypatch
):
    """Only the socket goes to the checked address; TLS and HTTP still speak to the name."""
    tls = TlsFor("hooks.example", tmp_path)
    monkeypatch.setattr(addresses, "resolve_host", lambda host, port, seconds: ["127.0.0.1"])
    with running(tls=tls.server_context) as server, outbound_guard(addresses.any_address):
        server.page("/hook", "ok")
        response = requests.get(
            f"https://hooks.example:{server.port}/hook", verify=str(tls.cert_path), timeout=5
        )
    assert response.status_code == 200
    assert tls.names == ["hooks.example"]
    [(_path, headers)] = server.requests
    assert headers["Host"] == f"hooks.example:{server.port}"
