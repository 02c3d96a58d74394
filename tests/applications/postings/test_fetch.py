"""The posting fetcher against real local servers: limits, redirects, refusals, TLS and SNI."""

import datetime
import gzip
import ipaddress
import socket
import ssl

import pytest

from applications.postings import fetch
from applications.postings.fetch import FetchRefused, fetch_page
from core.addresses import public_only
from tests.applications.postings.server import TlsFor, running

pytestmark = pytest.mark.usefixtures("allow_private")


def resolving(mapping: dict[str, list[str]]):
    """A resolver that knows only these names."""

    def resolve(host, port, seconds):
        if host not in mapping:
            raise socket.gaierror("unknown")
        return mapping[host]

    return resolve


def test_a_page_is_fetched_with_a_clear_user_agent_and_no_cookies(server):
    server.redirect("/old", "/jobs/1", **{"Set-Cookie": "tracker=abc; Path=/"})
    server.page("/jobs/1", "<title>Developer</title>")

    page = fetch_page(server.url("/old"))

    assert page.url == server.url("/jobs/1")
    assert "Developer" in page.text()
    assert server.paths == ["/old", "/jobs/1"]
    for _path, headers in server.requests:
        assert headers["User-Agent"].startswith("Seuranta/")
        assert "Cookie" not in headers


def test_the_connection_goes_to_the_checked_address_with_the_host_name_in_host(server):
    """jobs.example resolves (here) to the server's address; the request names the host."""
    server.page("/", "<title>x</title>")
    resolve = resolving({"jobs.example": ["127.0.0.1"]})

    fetch_page(f"http://jobs.example:{server.port}/", resolve=resolve)

    assert server.requests[0][1]["Host"] == f"jobs.example:{server.port}"


def test_the_host_is_resolved_once_so_a_changing_dns_answer_cannot_slip_through(server):
    server.page("/", "<title>x</title>")
    answers = iter([["127.0.0.1"], ["10.0.0.1"]])
    calls = []

    def rebinding(host, port, seconds):
        calls.append(host)
        return next(answers)

    fetch_page(f"http://jobs.example:{server.port}/", resolve=rebinding)
    assert calls == ["jobs.example"]


def test_a_page_over_two_megabytes_is_refused_while_it_streams(server):
    server.endless("/huge")  # 50 MB, no Content-Length
    with pytest.raises(FetchRefused, match="larger than 2 MB"):
        fetch_page(server.url("/huge"))


def test_a_page_that_announces_fifty_megabytes_is_refused_before_reading(server):
    def route(handler):
        handler.send_response(200)
        handler.send_header("Content-Type", "text/html")
        handler.send_header("Content-Length", str(50 << 20))
        handler.end_headers()
        handler.wfile.write(b"<p>")

    server.routes["/big"] = route
    with pytest.raises(FetchRefused, match="larger than 2 MB"):
        fetch_page(server.url("/big"))


def test_a_small_compressed_page_that_inflates_past_the_cap_is_refused(server):
    bomb = gzip.compress(b"<p>" + b" " * (20 << 20))
    assert len(bomb) < 100_000
    server.page("/bomb", bomb, **{"Content-Encoding": "gzip"})
    with pytest.raises(FetchRefused, match="larger than 2 MB"):
        fetch_page(server.url("/bomb"))


def test_a_compressed_page_is_read(server):
    body = gzip.compress("<title>Kehittäjä</title>".encode())
    server.page("/gz", body, **{"Content-Encoding": "gzip"})
    assert "Kehittäjä" in fetch_page(server.url("/gz")).text()


def test_the_charset_of_the_page_is_used(server):
    body = '<meta charset="iso-8859-1"><title>Myyjä</title>'.encode("latin-1")
    server.page("/latin", body, content_type="text/html")
    assert "Myyjä" in fetch_page(server.url("/latin")).text()


@pytest.mark.parametrize("how", ["silent", "body", "headers"])
def test_a_server_that_does_not_finish_in_time_is_given_up_on(server, how):
    """Silent, or trickling its body or its headers a byte at a time (each byte within any
    per-read timeout): the whole fetch stops at the deadline."""
    server.hanging("/slow", how)
    started = datetime.datetime.now()
    with pytest.raises(FetchRefused, match=r"did not load within 0\.5 seconds"):
        fetch_page(server.url("/slow"), timeout=0.5)
    assert datetime.datetime.now() - started < datetime.timedelta(seconds=3)


