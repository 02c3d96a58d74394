"""A webhook receiver for notification channel tests: the other end of a `json://` channel URL.

An HTTP server on 127.0.0.1 in a thread of the test, which records each JSON notification
Apprise posts to it. It can answer 500 (`fail_with`), drop the connection without an answer
(`drop`), or hold each request until told (`hold`), to stand for a channel that is down, flaky,
or in the middle of answering when a worker dies. Only a message it answered 2xx counts as
received: that is what the person would see.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

# The follow-up a reminder is about, from its signed "Mark done" link.
FOLLOWUP_IN_LINK = re.compile(r"/followups/link/(\d+)/done/")
SECRET_PATH = "/hooks/s3cr3t-T0KEN-4b9f1e27"


class WebhookSink:
    def __init__(self):
        self.received: list[dict] = []
        # Every request, answered or not: (path, what happened).
        self.attempts: list[tuple[str, str]] = []
        self.fail_with: int | None = None
        self.drop = False
        self.hold = threading.Event()
        self.hold.set()
        # Held requests are answered (False) or dropped unrecorded (True) when released.
        self.discard_held = False
        self.held = 0
        self._lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def url(self, path: str = SECRET_PATH, scheme: str = "json") -> str:
        return f"{scheme}://127.0.0.1:{self.port}{path}"

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self.hold.set()
        self.server.shutdown()
        self.server.server_close()

    def _handler(self):
        sink = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                with sink._lock:
                    sink.held += 1
                sink.hold.wait()
                with sink._lock:
                    sink.held -= 1
                    if sink.discard_held:
                        sink.attempts.append((self.path, "discarded"))
                        self.close_connection = True
                        return
                    if sink.drop:
                        sink.attempts.append((self.path, "dropped"))
                        self.close_connection = True
                        return
                    status = sink.fail_with or 200
                    sink.attempts.append((self.path, str(status)))
                    if status < 300:
                        message = json.loads(body)
                        message["path"] = self.path
                        message["delivery"] = self.headers.get("X-Seuranta-Delivery")
                        sink.received.append(message)
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        return Handler

    def messages(self) -> list[dict]:
        with self._lock:
            return list(self.received)

    def followup_ids(self) -> Counter:
        """How many reminders arrived per follow-up id (test messages have none)."""
        counts = Counter()
        for message in self.messages():
            match = FOLLOWUP_IN_LINK.search(message.get("message", ""))
            if match:
                counts[int(match.group(1))] += 1
        return counts

    def wait_for(self, predicate, timeout: float = 10, what: str = "the webhook sink"):
        deadline = time.monotonic() + timeout
        while not predicate():
            if time.monotonic() > deadline:
                pytest.fail(f"timed out after {timeout:.0f}s waiting for {what}")
            time.sleep(0.05)


@pytest.fixture
def webhook_sink(settings):
    """The sink is on 127.0.0.1: channels may reach this machine while it runs."""
    settings.CHANNELS_ALLOW_PRIVATE = True
    sink = WebhookSink()
    sink.start()
    yield sink
    sink.stop()
