"""import: a JSON export of 10 000 applications (with their interviews, contacts, drafts and
follow-ups) restored into a new account through the import job the Celery worker runs, and a
CSV of 5 000 rows through its job; meanwhile another user's dashboard is fetched from gunicorn
in a loop, and its p99 compared with the same loop before the imports (issue 10)."""

import json
import threading
import time

from bench import common

NAME = "import"
APPLICATIONS = 10_000
CSV_ROWS = 5_000
JSON_GOAL_SECONDS = 30.0
CSV_GOAL_SECONDS = 5.0
P99_GOAL_MS = 200.0
BASELINE_SECONDS = 5.0


class Prober(threading.Thread):
    """GETs one URL back to back, recording each latency, until stopped."""

    def __init__(self, url: str, cookie: str):
        super().__init__(daemon=True)
        self.url, self.cookie = url, cookie
        self.latencies: list[float] = []
        self.errors = 0
        self._halt = threading.Event()

    def run(self):
        while not self._halt.is_set():
            started = time.monotonic()
            status, _body = common.http_get(self.url, self.cookie)
            self.latencies.append(time.monotonic() - started)
            if status != 200:
                self.errors += 1
            time.sleep(0.02)  # a busy person clicking, not a load test

    def stop(self) -> dict:
        self._halt.set()
        self.join(30)
        ms = [s * 1000 for s in self.latencies]
        return {
            "requests": len(ms),
            "p50_ms": round(common.percentile(ms, 50), 1),
            "p99_ms": round(common.percentile(ms, 99), 1),
            "max_ms": round(max(ms), 1) if ms else None,
            "errors": self.errors,
        }


def probe(url: str, cookie: str, seconds: float) -> dict:
    prober = Prober(url, cookie)
    prober.start()
    time.sleep(seconds)
    return prober.stop()


def run_job(user, kind: str, payload: bytes, options: dict, web: str, cookie: str) -> dict:
    """Queue a job as the upload view does; seconds until the worker has finished it."""
    from django.db import transaction

    from exports.models import ImportJob
    from exports.services import import_job_create

    with transaction.atomic():
        job = import_job_create(
            owner=user, kind=kind, payload=payload, filename=f"bench.{kind}", options=options
        )
    started = time.monotonic()
    status_url = f"{web}/data/imports/{job.pk}/status.json"
    seen = []

    def finished():
        # As the job page's script polls: the progress must be readable while the job runs.
        status, body = common.http_get(status_url, cookie)
        if status == 200:
            seen.append(json.loads(body)["text"])
        return ImportJob.objects.filter(pk=job.pk, state__in=["done", "failed"]).exists()

    common.wait_until(finished, 600, 0.25)
    seconds = time.monotonic() - started
    job.refresh_from_db()
    if job.state != "done":
        raise RuntimeError(f"{kind} import job {job.state}: {job.problems[:5]}")
    progress = [text for text in seen if " of " in text]
    example = progress[len(progress) // 2] if progress else "-"
    common.log(
        f"import {kind}: {seconds:.1f} s, {job.imported_applications} applications; "
        f"progress seen {len(progress)} times, e.g. {example!r}"
    )
    return {
        "seconds": round(seconds, 2),
        "applications": job.imported_applications,
        "progress_seen": len(progress),
    }


def csv_file(rows: int) -> str:
    lines = ["Company,Position,Status,Applied on,Location,Contact,Contact email,Expected salary"]
    for n in range(rows):
        lines.append(
            f"Firm {n} Oy,Developer {n % 7},applied,2026-{1 + n % 11:02d}-{1 + n % 27:02d},"
            f"Helsinki,Person {n},person{n}@firm{n}.example,{2600 + n % 40 * 100} €"
        )
    return "\n".join(lines) + "\n"


def run(bench) -> list[dict]:
    from accounts.models import User
    from exports import csv_import
    from exports.json_export import export_account

    applications, csv_rows = bench.size(APPLICATIONS, 10), bench.size(CSV_ROWS, 10)
    source = bench.seeded_user(applications)
    other = bench.seeded_user(bench.size(40, 5))  # the other person, using the site meanwhile
    web = bench.web
    common.start_worker(bench.procs, "worker", bench.env)
    other_url = f"{web}/"
    other_cookie = bench.cookie(other)
    common.http_get(other_url, other_cookie)  # warm

    payload = json.dumps(export_account(source), ensure_ascii=False, indent=1).encode()
    common.log(f"import: export of {applications} applications is {len(payload) / 1e6:.1f} MB")
    alone = probe(other_url, other_cookie, bench.size(BASELINE_SECONDS, 0.5))
    common.log(f"import: dashboard alone p99 {alone['p99_ms']} ms ({alone['requests']} requests)")

    User.objects.filter(email__in=["restored@bench.example", "csv@bench.example"]).delete()
    restored = User.objects.create_user("restored@bench.example", "x")
    csv_user = User.objects.create_user("csv@bench.example", "x")

    prober = Prober(other_url, other_cookie)
    prober.start()
    json_job = run_job(
        restored, "json", payload, {"take_preferences": True}, web, bench.cookie(restored)
    )
    text = csv_file(csv_rows)
    upload = csv_import.read_upload("bench.csv", text.encode())
    headers, _rows = upload.table()
    options = {
        "delimiter": upload.delimiter,
        "encoding": upload.encoding,
        "mapping": csv_import.guess_mapping(headers),
    }
    csv_job = run_job(csv_user, "csv", text.encode(), options, web, bench.cookie(csv_user))
    during = prober.stop()
    common.log(f"import: dashboard during the imports p99 {during['p99_ms']} ms")

    met = (
        json_job["seconds"] <= JSON_GOAL_SECONDS
        and json_job["applications"] == applications
        and csv_job["seconds"] <= CSV_GOAL_SECONDS
        and csv_job["applications"] == csv_rows
        and during["p99_ms"] <= P99_GOAL_MS
        and during["errors"] == 0
        and json_job["progress_seen"] > 0
    )
    return [
        {
            "name": NAME,
            "json": json_job,
            "json_mb": round(len(payload) / 1e6, 1),
            "csv": csv_job,
            "other_user_alone": alone,
            "other_user_during": during,
            "baseline": None,
            "ratio": None,
            "goal": f"json <= {JSON_GOAL_SECONDS:.0f} s, csv <= {CSV_GOAL_SECONDS:.0f} s, "
            f"other user p99 <= {P99_GOAL_MS:.0f} ms",
            "met": met,
            "summary": f"json {json_job['seconds']:.1f} s, csv {csv_job['seconds']:.1f} s, "
            f"other user p99 {during['p99_ms']:.0f} ms",
            "baseline_summary": f"p99 alone {alone['p99_ms']:.0f} ms",
        }
    ]
