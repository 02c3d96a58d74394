"""smtp-down: the SMTP server stopped for 60 s while reminders fall due, then started again.

Real beat, worker and Redis. The sink process is stopped; 200 follow-ups are due at that moment
and 200 more fall due during the first 40 s of the outage. Every second of the outage the
database is asked how many of them are marked notified: a reminder marked sent while no server
could take it would be a lost reminder. The sink is then started again on the same port; the
passes after each row's backoff (a minute here: half of how overdue it is, at least a minute)
send them. Property: none marked notified while down; lost 0; duplicated 0.
"""

import datetime
import time

from django.db.models import Max

from bench import common

NAME = "smtp-down"
DOWN_SECONDS = 60
AT_ONCE = 200
DURING = 200
SPREAD_SECONDS = 40
PROPERTY = "SMTP server down 60 s: none marked sent while down; lost 0, duplicated 0"


def run(faults) -> dict:
    from followups.models import Followup, State

    stack = faults.stack(NAME)
    stack.start_worker()
    stack.start_beat()

    faults.stop_sink()
    down_at = time.monotonic()
    now = datetime.datetime.now(datetime.UTC)
    dues = [now] * AT_ONCE + [
        now + datetime.timedelta(seconds=SPREAD_SECONDS * (n + 1) / DURING) for n in range(DURING)
    ]
    ids = faults.due(len(dues), prefix="fault-smtp-", due=dues)
    common.log(f"{NAME}: sink stopped; {len(ids)} follow-ups due over the next {SPREAD_SECONDS} s")

    marked_while_down = 0
    samples = 0
    while time.monotonic() - down_at < DOWN_SECONDS:
        marked = Followup.objects.filter(pk__in=ids, state=State.NOTIFIED).count()
        marked_while_down = max(marked_while_down, marked)
        samples += 1
        time.sleep(1)
    # The passes met the outage: each row was tried and has the connection error recorded.
    tried = Followup.objects.filter(pk__in=ids).exclude(last_error="").count()
    attempts = Followup.objects.filter(pk__in=ids).aggregate(Max("attempts"))["attempts__max"]
    marked_while_down = max(
        marked_while_down, Followup.objects.filter(pk__in=ids, state=State.NOTIFIED).count()
    )
    sent_while_down = faults.arrived(ids)

    faults.start_sink()
    back_at = time.monotonic()
    common.log(f"{NAME}: sink back after {back_at - down_at:.0f} s; {tried} rows tried meanwhile")
    faults.wait_arrived(ids, 300, NAME)
    all_sent_after = time.monotonic() - back_at
    faults.settle(ids, 60)
    stack.stop()

    figures = faults.counts(ids)
    figures.update(
        down_s=round(back_at - down_at, 1),
        marked_notified_while_down=marked_while_down,
        received_while_down=sent_while_down,
        database_samples_while_down=samples,
        tried_while_down=tried,
        max_attempts_used_while_down=attempts,
        all_sent_s_after_back=round(all_sent_after, 1),
    )
    met = (
        marked_while_down == 0
        and sent_while_down == 0
        and tried == len(ids)
        and figures["lost"] == 0
        and figures["duplicated"] == 0
        and figures["marked_notified"] == len(ids)
    )
    return {
        "name": NAME,
        "property": PROPERTY,
        "figures": figures,
        "met": met,
        "summary": f"marked while down {marked_while_down} ({tried} tried); sent "
        f"{figures['sent']}, duplicated {figures['duplicated']}, lost {figures['lost']}; all "
        f"{all_sent_after:.0f} s after back",
    }
