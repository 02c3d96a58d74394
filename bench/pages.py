"""pages: requests/s of the main pages (dashboard, board, application list and detail) for a
user with 1 000 applications, against a login-required "ok" view on the same gunicorn
(bench/urls.py), measured in alternation; and the Python function calls each page makes per
request (cProfile, in process). Each page warm (a repeat visit, its fragments cached) and cold
(right after a change of the person's data, as a person sees it after every action: the
bench-only /bench/cold/ view renews their data version before drawing the page)."""

import cProfile
import pstats
from urllib.parse import urlsplit

from django.db.models import Count

from bench import common

NAME = "pages"
APPLICATIONS = 1000
# Issue 9's goals: each page at least a fifth of the "ok" view's requests/s, and at most
# CALLS_GOAL Python function calls per request (deterministic, beside the drifting ratio).
GOAL = 0.2
CALLS_GOAL = 32_000
# Issue 20's goal for a page right after a change: at least a tenth of the "ok" view's.
COLD_GOAL = 0.1


def cold_url(url: str) -> str:
    """The same page drawn right after a change (bench.urls.cold)."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}/bench/cold{parts.path}" + (
        f"?{parts.query}" if parts.query else ""
    )


def page_urls(web: str, user) -> dict[str, str]:
    """Today (the dashboard, named "today" in the results), the board, the application list
    and the detail of the application with most interviews.

    pages-scale and pages-latency measure the same pages.
    """
    from applications.models import Application

    busiest = (
        Application.objects.filter(owner=user)
        .annotate(n=Count("interviews"))
        .order_by("-n", "id")
        .first()
    )
    return {
        "today": f"{web}/",
        "board": f"{web}/board/",
        "application_list": f"{web}/applications/",
        "application_detail": f"{web}/applications/{busiest.pk}/",
    }


def check_pages(urls: dict[str, str], cookie: str) -> None:
    """Every URL answers 200 to this session (not a redirect to the log-in page)."""
    for name, url in urls.items():
        status, body = common.http_get(url, cookie)
        if status != 200 or (b"<h1" not in body and not body.startswith(b"ok")):
            raise RuntimeError(f"{name} ({url}) answered {status}")


def python_calls(urls: dict[str, str], user, *, cold: bool = False) -> dict[str, int]:
    """Python function calls per request of each page, counted by cProfile in this process.

    Unlike requests/s, the count does not drift with the machine's load: the same code, data
    and cache state give the same figure. Each page is requested once before it is counted,
    so the figure is that of a warm process, as in gunicorn after its first request; cold,
    the person's data version is renewed (as by any write) just before the counted request.
    """
    from django.test import Client

    from accounts.models import User

    client = Client(SERVER_NAME="127.0.0.1")
    client.force_login(user)
    calls = {}
    for name, url in urls.items():
        path = urlsplit(url).path
        if client.get(path).status_code != 200:
            raise RuntimeError(f"{name} ({path}) did not answer 200 in process")
        if cold:
            User.data_changed(user.pk)
        profile = cProfile.Profile()
        profile.enable()
        client.get(path)
        profile.disable()
        calls[name] = pstats.Stats(profile).total_calls
    return calls


def run(bench) -> list[dict]:
    applications = bench.size(APPLICATIONS, 10)
    user = bench.seeded_user(applications)
    web = bench.web
    cookie = bench.cookie(user)
    urls = page_urls(web, user)
    ok_url = f"{web}/bench/ok"
    check_pages(
        {**urls, **{f"{n} cold": cold_url(u) for n, u in urls.items()}, "ok": ok_url}, cookie
    )
    seconds = bench.wrk_seconds
    pages, errors = {}, 0
    for name, url in urls.items():
        # Side by side: the baseline right before each page, so drift hits both alike.
        base = common.wrk(ok_url, cookie, seconds)
        page = common.wrk(url, cookie, seconds)
        cold = common.wrk(cold_url(url), cookie, seconds)
        errors += base["non_2xx"] + page["non_2xx"] + cold["non_2xx"]
        pages[name] = {
            "rps": round(page["rps"], 1),
            "cold_rps": round(cold["rps"], 1),
            "baseline_rps": round(base["rps"], 1),
            "ratio": round(page["rps"] / base["rps"], 3),
            "cold_ratio": round(cold["rps"] / base["rps"], 3),
        }
        common.log(
            f"pages {name}: {page['rps']:.0f} req/s warm, {cold['rps']:.0f} cold, vs ok "
            f"{base['rps']:.0f} req/s"
        )
    calls = python_calls(urls, user)
    cold_calls = python_calls(urls, user, cold=True)
    for name, count in calls.items():
        pages[name]["python_calls"] = count
        pages[name]["python_calls_cold"] = cold_calls[name]
        common.log(
            f"pages {name}: {count} Python function calls per request warm, {cold_calls[name]} cold"
        )
    ratio = min(p["ratio"] for p in pages.values())
    cold_ratio = min(p["cold_ratio"] for p in pages.values())
    return [
        {
            "name": NAME,
            "applications": applications,
            "concurrency": 4,
            "wrk_seconds": seconds,
            "pages": pages,
            "non_2xx": errors,
            "baseline": {n: p["baseline_rps"] for n, p in pages.items()},
            "ratio": ratio,
            "cold_ratio": cold_ratio,
            "python_calls": calls,
            "python_calls_cold": cold_calls,
            "goal": f"page/ok requests/s >= {GOAL} warm, >= {COLD_GOAL} cold, and <= "
            f"{CALLS_GOAL} calls/request warm, each",
            "met": ratio >= GOAL
            and cold_ratio >= COLD_GOAL
            and max(calls.values()) <= CALLS_GOAL
            and errors == 0,
            "summary": ", ".join(
                f"{n} {p['rps']:.0f}/s (cold {p['cold_rps']:.0f}/s)" for n, p in pages.items()
            ),
            "baseline_summary": "ok "
            + "/".join(f"{p['baseline_rps']:.0f}" for p in pages.values())
            + " req/s",
        }
    ]
