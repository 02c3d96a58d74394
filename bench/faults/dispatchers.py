"""dispatchers: four dispatcher processes race for the same 10 000 due follow-ups on PostgreSQL.

Each process (bench.dispatch_worker) runs dispatch passes, the code the Celery task runs, until
a pass finds nothing due, so all four claim from the same rows at the same time for as long as
there are any. Property: each reminder reaches the sink exactly once and is marked notified.
"""

import datetime
import json
import subprocess
import time

from bench import common

NAME = "dispatchers"
COUNT = 10_000
PROCESSES = 4
PROPERTY = f"{PROCESSES} concurrent dispatchers: each reminder sent once (duplicated 0, lost 0)"


def run(faults) -> dict:
    from followups.models import Followup

    due = datetime.datetime.now(datetime.UTC) - datetime.timedelta(minutes=1)
    ids = faults.due(COUNT, prefix="fault-race-", due=due)
    common.log(f"{NAME}: {COUNT} due follow-ups, {PROCESSES} dispatcher processes")
    started = time.monotonic()
    children = [
        subprocess.Popen(
            [common.PYTHON, "-m", "bench.dispatch_worker", "--batch-size", "100"],
            cwd=common.ROOT,
            env=faults.env,
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(PROCESSES)
    ]
    per_process = []
    for child in children:
        out, _ = child.communicate(timeout=900)
        if child.returncode != 0:
            raise RuntimeError(f"bench.dispatch_worker failed with {child.returncode}")
        per_process.append(json.loads(out.strip().splitlines()[-1]))
    seconds = time.monotonic() - started

    figures = faults.counts(ids)
    figures.update(
        processes=PROCESSES,
        seconds=round(seconds, 1),
        reminders_per_second=round(COUNT / seconds, 1),
        sent_per_process=[p["sent"] for p in per_process],
        claims_left=Followup.objects.filter(pk__in=ids, claimed_until__isnull=False).count(),
    )
    met = (
        figures["duplicated"] == 0
        and figures["lost"] == 0
        and figures["marked_notified"] == COUNT
        and figures["claims_left"] == 0
    )
    return {
        "name": NAME,
        "property": PROPERTY,
        "figures": figures,
        "met": met,
        "summary": f"sent {figures['sent']}, duplicated {figures['duplicated']}, lost "
        f"{figures['lost']} ({seconds:.0f} s; per process {figures['sent_per_process']})",
    }
