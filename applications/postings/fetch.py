"""A careful HTTP GET of one job posting page, for the "Add from posting URL" path.

What it guards against, and how:
- Other schemes (file:, javascript:, ftp:, gopher:): only http and https are fetched.
- The server's own network (SSRF): the host name is resolved here, every address it resolves to
  must pass the address policy (core.addresses), and the connection goes to
  that checked address, with the host name in the Host header and in TLS's SNI and certificate
  check. Resolving once and connecting to what was checked leaves no second look-up for a DNS
  answer to change in between (DNS rebinding). Redirects are followed here, one hop at a time,
  each hop checked the same way.
- A page that never ends or never comes: one deadline for the whole fetch (DNS, every hop,
  every read), and a size cap counted while streaming, after decompression.
- Tracking: no cookies are sent or kept; the User-Agent says what is asking.

Proxies from the environment (HTTPS_PROXY) are not used: the address check must see the
address that is really connected to.
"""

from __future__ import annotations

import contextlib
import http.client
import re
import socket
import ssl
import threading
import time
import zlib
from dataclasses import dataclass
from urllib.parse import quote, urljoin, urlsplit

from django.conf import settings
from django.utils.translation import gettext as _

from core import addresses as address_policy
from core.addresses import AddressPolicy, Resolver, resolve_host

TIMEOUT_SECONDS = 5.0
MAX_BYTES = 2 * 1024 * 1024
MAX_REDIRECTS = 5
REDIRECTS = {301, 302, 303, 307, 308}
HTML_TYPES = {"text/html", "application/xhtml+xml"}
CHUNK = 64 * 1024
# The bytes a page's <meta charset> is looked for in, as browsers do.
CHARSET_SNIFF_BYTES = 4096
META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)


class FetchRefused(Exception):
    """The page was not fetched (or not used); the message says why, in the person's words."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Page:
    url: str  # after redirects
    content_type: str
    charset: str | None
    body: bytes

    def text(self) -> str:
        charset = self.charset or _sniff_charset(self.body) or "utf-8"
        try:
            return self.body.decode(charset, errors="replace")
        except LookupError:  # a charset Python does not know
            return self.body.decode("utf-8", errors="replace")


def _sniff_charset(body: bytes) -> str | None:
    match = META_CHARSET.search(body[:CHARSET_SNIFF_BYTES])
    return match.group(1).decode("ascii") if match else None


def default_policy() -> AddressPolicy:
    """Public addresses only, unless POSTING_FETCH_ALLOW_PRIVATE lifts the rule (tests, an
    intranet's own job board)."""
    return address_policy.policy(allow_private=settings.POSTING_FETCH_ALLOW_PRIVATE)


def user_agent() -> str:
    return f"Seuranta/1.0 (job posting capture for a person's own tracker; +{settings.SITE_URL})"


class _Deadline:
    def __init__(self, seconds: float):
        self.seconds = seconds
        self.at = time.monotonic() + seconds

    def passed(self) -> bool:
        return time.monotonic() >= self.at

    def left(self) -> float:
        left = self.at - time.monotonic()
        if left <= 0:
            raise TimeoutError
        return left


def _cut_at(sock: socket.socket, deadline: _Deadline) -> threading.Timer:
    """Shuts the socket down when the deadline passes. Each read's own timeout bounds one wait;
    this bounds them all (a server that sends its headers or its TLS handshake a byte at a time
    would otherwise restart the timeout with every byte)."""

    def cut():
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)

    timer = threading.Timer(max(deadline.at - time.monotonic(), 0.0), cut)
    timer.daemon = True
    timer.start()
    return timer


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """HTTP to the address that was checked, whatever the host name would resolve to now."""

    def __init__(self, host: str, port: int, *, address: str, deadline: _Deadline):
        super().__init__(host, port, timeout=deadline.left())
        self.address = address
        self.deadline = deadline
        self.watchdog: threading.Timer | None = None

    def _open(self) -> socket.socket:
        sock = socket.create_connection((self.address, self.port), self.deadline.left())
        self.watchdog = _cut_at(sock, self.deadline)
        return sock

    def connect(self):
        self.sock = self._open()
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def close(self):
        if self.watchdog is not None:
            self.watchdog.cancel()
        super().close()


