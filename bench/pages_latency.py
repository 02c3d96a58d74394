"""pages-latency: the 95th percentile response time of each main page (bench.pages.page_urls,
the board among them) for a user with 10 000 applications, at 8 concurrent clients (wrk, -c 8)
on the same gunicorn as the other pages benchmarks, warm (a repeat visit) and cold (right
after a change, bench.pages.cold_url). Goals (issue 20): at most 100 ms warm and 150 ms cold,
each."""

from bench import common
from bench.pages import check_pages, cold_url, page_urls

NAME = "pages-latency"
APPLICATIONS = 10_000
CLIENTS = 8
GOAL_MS = 100
COLD_GOAL_MS = 150


def run(bench) -> list[dict]:
    applications = bench.size(APPLICATIONS, 20)
    user = bench.seeded_user(applications)
    cookie = bench.cookie(user)
    urls = page_urls(bench.web, user)
    check_pages(urls, cookie)
    pages, errors = {}, 0
    for name, url in urls.items():
        result = common.wrk(url, cookie, bench.wrk_seconds, connections=CLIENTS)
        cold = common.wrk(cold_url(url), cookie, bench.wrk_seconds, connections=CLIENTS)
        errors += result["non_2xx"] + cold["non_2xx"]
        pages[name] = {
            "p95_ms": round(result["p95_ms"], 1),
            "rps": round(result["rps"], 1),
            "cold_p95_ms": round(cold["p95_ms"], 1),
            "cold_rps": round(cold["rps"], 1),
        }
        common.log(
            f"pages-latency {name}: p95 {result['p95_ms']:.1f} ms warm, "
            f"{cold['p95_ms']:.1f} ms cold at {CLIENTS} clients"
        )
    worst = max(p["p95_ms"] for p in pages.values())
    worst_cold = max(p["cold_p95_ms"] for p in pages.values())
    return [
        {
            "name": NAME,
            "applications": applications,
            "concurrency": CLIENTS,
            "pages": pages,
            "non_2xx": errors,
            "ratio": worst,
            "cold_worst_p95_ms": worst_cold,
            "goal": f"p95 <= {GOAL_MS} ms warm, <= {COLD_GOAL_MS} ms cold, each at {CLIENTS} "
            "clients",
            "met": worst <= GOAL_MS and worst_cold <= COLD_GOAL_MS and errors == 0,
            "summary": ", ".join(
                f"{n} p95 {p['p95_ms']:.0f}/{p['cold_p95_ms']:.0f} ms" for n, p in pages.items()
            )
            + " (warm/cold)",
            "baseline_summary": "",
        }
    ]
