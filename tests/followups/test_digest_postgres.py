"""Concurrent digest passes on PostgreSQL: threads with connections of their own, one digest per
person and day, each follow-up notified once."""

import datetime
import threading
import time
from collections import Counter
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.db import connection, connections

from followups.digest import DigestResult, send_digests
from followups.models import Digest, DigestState, Followup, Kind, State
from tests.factories import UserFactory, followup_of_kind

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

HELSINKI = ZoneInfo("Europe/Helsinki")
# A Tuesday, just past the digest time of 08:00 Helsinki.
NOW = datetime.datetime(2026, 3, 10, 8, 0, tzinfo=HELSINKI)
PEOPLE = 30
PASSES = 4


def people_on_the_digest(count: int) -> list[int]:
    """count people on the digest, each with three follow-ups due that day or before."""
    ids = []
    for i in range(count):
        owner = UserFactory(email=f"digest{i}@example.com", digest_enabled=True)
        for kind, hours in ((Kind.CALL, -20), (Kind.APPLY_BY, -1), (Kind.THANK_YOU, 3)):
            followup = followup_of_kind(
                kind, owner=owner, due_at=NOW + datetime.timedelta(hours=hours)
            )
            ids.append(followup.pk)
    return ids


def in_threads(count: int, work) -> list:
    """Run work() in count threads at once (each with its own database connection)."""
    barrier = threading.Barrier(count)
    results, errors = [], []

    def run():
        try:
            barrier.wait(10)
            results.append(work())
        except Exception as exc:  # reported below, with the thread's own traceback
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors, errors
    return results


def test_four_passes_at_once_send_each_persons_digest_once(mailoutbox):
    ids = people_on_the_digest(PEOPLE)

    results = in_threads(PASSES, lambda: send_digests(now=NOW))

    total = DigestResult(
        **{name: sum(getattr(r, name) for r in results) for name in vars(results[0])}
    )
    print(f"{PASSES} passes: {total}")
    recipients = Counter(m.to[0] for m in mail.outbox)
    assert len(recipients) == PEOPLE
    assert max(recipients.values()) == 1, "a digest was sent twice"
    assert (total.sent, total.listed) == (PEOPLE, 3 * PEOPLE)
    listed = Counter(
        int(pk) for m in mail.outbox for pk in m.extra_headers["X-Seuranta-Followups"].split()
    )
    assert set(listed) == set(ids) and max(listed.values()) == 1
    assert Digest.objects.filter(state=DigestState.SENT).count() == PEOPLE
    assert set(Followup.objects.values_list("state", flat=True)) == {State.NOTIFIED}
    assert not Followup.objects.filter(claim_token__isnull=False).exists()
    assert not Digest.objects.filter(claim_token__isnull=False).exists()


def test_a_pass_that_finds_the_day_being_taken_waits_and_then_leaves_it(mailoutbox):
    """Another pass has inserted the day's digest and not committed yet: this pass's insert
    waits on the unique index, then, the other committed, leaves the day to it."""
    people_on_the_digest(1)
    owner_id = Followup.objects.values_list("owner_id", flat=True).first()
    other = connections.create_connection("default")
    outcome = {}

    def second_pass():
        try:
            outcome["result"] = send_digests(now=NOW)
        finally:
            connection.close()

    try:
        with other.cursor() as cursor:
            cursor.execute("BEGIN")
            cursor.execute(
                "INSERT INTO followups_digest (owner_id, day, state, next_attempt_at, "
                "claimed_until, claim_token, attempts, last_error, item_count, created_at, "
                "updated_at) VALUES (%s, %s, 'pending', %s, %s, gen_random_uuid(), 1, '', 0, "
                "%s, %s)",
                [owner_id, NOW.date(), NOW, NOW + datetime.timedelta(minutes=5), NOW, NOW],
            )
            thread = threading.Thread(target=second_pass)
            thread.start()
            deadline = time.monotonic() + 10
            blocked = False
            while time.monotonic() < deadline and not blocked:
                # The statistics are a snapshot per transaction: take a fresh one each time.
                cursor.execute("SELECT pg_stat_clear_snapshot()")
                cursor.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                    "AND query LIKE 'INSERT INTO \"followups_digest\"%%'"
                )
                blocked = cursor.fetchone()[0] == 1
                time.sleep(0.02)
            assert blocked, "the second pass never waited for the first one's insert"
            cursor.execute("COMMIT")
        thread.join(30)
    finally:
        other.close()

    assert outcome["result"].taken == 1
    assert outcome["result"].sent == 0
    assert mail.outbox == []
    assert set(Followup.objects.values_list("state", flat=True)) == {State.SCHEDULED}
