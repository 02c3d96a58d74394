"""One dispatcher process: dispatch passes (followups.dispatch.dispatch_due, what the Celery task
runs) until a pass finds nothing due; prints its totals as JSON.

    python -m bench.dispatch_worker [--batch-size 100] [--lease-seconds 300]

Unlike `manage.py dispatch_followups --until-done` it has no batch cap (the task stops after 50
batches, 5 000 rows), so two of these drain any number of rows between them.
"""

import argparse
import datetime
import json
import time

import django


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--batch-size", type=int, default=100)
    parser.add_argument("--lease-seconds", type=float, default=300)
    args = parser.parse_args()
    django.setup()
    from followups.dispatch import DispatchResult, dispatch_due

    lease = datetime.timedelta(seconds=args.lease_seconds)
    total = DispatchResult()
    started = time.monotonic()
    passes = 0
    while True:
        result = dispatch_due(batch_size=args.batch_size, lease=lease)
        passes += 1
        total += result
        if result.claimed == 0:
            break
    print(
        json.dumps({**total.as_dict(), "passes": passes, "seconds": time.monotonic() - started}),
        flush=True,
    )


if __name__ == "__main__":
    main()