def test_a_response_that_is_no_web_page_is_refused(server):
    server.page("/cv.pdf", b"%PDF-1.7", content_type="application/pdf")
    with pytest.raises(FetchRefused, match="gives application/pdf, not a web page"):
        fetch_page(server.url("/cv.pdf"))


def test_an_error_answer_says_its_status(server):
    with pytest.raises(FetchRefused, match=r"HTTP 404"):
        fetch_page(server.url("/gone"))


@pytest.mark.parametrize(
    "url",
    ["file:///etc/passwd", "javascript:alert(1)", "ftp://example.com/job", "gopher://x/"],
)
def test_other_schemes_than_http_are_refused(url):
    with pytest.raises(FetchRefused, match="Only http:// and https://"):
        fetch_page(url)


def test_an_address_with_credentials_is_refused():
    with pytest.raises(FetchRefused, match="user name or password"):
        fetch_page("http://user:secret@example.com/")


def test_an_unknown_host_says_so():
    with pytest.raises(FetchRefused, match="was not found"):
        fetch_page("http://nowhere.example/", resolve=resolving({}))


def test_too_many_redirects_are_refused(server):
    for i in range(7):
        server.redirect(f"/r{i}", f"/r{i + 1}")
    with pytest.raises(FetchRefused, match="redirects more than 5 times"):
        fetch_page(server.url("/r0"))
    assert len(server.requests) == 6


def test_a_redirect_to_another_scheme_is_refused(server):
    server.redirect("/jump", "file:///etc/passwd")
    with pytest.raises(FetchRefused, match="Only http:// and https://"):
        fetch_page(server.url("/jump"))


# --- Public addresses only -------------------------------------------------------------------


REFUSED = {
    "127.0.0.1": "loopback",
    "127.8.9.10": "loopback",
    "::1": "loopback",
    "10.0.0.1": "private network",
    "172.16.5.4": "private network",
    "192.168.1.1": "private network",
    "fc00::1": "private network",
    "fd12:3456::1": "private network",
    "fec0::1": "private network",
    "169.254.169.254": "link-local",
    "fe80::1": "link-local",
    "100.64.0.1": "carrier-grade NAT",
    "100.127.255.254": "carrier-grade NAT",
    "0.0.0.0": "unspecified",
    "::": "unspecified",
    "224.0.0.1": "multicast",
    "239.255.255.250": "multicast",
    "ff02::1": "multicast",
    "240.0.0.1": "reserved",
    "255.255.255.255": "reserved",
    "192.0.2.1": "reserved",
    "198.18.0.1": "reserved",
    "::ffff:127.0.0.1": "loopback",
    "::ffff:10.0.0.1": "private network",
    "::ffff:169.254.169.254": "link-local",
    "2002:7f00:1::1": "loopback",  # 6to4 around 127.0.0.1
}


@pytest.fixture
def no_connections(monkeypatch):
    """Any connection attempt fails the test: the refusal must come before it."""

    def refuse(*args, **kwargs):
        raise AssertionError(f"connected to {args}")

    monkeypatch.setattr(fetch.socket, "create_connection", refuse)


@pytest.mark.parametrize(("address", "kind"), REFUSED.items())
def test_a_name_resolving_to_a_non_public_address_is_refused_before_connecting(
    settings, no_connections, address, kind
):
    settings.POSTING_FETCH_ALLOW_PRIVATE = False
    with pytest.raises(FetchRefused) as refused:
        fetch_page("https://evil.example/job", resolve=resolving({"evil.example": [address]}))
    message = refused.value.message
    assert f"evil.example is at {ipaddress.ip_address(address)}" in message
    assert kind in message
    assert "only from public addresses" in message


@pytest.mark.parametrize("address", ["127.0.0.1", "[::1]", "169.254.169.254", "[fe80::1]"])
def test_an_address_typed_as_digits_is_checked_too(settings, no_connections, address):
    settings.POSTING_FETCH_ALLOW_PRIVATE = False
    with pytest.raises(FetchRefused, match="only from public addresses"):
        fetch_page(f"http://{address}/latest/meta-data/")


