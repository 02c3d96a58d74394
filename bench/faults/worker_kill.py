"""worker-kill: the Celery worker, parent and pool child, SIGKILLed three times mid-dispatch.

Real beat, worker and Redis; 4 000 follow-ups due at once, which one worker sends in about half a
minute. Each time the sink has received another share of them, the worker's process group is
SIGKILLed while it holds claimed rows, and a new worker is started. The killed worker's claims
run out after the lease (FOLLOWUP_DISPATCH_LEASE, 30 s here) and are taken over.

The worker has one pool process, so at most one email is between the sink and the database
record at the moment of a kill: the one duplicate per kill the design allows (an email that
went out just before the crash, unrecorded, is sent again after the lease). Property: lost 0,
duplicates at most one per kill.
"""

import datetime

from bench import common
from bench.faults.context import LEASE

NAME = "worker-kill"
COUNT = 4_000
KILL_AT = (0.15, 0.40, 0.65)
PROPERTY = "worker SIGKILLed 3× mid-dispatch: lost 0, at most one duplicate per kill"


def run(faults) -> dict:
    from followups.models import Followup, State

    stack = faults.stack(NAME)
    worker = stack.start_worker(concurrency=1)
    stack.start_beat()
    due = datetime.datetime.now(datetime.UTC) - datetime.timedelta(minutes=1)
    ids = faults.due(COUNT, prefix="fault-kill-", due=due)
    common.log(f"{NAME}: {COUNT} due follow-ups, lease {LEASE} s")

    def claimed(since: datetime.datetime) -> set[int]:
        """This scenario's rows claimed and not finished, under a lease running past since."""
        return set(
            Followup.objects.filter(
                pk__range=(min(ids), max(ids)), state=State.SCHEDULED, claimed_until__gt=since
            ).values_list("pk", flat=True)
        )

    kills = []
    orphaned_total: set[int] = set()
    for share in KILL_AT:
        target = int(COUNT * share)

        def mid_dispatch(target=target) -> bool:
            # Past the share, and the worker holds claims of its own (those of an earlier kill
            # may still be inside their lease): a pass is in the middle of its batch.
            now = datetime.datetime.now(datetime.UTC)
            return faults.arrived(ids) >= target and bool(claimed(now) - orphaned_total)

        if not common.wait_until(mid_dispatch, 300, 0.1):
            raise RuntimeError(f"{NAME}: fewer than {target} reminders sent after 300 s")
        faults.procs.kill(worker)
        # Rows the dead worker had claimed and not finished: they wait for their lease.
        orphaned = claimed(datetime.datetime.now(datetime.UTC))
        new = len(orphaned - orphaned_total)
        orphaned_total.update(orphaned)
        kills.append({"sent_before": faults.arrived(ids), "claims_orphaned": new})
        common.log(f"{NAME}: SIGKILL after {kills[-1]['sent_before']} sent; {new} claims left")
        worker = stack.start_worker(concurrency=1)

    faults.wait_arrived(ids, LEASE + 300, NAME)
    faults.settle(ids, LEASE + 60)
    stack.stop()

    figures = faults.counts(ids)
    figures.update(
        kills=kills,
        # Claimed a second time: the rows of a killed worker, taken over after the lease.
        taken_over=Followup.objects.filter(pk__in=ids, attempts__gt=1).count(),
        orphaned=len(orphaned_total),
        lease_s=LEASE,
    )
    mid_dispatch = all(k["claims_orphaned"] > 0 for k in kills)
    met = (
        figures["lost"] == 0
        and figures["duplicated"] <= len(kills)
        and figures["marked_notified"] == COUNT
        and mid_dispatch
    )
    return {
        "name": NAME,
        "property": PROPERTY,
        "figures": figures,
        "met": met,
        "summary": f"sent {figures['sent']}, duplicated {figures['duplicated']}, lost "
        f"{figures['lost']}; {len(kills)} kills holding "
        f"{[k['claims_orphaned'] for k in kills]} claims, {figures['taken_over']} taken over",
    }
