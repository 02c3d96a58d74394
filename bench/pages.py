"""pages: requests/s of the three main pages for a user with 1 000 applications, against a
login-required "ok" view on the same gunicorn (bench/urls.py), measured in alternation."""

from django.db.models import Count

from bench import common

NAME = "pages"
APPLICATIONS = 1000
GOAL = 0.5


def page_urls(web: str, user) -> dict[str, str]:
    """Dashboard, application list and the detail of the application with most interviews."""
    from applications.models import Application

    busiest = (
        Application.objects.filter(owner=user)
        .annotate(n=Count("interviews"))
        .order_by("-n", "id")
        .first()
    )
    return {
        "dashboard": f"{web}/",
        "application_list": f"{web}/applications/",
        "application_detail": f"{web}/applications/{busiest.pk}/",
    }


def check_pages(urls: dict[str, str], cookie: str) -> None:
    """Every URL answers 200 to this session (not a redirect to the log-in page)."""
    for name, url in urls.items():
        status, body = common.http_get(url, cookie)
        if status != 200 or (b"<h1" not in body and not body.startswith(b"ok")):
            raise RuntimeError(f"{name} ({url}) answered {status}")


def run(bench) -> list[dict]:
    user = bench.seeded_user(APPLICATIONS)
    web = bench.web
    cookie = bench.cookie(user)
    urls = page_urls(web, user)
    ok_url = f"{web}/bench/ok"
    check_pages({**urls, "ok": ok_url}, cookie)
    seconds = bench.wrk_seconds
    pages, errors = {}, 0
    for name, url in urls.items():
        # Side by side: the baseline right before each page, so drift hits both alike.
        base = common.wrk(ok_url, cookie, seconds)
        page = common.wrk(url, cookie, seconds)
        errors += base["non_2xx"] + page["non_2xx"]
        pages[name] = {
            "rps": round(page["rps"], 1),
            "baseline_rps": round(base["rps"], 1),
            "ratio": round(page["rps"] / base["rps"], 3),
        }
        common.log(f"pages {name}: {page['rps']:.0f} req/s vs ok {base['rps']:.0f} req/s")
    ratio = min(p["ratio"] for p in pages.values())
    return [
        {
            "name": NAME,
            "applications": APPLICATIONS,
            "concurrency": 4,
            "wrk_seconds": seconds,
            "pages": pages,
            "non_2xx": errors,
            "baseline": {n: p["baseline_rps"] for n, p in pages.items()},
            "ratio": ratio,
            "goal": f"page/ok requests/s >= {GOAL} each",
            "met": ratio >= GOAL and errors == 0,
            "summary": ", ".join(f"{n} {p['rps']:.0f}/s" for n, p in pages.items()),
            "baseline_summary": "ok "
            + "/".join(f"{p['baseline_rps']:.0f}" for p in pages.values())
            + " req/s",
        }
    ]
