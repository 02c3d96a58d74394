"""digest-kill: the Celery worker, parent and pool, SIGKILLed twice during the morning digest pass.

Real beat, worker and Redis. PEOPLE people on the digest, each with FOLLOWUPS follow-ups due,
their digest time past (00:00 local, no quiet hours, in a country where today is a business
day). The worker (one pool process, so that a kill takes the pass holding the claim) is
SIGKILLed with its process group twice, and started again each time, at a moment checked with
the worker stopped (SIGSTOP), so that each kill is the kind it says:

- after-send: as soon as the first digest has reached the SMTP sink, while the pass still holds
  its claim: the email is out, its record (Digest sent, follow-ups notified) not yet written;
- before-send: once half the digests have arrived, while the pass holds the claim of a person
  whose digest has not gone yet.

A killed pass's claimed digest (the Digest row of (person, day) and the follow-ups it lists) is
taken over after the lease (FOLLOWUP_DISPATCH_LEASE, 30 s here) and sent then. A digest in
flight at the kill (at the sink, unrecorded) goes a second time: no sender can know whether an
SMTP server it lost took the message, and the design sends again rather than lose it
(followups/digest.py; tests/followups/test_digest.py::
test_a_worker_killed_after_sending_duplicates_that_one_digest_only).

Counted at the sink by recipient: sent (distinct people), duplicated, lost; which duplicates
were in flight at a kill; in the database, stuck: a person whose Digest row is not sent, or one
of whose follow-ups is not notified, after the lease and a pass more. Property: lost 0, stuck 0,
duplicated 0 beyond the digests in flight at a kill, and at most one of those per kill.
"""

from __future__ import annotations

import datetime
import signal
import time
from collections import Counter

from bench import common
from bench.faults.context import INTERVAL, LEASE

NAME = "digest-kill"
PEOPLE = 300
FOLLOWUPS = 3
# (kind, share of the people whose digest has reached the sink) of each kill.
KILLS = (("after-send", 1 / PEOPLE), ("before-send", 0.5))
PREFIX = "fault-digest-"
PROPERTY = (
    "worker SIGKILLed 2× mid-digest (after one went, before one went): lost 0, stuck 0, "
    "duplicated 0 but the digest in flight at a kill"
)
# Where the digest may go today: the first of these whose calendar has today as a business day.
COUNTRIES = ("FI", "GB", "US", "JP", "IL")


def business_country(now: datetime.datetime) -> str:
    from followups import policy

    for country in COUNTRIES:
        if policy.is_business_day(now.astimezone(datetime.UTC).date(), country):
            return country
    raise RuntimeError(f"{NAME}: today is a business day in none of {COUNTRIES}")