class _PinnedHTTPSConnection(_PinnedHTTPConnection, http.client.HTTPSConnection):
    """HTTPS to the checked address; SNI and the certificate check use the host name."""

    def __init__(self, host: str, port: int, *, address: str, deadline: _Deadline):
        http.client.HTTPSConnection.__init__(
            self, host, port, timeout=deadline.left(), context=ssl.create_default_context()
        )
        self.address = address
        self.deadline = deadline
        self.watchdog = None

    def connect(self):
        sock = self._open()
        try:
            sock.settimeout(self.deadline.left())
            self.sock = self._context.wrap_socket(sock, server_hostname=self.host)
        except BaseException:
            sock.close()
            raise


@dataclass(frozen=True)
class _Target:
    scheme: str
    host: str  # ASCII (IDNA), no brackets
    port: int
    path: str  # path and query, percent-encoded


def _target(url: str) -> _Target:
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        raise FetchRefused(_("This is not a valid web address.")) from None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise FetchRefused(
            _("Only http:// and https:// addresses can be fetched, not “%(scheme)s:”.")
            % {"scheme": scheme or "?"}
        )
    if parts.username is not None or parts.password is not None:
        raise FetchRefused(_("Addresses with a user name or password are not fetched."))
    host = (parts.hostname or "").rstrip(".")
    if not host:
        raise FetchRefused(_("The address has no host name."))
    try:
        host = host.encode("idna").decode("ascii")
    except UnicodeError:
        raise FetchRefused(_("This is not a valid web address.")) from None
    path = quote(parts.path or "/", safe="/%:@!$&'()*+,;=-._~")
    if parts.query:
        path += "?" + quote(parts.query, safe="/%:@!$&'()*+,;=-._~?")
    return _Target(scheme, host, port or (443 if scheme == "https" else 80), path)


def _checked_addresses(
    target: _Target, resolve: Resolver, policy: AddressPolicy, deadline: _Deadline
) -> list[str]:
    try:
        return address_policy.checked_addresses(
            target.host, target.port, policy=policy, seconds=deadline.left(), resolve=resolve
        )
    except address_policy.HostNotFound:
        raise FetchRefused(_("The host %(host)s was not found.") % {"host": target.host}) from None
    except address_policy.AddressRefused as refused:
        raise FetchRefused(
            _(
                "%(host)s is at %(address)s, %(kind)s. Seuranta fetches postings only "
                "from public addresses."
            )
            % {"host": target.host, "address": refused.address, "kind": refused.kind}
        ) from None


def _connect(target: _Target, addresses: list[str], deadline: _Deadline):
    connection_class = _PinnedHTTPSConnection if target.scheme == "https" else _PinnedHTTPConnection
    error: OSError | None = None
    for address in addresses:
        connection = connection_class(target.host, target.port, address=address, deadline=deadline)
        try:
            connection.connect()
        except OSError as failed:
            connection.close()
            if isinstance(failed, TimeoutError | ssl.SSLError) or deadline.passed():
                raise
            error = failed  # refused or unreachable: the next address, if there is one
            continue
        return connection
    raise error or OSError("no address")


def _request(connection, target: _Target, language: str) -> http.client.HTTPResponse:
    connection.putrequest("GET", target.path, skip_accept_encoding=True)
    headers = {
        "User-Agent": user_agent(),
        "Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.1",
        "Accept-Language": f"{language},en;q=0.8" if language != "en" else "en",
        "Accept-Encoding": "gzip, deflate",
        "Connection": "close",
    }
    for name, value in headers.items():
        connection.putheader(name, value)
    connection.endheaders()
    return connection.getresponse()


def _media_type(response) -> tuple[str, str | None]:
    message = response.msg
    value = message.get("Content-Type")
    if not value:
        return "", None
    return message.get_content_type(), message.get_content_charset()


def _decoder(encoding: str):
    encoding = encoding.strip().lower()
    if encoding in ("", "identity"):
        return None
    if encoding in ("gzip", "x-gzip"):
        return zlib.decompressobj(16 + zlib.MAX_WBITS)
    if encoding == "deflate":
        return zlib.decompressobj()
    raise FetchRefused(
        _("The server sent the page in an encoding Seuranta cannot read (%(encoding)s).")
        % {"encoding": encoding}
    )


