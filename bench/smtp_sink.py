"""An SMTP server that accepts everything and records one JSON line per message.

    python -m bench.smtp_sink --port 2525 --record var/bench/sink.jsonl

Each line: {"t": arrival time (epoch seconds), "followup": the X-Seuranta-Followup header as an
int (null if absent), "to": the first recipient}. The record is appended to and flushed per
message, so a reader in another process sees every accepted message, and a sink that is stopped
and started again keeps counting in the same file.
"""

import argparse
import json
import re
import signal
import time

from aiosmtpd.controller import Controller

FOLLOWUP = re.compile(rb"^X-Seuranta-Followup:\s*(\d+)\s*$", re.MULTILINE | re.IGNORECASE)


class Recorder:
    def __init__(self, path: str):
        self.file = open(path, "a", buffering=1)  # noqa: SIM115 - open for the server's life

    async def handle_DATA(self, server, session, envelope):
        # Only the header block is searched: bodies are never parsed, to keep the sink cheap.
        head = envelope.content.split(b"\r\n\r\n", 1)[0]
        match = FOLLOWUP.search(head)
        self.file.write(
            json.dumps(
                {
                    "t": time.time(),
                    "followup": int(match.group(1)) if match else None,
                    "to": envelope.rcpt_tos[0] if envelope.rcpt_tos else "",
                }
            )
            + "\n"
        )
        return "250 Message accepted for delivery"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--record", required=True)
    args = parser.parse_args()
    controller = Controller(Recorder(args.record), hostname="127.0.0.1", port=args.port)
    controller.start()
    print(f"SMTP sink on 127.0.0.1:{args.port}", flush=True)
    signal.sigwait({signal.SIGTERM, signal.SIGINT})
    controller.stop()


if __name__ == "__main__":
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM, signal.SIGINT})
    main()
