"""The dispatch baseline: raw smtplib sending --count copies of one reminder email over one
connection, each with its own X-Bench-Raw header, as fast as the sink takes them.

    python -m bench.smtp_blast --port 2525 --count 5000 --template var/bench/reminder.eml
"""

import argparse
import json
import smtplib
import time


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--count", type=int, required=True)
    parser.add_argument("--template", required=True)
    parser.add_argument("--offset", type=int, default=0)
    args = parser.parse_args()
    with open(args.template, "rb") as file:
        template = file.read()
    started = time.monotonic()
    with smtplib.SMTP("127.0.0.1", args.port) as smtp:
        for n in range(args.offset, args.offset + args.count):
            message = b"X-Bench-Raw: %d\r\n" % n + template
            smtp.sendmail("seuranta@localhost", [f"raw{n}@bench.example"], message)
    print(json.dumps({"sent": args.count, "seconds": time.monotonic() - started}), flush=True)


if __name__ == "__main__":
    main()
