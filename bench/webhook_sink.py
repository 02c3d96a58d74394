"""A webhook receiver for `json://` channels that records one JSON line per request, and flaps.

    python -m bench.webhook_sink --port 8089 --record var/faults/webhook.jsonl \\
        [--flap-for SECONDS] [--flap-paths /flaky] [--fail 0.3] [--drop 0.15] [--seed 1]

Each line: {"t": arrival (epoch s), "path": the request path, "followup": the follow-up id from
the reminder's signed "Mark done" link (null for a test message), "outcome": "ok" | "500" |
"drop", "key": the X-Seuranta-Delivery header}. For --flap-for seconds from the first request
(so that a slow start of the senders does not use the flapping up), a request to one of
--flap-paths is answered 500 with probability --fail, or its connection closed without an answer
with probability --drop; afterwards, and on other paths, every request is answered 200. Only
"ok" lines were received: a person's phone shows a message the service accepted, not one it
refused. The record is appended to and flushed per request, so a reader in another process sees
every answer, in the order they were given.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import signal
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

FOLLOWUP = re.compile(r"/followups/link/(\d+)/done/")


def make_handler(args, record, lock, rng):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            with lock:
                outcome = "ok"
                if args.first_request is None:
                    args.first_request = time.time()
                flapping = time.time() < args.first_request + args.flap_for
                if flapping and self.path in args.flap_paths:
                    draw = rng.random()
                    if draw < args.fail:
                        outcome = "500"
                    elif draw < args.fail + args.drop:
                        outcome = "drop"
                try:
                    message = json.loads(body).get("message", "")
                except ValueError:
                    message = ""
                match = FOLLOWUP.search(message)
                if outcome == "drop":
                    # Written before the socket closes, so that a reader counting attempts
                    # never misses one; a dropped request is no delivery.
                    self._write(record, outcome, match)
                    self.close_connection = True
                    return
                self.send_response(500 if outcome == "500" else 200)
                self.send_header("Content-Length", "0")
                self.end_headers()
                self.wfile.flush()
                # Recorded once answered: a message counts as received when the sender got
                # its 200, which is when the sender may record it sent.
                self._write(record, outcome, match)

        def _write(self, record, outcome, match):
            line = {
                "t": time.time(),
                "path": self.path,
                "followup": int(match.group(1)) if match else None,
                "outcome": outcome,
                # notifications.sending.DELIVERY_HEADER: one value per delivery, every attempt.
                "key": self.headers.get("X-Seuranta-Delivery"),
            }
            record.write(json.dumps(line) + "\n")

        def log_message(self, *args):
            pass

    return Handler


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--record", required=True)
    parser.add_argument("--flap-for", type=float, default=0.0)
    parser.add_argument("--flap-paths", nargs="*", default=[])
    parser.add_argument("--fail", type=float, default=0.3)
    parser.add_argument("--drop", type=float, default=0.15)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    args.flap_paths = set(args.flap_paths)
    args.first_request = None
    record = open(args.record, "a", buffering=1)  # noqa: SIM115 - open for the server's life
    server = ThreadingHTTPServer(
        ("127.0.0.1", args.port),
        make_handler(args, record, threading.Lock(), random.Random(args.seed)),
    )
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(f"webhook sink on 127.0.0.1:{args.port}", flush=True)
    signal.sigwait({signal.SIGTERM, signal.SIGINT})
    server.shutdown()


if __name__ == "__main__":
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM, signal.SIGINT})
    main()
