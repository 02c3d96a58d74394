"""pages-scale: the same pages as `pages` (bench.pages.page_urls, the board among them) for a
user with 10 000 applications against one with 100.
Time per request is 1 / requests/s at 4 concurrent clients; runs alternate user by user."""

from bench import common
from bench.pages import check_pages, page_urls

NAME = "pages-scale"
LARGE, SMALL = 10_000, 100
GOAL = 1.2


def run(bench) -> list[dict]:
    few_n, many_n = bench.size(SMALL, 5), bench.size(LARGE, 20)
    small, large = bench.seeded_user(few_n), bench.seeded_user(many_n)
    web = bench.web
    cookies = {few_n: bench.cookie(small), many_n: bench.cookie(large)}
    urls = {few_n: page_urls(web, small), many_n: page_urls(web, large)}
    for size in (few_n, many_n):
        check_pages(urls[size], cookies[size])
    seconds = bench.wrk_seconds
    pages, errors = {}, 0
    for name in urls[few_n]:
        few = common.wrk(urls[few_n][name], cookies[few_n], seconds)
        many = common.wrk(urls[many_n][name], cookies[many_n], seconds)
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
            f"pages-scale {name}: {many['rps']:.0f} req/s with {many_n} vs {few['rps']:.0f} "
            f"with {few_n} (time ratio {ms_many / ms_few:.2f})"
        )
    ratio = max(p["ratio"] for p in pages.values())
    return [
        {
            "name": NAME,
            "applications": many_n,
            "baseline_applications": few_n,
            "concurrency": 4,
            "wrk_seconds": seconds,
            "pages": pages,
            "non_2xx": errors,
            "baseline": {n: p["baseline_ms_per_request"] for n, p in pages.items()},
            "ratio": ratio,
            "goal": f"time ratio <= {GOAL} each",
            "met": ratio <= GOAL and errors == 0,
            "summary": ", ".join(f"{n} {p['rps']:.0f}/s" for n, p in pages.items()),
            "baseline_summary": f"{few_n} apps: "
            + "/".join(f"{p['baseline_rps']:.0f}" for p in pages.values())
            + " req/s",
        }
    ]
