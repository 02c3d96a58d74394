"""A real HTTP server on 127.0.0.1 for the posting tests: pages, redirects, and misbehaviour.

Each route is a function of the request handler; the server records every request it gets
(path and headers), so a test can say that a refused address was never connected to.
"""

from __future__ import annotations

import contextlib
import datetime
import http.server
import ssl
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

PAGES = Path(__file__).resolve().parent / "pages"


class _Handler(http.server.BaseHTTPRequestHandler):
    server_version = "PostingTestServer/1.0"

    def do_GET(self):
        self.server.owner.requests.append((self.path, dict(self.headers)))
        route = self.server.owner.routes.get(self.path.split("?")[0])
        try:
            if route is None:
                self.send_error(404)
            else:
                route(self)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the fetcher hung up, as it should past its limits

    def log_message(self, format, *args):
        pass


class PostingServer:
    def __init__(self, tls: ssl.SSLContext | None = None):
        self.routes: dict[str, Callable] = {}
        self.requests: list[tuple[str, dict]] = []
        # Set at the end of the test: handlers that hang wait for it.
        self.stop = threading.Event()
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.httpd.daemon_threads = True
        self.httpd.owner = self
        if tls is not None:
            self.httpd.socket = tls.wrap_socket(self.httpd.socket, server_side=True)
        self.scheme = "https" if tls else "http"
        self.port = self.httpd.server_address[1]

    def url(self, path: str = "/", host: str = "127.0.0.1") -> str:
        return f"{self.scheme}://{host}:{self.port}{path}"

    @property
    def paths(self) -> list[str]:
        return [path for path, _headers in self.requests]

    def page(self, path: str, body: bytes | str, content_type="text/html; charset=utf-8", **kw):
        data = body.encode() if isinstance(body, str) else body
        headers = {"Content-Type": content_type, "Content-Length": str(len(data)), **kw}

        def route(handler):
            handler.send_response(200)
            for name, value in headers.items():
                if value is not None:
                    handler.send_header(name, value)
            handler.end_headers()
            handler.wfile.write(data)

        self.routes[path] = route

    def fixture(self, path: str, name: str) -> None:
        self.page(path, (PAGES / name).read_bytes())

    def redirect(self, path: str, location: str, status: int = 302, **headers) -> None:
        def route(handler):
            handler.send_response(status)
            handler.send_header("Location", location)
            for name, value in headers.items():
                handler.send_header(name, value)
            handler.send_header("Content-Length", "0")
            handler.end_headers()

        self.routes[path] = route

    def endless(self, path: str, chunk: bytes = b"<p>" + b"x" * 65536 + b"</p>", limit=50 << 20):
        """A page of `limit` bytes that never says its length."""

        def route(handler):
            handler.send_response(200)
            handler.send_header("Content-Type", "text/html")
            handler.end_headers()
            sent = 0
            while sent < limit and not self.stop.is_set():
                handler.wfile.write(chunk)
                sent += len(chunk)

        self.routes[path] = route

    def hanging(self, path: str, how: str = "silent") -> None:
        """Answers nothing ("silent") until the test ends, or a byte now and then of its body
        ("body") or of its headers ("headers")."""

        def route(handler):
            if how == "silent":
                self.stop.wait(30)
                return
            if how == "body":
                handler.send_response(200)
                handler.send_header("Content-Type", "text/html")
                handler.end_headers()
            else:
                handler.wfile.write(b"HTTP/1.1 200 OK\r\nX-Slow: ")
            while not self.stop.wait(0.05):
                handler.wfile.write(b"x")
                handler.wfile.flush()

        self.routes[path] = route

    def start(self) -> None:
        threading.Thread(target=self.httpd.serve_forever, args=(0.05,), daemon=True).start()

    def close(self) -> None:
        self.stop.set()
        self.httpd.shutdown()
        self.httpd.server_close()


class TlsFor:
    """A certificate for `host` from a test authority (itself), the server's TLS context, and the
    names clients asked for (SNI) in `names`."""

    def __init__(self, host: str, directory: Path):
        from cryptography import x509
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.asymmetric import ec
        from cryptography.x509.oid import NameOID

        key = ec.generate_private_key(ec.SECP256R1())
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, host)])
        now = datetime.datetime.now(datetime.UTC)
        cert = (
            x509.CertificateBuilder()
            .subject_name(name)
            .issuer_name(name)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName(host)]), False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
            .sign(key, hashes.SHA256())
        )
        self.cert_path, key_path = directory / "cert.pem", directory / "key.pem"
        self.cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
        key_path.write_bytes(
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
        self.server_context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.server_context.load_cert_chain(self.cert_path, key_path)
        self.names: list[str] = []
        self.server_context.sni_callback = lambda sock, server_name, context: self.names.append(
            server_name
        )


@contextlib.contextmanager
def running(tls: ssl.SSLContext | None = None) -> Iterator[PostingServer]:
    server = PostingServer(tls)
    server.start()
    try:
        yield server
    finally:
        server.close()
