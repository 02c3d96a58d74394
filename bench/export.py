"""export: the zip of 1 000 drafts and the CSV status history of 1 000 applications, each fetched
over HTTP from gunicorn as the user's browser would (median of 5). Goals: the zip <= 3 s, written
with the email package's stock policy and streamed; the CSV <= 1 s.

Beside the timings, the zip's peak Python memory (tracemalloc, in this process, the same query
and code as the view) for 100 and for all 1 000 drafts: streamed, the two are about the same.
"""

import http.cookies
import time
import tracemalloc
import urllib.parse
import urllib.request

from bench import common

NAME = "export"
APPLICATIONS = 1000
DRAFTS = 1000
RUNS = 5
GOALS = {"drafts_zip": 3.0, "history_csv": 1.0}


def make_drafts(user, count: int) -> int:
    """Fill the account up to count drafts, copies of a generated one over its applications."""
    from applications.models import Application
    from drafts.models import Draft

    template = Draft.objects.filter(owner=user).first()
    have = Draft.objects.filter(owner=user).count()
    applications = list(Application.objects.filter(owner=user).order_by("id")[: count - have])
    Draft.objects.bulk_create(
        Draft(
            owner=user,
            kind=template.kind,
            language=template.language,
            recipient=template.recipient,
            subject=f"{template.subject} ({application.company})",
            body=template.body,
            application=application,
        )
        for application in applications
    )
    return Draft.objects.filter(owner=user).count()


def csrf_token(web: str, cookie: str) -> str:
    request = urllib.request.Request(f"{web}/drafts/", headers={"Cookie": cookie})
    with urllib.request.urlopen(request, timeout=30) as response:
        for header in response.headers.get_all("Set-Cookie") or []:
            jar = http.cookies.SimpleCookie(header)
            if "csrftoken" in jar:
                return jar["csrftoken"].value
    raise RuntimeError("no csrftoken cookie from /drafts/")


def timed(request: urllib.request.Request) -> tuple[float, int, int]:
    started = time.monotonic()
    with urllib.request.urlopen(request, timeout=60) as response:
        body = response.read()
        status = response.status
    return time.monotonic() - started, status, len(body)


def zip_peak_memory(user, count: int) -> tuple[int, int]:
    """(peak bytes traced, zip bytes) while writing the zip of the user's first count drafts."""
    from drafts import export
    from drafts.models import Draft

    rows = (
        Draft.objects.owned_by(user)
        .select_related("application", "interview")
        .only(*export.ZIP_FIELDS)
        .order_by("application__company", "kind", "id")[:count]
    )
    size = 0
    tracemalloc.start()
    try:
        for chunk in export.zip_chunks(rows.iterator(chunk_size=200), user):
            size += len(chunk)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return peak, size


def run(bench) -> list[dict]:
    runs = bench.size(RUNS, 1)
    user = bench.seeded_user(bench.size(APPLICATIONS, 10))
    drafts = make_drafts(user, bench.size(DRAFTS, 10))
    web = bench.web
    cookie = bench.cookie(user)
    token = csrf_token(web, cookie)
    from applications.models import StatusChange

    changes = StatusChange.objects.filter(owner=user).count()

    def zip_request():
        return urllib.request.Request(
            f"{web}/drafts/export.zip",
            data=urllib.parse.urlencode({"scope": "all"}).encode(),
            headers={"Cookie": f"{cookie}; csrftoken={token}", "X-CSRFToken": token},
        )

    def csv_request():
        return urllib.request.Request(f"{web}/data/status-history.csv", headers={"Cookie": cookie})

    figures = {}
    for label, make in (("drafts_zip", zip_request), ("history_csv", csv_request)):
        timings = [timed(make()) for _ in range(runs)]
        if any(status != 200 for _, status, _ in timings):
            raise RuntimeError(f"{label} answered {[s for _, s, _ in timings]}")
        seconds = [s for s, _, _ in timings]
        figures[label] = {
            "median_s": round(common.med(seconds), 3),
            "max_s": round(max(seconds), 3),
            "bytes": timings[0][2],
        }
        common.log(f"export {label}: median {common.med(seconds):.3f} s, max {max(seconds):.3f} s")
    memory = {}
    for count in (min(100, drafts), drafts):
        peak, size = zip_peak_memory(user, count)
        memory[count] = {"peak_kib": round(peak / 1024), "zip_kib": round(size / 1024)}
        common.log(
            f"export zip of {count} drafts: peak {peak / 1024:.0f} KiB, {size / 1024:.0f} KiB"
        )
    met = all(figures[label]["median_s"] <= goal for label, goal in GOALS.items())
    return [
        {
            "name": NAME,
            "drafts": drafts,
            "applications": APPLICATIONS,
            "status_changes": changes,
            **figures,
            "zip_peak_memory": memory,
            "baseline": None,
            "ratio": None,
            "goal": "zip <= 3 s (stock email policy, streamed), csv <= 1 s",
            "met": met,
            "summary": f"zip {figures['drafts_zip']['median_s']:.2f} s, "
            f"csv {figures['history_csv']['median_s']:.2f} s (median of {runs}); zip peak "
            f"memory {memory[min(100, drafts)]['peak_kib']} KiB for 100 drafts, "
            f"{memory[drafts]['peak_kib']} KiB for {drafts}",
            "baseline_summary": "-",
        }
    ]
