"""The stall benchmark's hands inside the SQLite install it measures (bench/stall.py).

Run with that install's environment (DATABASE_URL=sqlite:///…), never the bench's PostgreSQL:

    python -m bench.stall_helper cookie EMAIL            # a logged-in session cookie
    python -m bench.stall_helper export EMAIL FILE       # the account's JSON export
    python -m bench.stall_helper import-loop FILE STOP   # restore FILE into a new account,
                                                         # again and again, until STOP exists

Each import is queued as the upload view queues it and run by the Celery worker; one line per
finished job (seconds, state) goes to stdout.
"""

import json
import sys
import time
from pathlib import Path


def main(argv: list[str]) -> int:
    import django

    django.setup()
    from accounts.models import User
    from bench import common

    command, *args = argv
    if command == "cookie":
        print(common.session_cookie(User.objects.get(email=args[0])))
    elif command == "export":
        from exports.json_export import export_account

        data = export_account(User.objects.get(email=args[0]))
        Path(args[1]).write_text(json.dumps(data, ensure_ascii=False, indent=1))
    elif command == "import-loop":
        import_loop(Path(args[0]).read_bytes(), Path(args[1]))
    else:
        sys.exit(f"unknown command {command}")
    return 0


def import_loop(payload: bytes, stop: Path) -> None:
    from django.db import transaction

    from accounts.models import User
    from exports.models import ImportJob
    from exports.services import import_job_create

    number = 0
    while not stop.exists():
        number += 1
        owner = User.objects.create_user(f"restore{number}-{time.time_ns()}@bench.example", "x")
        started = time.monotonic()
        with transaction.atomic():
            job = import_job_create(
                owner=owner,
                kind="json",
                payload=payload,
                filename="bench.json",
                options={"take_preferences": True},
            )
        while not ImportJob.objects.filter(pk=job.pk, state__in=["done", "failed"]).exists():
            time.sleep(0.2)
        job.refresh_from_db()
        print(
            json.dumps(
                {
                    "seconds": round(time.monotonic() - started, 2),
                    "state": job.state,
                    "applications": job.imported_applications,
                }
            ),
            flush=True,
        )


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
