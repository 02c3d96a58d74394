"""pages-scale: the same pages as `pages` (bench.pages.page_urls, the board among them) for a
user with 10 000 applications against one with 100.
Time per request is 1 / requests/s at 4 concurrent clients; runs alternate user by user."""

from bench import common
from bench.pages import check_pages, page_urls

NAME = "pages-scale"
LARGE, SMALL = 10_000, 100
GOAL = 1.2


def run(bench) -> list[dict]:
    small, large = bench.seeded_user(SMALL), bench.seeded_user(LARGE)
    web = bench.web
    cookies = {SMALL: bench.cookie(small), LARGE: bench.cookie(large)}
    urls = {SMALL: page_urls(web, small), LARGE: page_urls(web, large)}
    for size in (SMALL, LARGE):
        check_pages(urls[size], cookies[size])
    seconds = bench.wrk_seconds
    pages, errors = {}, 0
    for name in urls[SMALL]:
        few = common.wrk(urls[SMALL][name], cookies[SMALL], seconds)
        many = common.wrk(urls[LARGE][name], cookies[LARGE], seconds)
        errors += few["non_2xx"] + many["non_2xx"]
        ms_few, ms_many = 1000 / few["rps"], 1000 / many["rps"]
        pages[name] = {
            "ms_per_request": round(ms_many, 2),
            "baseline_ms_per_request": round(ms_few, 2),
            "rps": round(many["rps"], 1),
            "baseline_rps": round(few["rps"], 1),
            "ratio": round(ms_many / ms_few, 3),
        }
        common.log(
            f"pages-scale {name}: {many['rps']:.0f} req/s with {LARGE} vs {few['rps']:.0f} "
            f"with {SMALL} (time ratio {ms_many / ms_few:.2f})"
        )
    ratio = max(p["ratio"] for p in pages.values())
    return [
        {
            "name": NAME,
            "applications": LARGE,
            "baseline_applications": SMALL,
            "concurrency": 4,
            "wrk_seconds": seconds,
            "pages": pages,
            "non_2xx": errors,
            "baseline": {n: p["baseline_ms_per_request"] for n, p in pages.items()},
            "ratio": ratio,
            "goal": f"time ratio <= {GOAL} each",
            "met": ratio <= GOAL and errors == 0,
            "summary": ", ".join(f"{n} {p['rps']:.0f}/s" for n, p in pages.items()),
            "baseline_summary": "100 apps: "
            + "/".join(f"{p['baseline_rps']:.0f}" for p in pages.values())
            + " req/s",
        }
    ]