def _too_big() -> FetchRefused:
    return FetchRefused(
        _("The page is larger than %(mb)s MB, too large for a job posting.")
        % {"mb": MAX_BYTES // (1024 * 1024)}
    )


def _read_body(response, sock: socket.socket, deadline: _Deadline, max_bytes: int) -> bytes:
    decoder = _decoder(response.getheader("Content-Encoding", ""))
    length = response.getheader("Content-Length")
    if decoder is None and length and length.isdigit() and int(length) > max_bytes:
        raise _too_big()
    body = bytearray()
    while True:
        # Each read waits at most until the deadline: a server that trickles one byte at a
        # time cannot hold the fetch past it.
        sock.settimeout(deadline.left())
        chunk = response.read1(CHUNK)
        if not chunk:
            break
        if decoder is not None:
            try:
                # max_length: a small compressed chunk may inflate to gigabytes (a zip bomb);
                # never more than one byte past the cap is produced.
                chunk = decoder.decompress(chunk, max_bytes - len(body) + 1)
            except zlib.error:
                raise FetchRefused(_("The server sent a damaged compressed page.")) from None
        body += chunk
        if len(body) > max_bytes:
            raise _too_big()
    if decoder is not None:
        body += decoder.flush()
        if len(body) > max_bytes:
            raise _too_big()
    return bytes(body)


def _hop(
    current: str,
    *,
    policy: AddressPolicy,
    resolve: Resolver,
    deadline: _Deadline,
    max_bytes: int,
    language: str,
) -> Page | str:
    """One request: the page, or the address it redirects to."""
    target = _target(current)
    addresses = _checked_addresses(target, resolve, policy, deadline)
    connection = _connect(target, addresses, deadline)
    # The response takes the socket over from the connection (Connection: close).
    sock = connection.sock
    response = None
    try:
        try:
            sock.settimeout(deadline.left())
            response = _request(connection, target, language)
            if response.status in REDIRECTS:
                location = response.getheader("Location")
                if not location:
                    raise FetchRefused(_("The server redirected without saying where to."))
                return urljoin(current, location.strip())
            if response.status >= 400:
                raise FetchRefused(
                    _("The server answered with an error (HTTP %(status)s).")
                    % {"status": response.status}
                )
            if response.status != 200:
                raise FetchRefused(
                    _("The server answered with HTTP %(status)s instead of a page.")
                    % {"status": response.status}
                )
            media_type, charset = _media_type(response)
            if media_type and media_type not in HTML_TYPES:
                raise FetchRefused(
                    _("The address gives %(type)s, not a web page.") % {"type": media_type}
                )
            body = _read_body(response, sock, deadline, max_bytes)
            return Page(url=current, content_type=media_type, charset=charset, body=body)
        finally:
            if response is not None:
                response.close()
            connection.close()
    except (OSError, http.client.HTTPException):
        if deadline.passed():
            raise TimeoutError from None  # the watchdog cut the connection
        raise


def fetch_page(
    url: str,
    *,
    policy: AddressPolicy | None = None,
    resolve: Resolver = resolve_host,
    timeout: float | None = None,
    max_bytes: int = MAX_BYTES,
    language: str = "en",
) -> Page:
    """The HTML page at url, or FetchRefused saying why not.

    `policy` decides which addresses may be connected to (default: public ones, unless
    POSTING_FETCH_ALLOW_PRIVATE); `resolve` looks host names up. Tests give their own of both.
    """
    policy = policy or default_policy()
    timeout = TIMEOUT_SECONDS if timeout is None else timeout
    deadline = _Deadline(timeout)
    current = url
    host = ""
    try:
        for _hop_number in range(MAX_REDIRECTS + 1):
            host = urlsplit(current).hostname or ""
            result = _hop(
                current,
                policy=policy,
                resolve=resolve,
                deadline=deadline,
                max_bytes=max_bytes,
                language=language,
            )
            if isinstance(result, Page):
                return result
            current = result
        raise FetchRefused(
            _("The address redirects more than %(count)s times.") % {"count": MAX_REDIRECTS}
        )
    except TimeoutError:
        raise FetchRefused(
            _("The page did not load within %(seconds)s seconds.") % {"seconds": f"{timeout:g}"}
        ) from None
    except ssl.SSLError:
        raise FetchRefused(
            _("The secure connection to %(host)s failed: its certificate could not be checked.")
            % {"host": host}
        ) from None
    except http.client.HTTPException:
        raise FetchRefused(_("The server's answer was not a valid HTTP response.")) from None
    except OSError:
        raise FetchRefused(_("Could not connect to %(host)s.") % {"host": host}) from None