def run(faults) -> dict:
    from accounts.models import User
    from followups.models import Digest, DigestState, Followup, State

    now = datetime.datetime.now(datetime.UTC)
    ids = faults.due(
        PEOPLE * FOLLOWUPS, prefix=PREFIX, due=now - datetime.timedelta(minutes=1), per_user=3
    )
    people = User.objects.filter(email__startswith=PREFIX, email__endswith="@bench.example")
    # UTC: the local day is the machine's, so the country's calendar above is read for it.
    people.update(
        digest_enabled=True,
        digest_time=datetime.time(0, 0),
        time_zone="UTC",
        country=business_country(now),
    )
    emails = set(people.values_list("email", flat=True))
    owner_ids = list(people.values_list("pk", flat=True))
    assert len(emails) == PEOPLE

    def received() -> Counter:
        return Counter(row["to"] for row in common.read_sink(faults.record) if row["to"] in emails)

    def claimed_digests() -> set[str]:
        """Whose digests this scenario's passes hold claimed and unrecorded (their emails)."""
        owners = Digest.objects.filter(
            owner_id__in=owner_ids, state=DigestState.PENDING, claim_token__isnull=False
        ).values_list("owner__email", flat=True)
        return set(owners)

    stack = faults.stack(NAME)
    worker = stack.start_worker(concurrency=1)
    stack.start_beat()
    common.log(f"{NAME}: {PEOPLE} people on the digest, {len(ids)} follow-ups; lease {LEASE} s")
    started = time.monotonic()

    kills = []
    in_flight: set[str] = set()
    for kind, share in KILLS:
        target = max(1, int(PEOPLE * share))

        def at(kind: str) -> bool:
            """A claimed digest at the sink (after-send) or not yet there (before-send)."""
            claimed = claimed_digests() - in_flight
            arrived = set(received())
            return bool(claimed & arrived if kind == "after-send" else claimed - arrived)

        def ready(target=target, kind=kind, worker=worker) -> bool:
            if len(received()) < target or not at(kind):
                return False
            # The pass may have moved on since: freeze it (SIGSTOP, the whole group), let the
            # sink write what it was given, and look again; kill it there, or let it go on.
            faults.procs.signal(worker, signal.SIGSTOP)
            time.sleep(0.05)
            if at(kind):
                return True
            faults.procs.signal(worker, signal.SIGCONT)
            return False

        if not common.wait_until(ready, 120, 0.01):
            raise RuntimeError(f"{NAME}: no {kind} moment past {target} digests after 120 s")
        faults.procs.kill(worker)
        # Exact now that no pass runs: claimed and at the sink is in flight, the rest unsent.
        claimed = claimed_digests()
        arrived = set(received())
        claimed -= in_flight  # an earlier kill's, still inside its lease
        new_in_flight = claimed & arrived
        in_flight.update(new_in_flight)
        kills.append(
            {
                "kind": kind,
                "sent_before": len(arrived),
                "claims_orphaned": len(claimed),
                "in_flight": len(new_in_flight),
            }
        )
        common.log(f"{NAME}: SIGKILL ({kind}): {kills[-1]}")
        worker = stack.start_worker(concurrency=1)

    def over() -> bool:
        return (
            Digest.objects.filter(owner_id__in=owner_ids, state=DigestState.SENT).count() == PEOPLE
        )

    common.wait_until(over, LEASE + 90, 0.5)
    finished = time.monotonic()
    # Two more passes: a duplicate on its way would have arrived by then.
    time.sleep(2 * INTERVAL)
    stack.stop()

    counts = received()
    digests = Counter(Digest.objects.filter(owner_id__in=owner_ids).values_list("state", flat=True))
    not_sent = PEOPLE - digests[DigestState.SENT]
    waiting_followups = Followup.objects.filter(pk__in=ids).exclude(state=State.NOTIFIED)
    stuck_people = set(waiting_followups.values_list("owner_id", flat=True))
    stuck_people.update(
        Digest.objects.filter(owner_id__in=owner_ids)
        .exclude(state=DigestState.SENT)
        .values_list("owner_id", flat=True)
    )
    figures = {
        "people": PEOPLE,
        "followups": len(ids),
        "sent": len(counts),
        "duplicated": sum(n - 1 for n in counts.values() if n > 1),
        # Duplicates of a digest that was not at the sink when its worker was killed.
        "duplicated_not_in_flight": sum(
            n - 1 for to, n in counts.items() if n > 1 and to not in in_flight
        ),
        "lost": len(emails - set(counts)),
        "stuck": len(stuck_people),
        "digests": dict(digests),
        "digests_not_sent": not_sent,
        "followups_not_notified": waiting_followups.count(),
        # Claimed a second time: the digests of a killed worker, taken over after the lease.
        "taken_over": Digest.objects.filter(owner_id__in=owner_ids, attempts__gt=1).count(),
        "kills": kills,
        "seconds": round(finished - started, 1),
        "lease_s": LEASE,
    }
    mid_digest = all(k["claims_orphaned"] > 0 for k in kills)
    met = (
        figures["lost"] == 0
        and figures["stuck"] == 0
        and figures["duplicated_not_in_flight"] == 0
        and max(counts.values(), default=0) <= 2
        and mid_digest
    )
    return {
        "name": NAME,
        "property": PROPERTY,
        "figures": figures,
        "met": met,
        "summary": f"{PEOPLE} people: sent {figures['sent']}, duplicated "
        f"{figures['duplicated']} (in flight at a kill: {len(in_flight)}), lost "
        f"{figures['lost']}, stuck {figures['stuck']}; kills "
        f"{', '.join(k['kind'] for k in kills)} holding "
        f"{[k['claims_orphaned'] for k in kills]} claims, {figures['taken_over']} taken over",
    }