def test_one_private_address_among_public_ones_refuses_the_name(settings, no_connections):
    settings.POSTING_FETCH_ALLOW_PRIVATE = False
    resolve = resolving({"mixed.example": ["93.184.216.34", "10.0.0.1"]})
    with pytest.raises(FetchRefused, match=r"10\.0\.0\.1"):
        fetch_page("https://mixed.example/", resolve=resolve)


def test_a_public_address_is_connected_to_as_resolved(settings, monkeypatch):
    settings.POSTING_FETCH_ALLOW_PRIVATE = False
    attempts = []

    def record(address, timeout):
        attempts.append(address)
        raise ConnectionRefusedError

    monkeypatch.setattr(fetch.socket, "create_connection", record)
    resolve = resolving({"jobs.example": ["93.184.216.34", "2606:2800:220:1::1"]})
    with pytest.raises(FetchRefused, match=r"Could not connect to jobs\.example"):
        fetch_page("https://jobs.example/job/1", resolve=resolve)
    assert attempts == [("93.184.216.34", 443), ("2606:2800:220:1::1", 443)]


def test_the_setting_lifts_the_address_rule(server):
    """POSTING_FETCH_ALLOW_PRIVATE=1 (this module's fixture): 127.0.0.1 is fetched."""
    server.page("/", "<title>Intranet job</title>")
    assert "Intranet job" in fetch_page(server.url("/")).text()


def test_a_redirect_from_an_allowed_server_into_a_refused_address_is_refused(
    settings, server, other_server
):
    """The first hop is allowed by the policy (only that server); its redirect to 127.0.0.1 on
    another port, where a real server listens, is refused before any connection to it."""
    settings.POSTING_FETCH_ALLOW_PRIVATE = False
    server.redirect("/job", other_server.url("/admin"))
    other_server.page("/admin", "<title>secret</title>")

    def only_the_first_server(ip, port):
        if (str(ip), port) == ("127.0.0.1", server.port):
            return None
        return public_only(ip, port)

    with pytest.raises(FetchRefused, match=r"127\.0\.0\.1, this server's own loopback address"):
        fetch_page(server.url("/job"), policy=only_the_first_server)
    assert server.paths == ["/job"]
    assert other_server.requests == []


@pytest.mark.parametrize(
    "location",
    ["http://169.254.169.254/latest/meta-data/", "http://[::ffff:10.0.0.1]/", "http://localhost/"],
)
def test_a_redirect_into_a_private_range_is_refused(settings, server, location):
    settings.POSTING_FETCH_ALLOW_PRIVATE = False
    server.redirect("/job", location)

    def only_the_server(ip, port):
        return None if port == server.port else public_only(ip, port)

    with pytest.raises(FetchRefused, match="only from public addresses"):
        fetch_page(server.url("/job"), policy=only_the_server)


# --- HTTPS to the checked address --------------------------------------------------------------


@pytest.fixture
def tls_server(tmp_path, monkeypatch):
    """An HTTPS server for jobs.example on 127.0.0.1, its certificate from a test authority that
    the fetcher is made to trust; the server records the name the client asked for (SNI)."""
    tls = TlsFor("jobs.example", tmp_path)
    real = ssl.create_default_context

    def trusting(*args, **kwargs):
        context = real(*args, **kwargs)
        context.load_verify_locations(tls.cert_path)
        return context

    monkeypatch.setattr(fetch.ssl, "create_default_context", trusting)
    with running(tls=tls.server_context) as https:
        https.sni = tls.names
        yield https


def test_https_sends_the_host_name_for_sni_and_checks_the_certificate_against_it(tls_server):
    tls_server.page("/job", "<title>Secure job</title>")
    resolve = resolving({"jobs.example": ["127.0.0.1"]})

    page = fetch_page(f"https://jobs.example:{tls_server.port}/job", resolve=resolve)

    assert "Secure job" in page.text()
    assert tls_server.sni == ["jobs.example"]
    assert tls_server.requests[0][1]["Host"] == f"jobs.example:{tls_server.port}"


def test_a_certificate_for_another_name_is_refused(tls_server):
    tls_server.page("/job", "<title>x</title>")
    resolve = resolving({"other.example": ["127.0.0.1"]})
    with pytest.raises(FetchRefused, match="certificate could not be checked"):
        fetch_page(f"https://other.example:{tls_server.port}/job", resolve=resolve)
