"""beat-down: Celery beat stopped while reminders fall due, then started again, twice over.

Real worker and Redis. After a warm-up batch shows the stack sending, beat is stopped; 300
follow-ups fall due over the next 30 s. Nothing triggers a pass meanwhile, so none may arrive.
Beat is then started again from its schedule file, together with a second beat (the README says
a second one is harmless: claims are atomic). The reminders missed during the downtime go out
with the first passes. Property: none sent while beat is down; then each sent once (lost 0,
duplicated 0).
"""

import datetime
import time

from bench import common
from bench.faults.context import INTERVAL

NAME = "beat-down"
WARM_UP = 20
COUNT = 300
SPREAD_SECONDS = 30
PROPERTY = "beat stopped across due times, restarted (with a 2nd beat): each sent once"


def run(faults) -> dict:
    from followups.models import Followup

    stack = faults.stack(NAME)
    stack.start_worker()
    beat = stack.start_beat()
    now = datetime.datetime.now(datetime.UTC)
    warm_up = faults.due(WARM_UP, prefix="fault-beat-warm-", due=now)
    faults.wait_arrived(warm_up, 60, f"{NAME} warm-up")

    faults.procs.stop(beat)
    stopped_at = time.monotonic()
    # The first one due after any trigger beat queued before it stopped has expired (each
    # expires one interval after it was sent): only a new beat can send these.
    first = datetime.datetime.now(datetime.UTC) + datetime.timedelta(seconds=INTERVAL + 1)
    dues = [first + datetime.timedelta(seconds=SPREAD_SECONDS * n / COUNT) for n in range(COUNT)]
    ids = faults.due(COUNT, prefix="fault-beat-", due=dues)
    common.log(f"{NAME}: beat stopped; {COUNT} follow-ups due over the next {SPREAD_SECONDS} s")
    # A fixed wait, as an absence cannot be polled for: past the last due time and two
    # intervals more, when a running beat would have had them all sent.
    wait = (dues[-1] - datetime.datetime.now(datetime.UTC)).total_seconds() + 2 * INTERVAL
    time.sleep(max(wait, 0))
    sent_while_down = faults.arrived(ids)
    down = time.monotonic() - stopped_at

    stack.start_beat()
    stack.start_beat("second-beat")
    restarted_at = time.monotonic()
    common.log(f"{NAME}: beat and a second beat started after {down:.0f} s down")
    faults.wait_arrived(ids, 120, NAME)
    all_sent_after = time.monotonic() - restarted_at
    faults.settle(ids, 60)
    stack.stop()

    figures = faults.counts(ids)
    warm = faults.counts(warm_up)
    figures.update(
        beat_down_s=round(down, 1),
        sent_while_beat_down=sent_while_down,
        all_sent_s_after_restart=round(all_sent_after, 1),
        marked_late=Followup.objects.filter(pk__in=ids, sent_late=True).count(),
        warm_up={k: warm[k] for k in ("followups", "sent", "duplicated", "lost")},
    )
    met = (
        sent_while_down == 0
        and figures["lost"] == 0
        and figures["duplicated"] == 0
        and figures["marked_notified"] == COUNT
        and warm["lost"] == 0
        and warm["duplicated"] == 0
    )
    return {
        "name": NAME,
        "property": PROPERTY,
        "figures": figures,
        "met": met,
        "summary": f"sent while down {sent_while_down}; then sent {figures['sent']}, duplicated "
        f"{figures['duplicated']}, lost {figures['lost']} ({all_sent_after:.0f} s after restart)",
    }
