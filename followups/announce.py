"""What the follow-up engine announces, and the delivery apps that subscribe to it.

The engine (followups.dispatch, followups.digest, the dispatch task and Today's queries) imports
no delivery app: a delivery app registers one Subscriber here in its AppConfig.ready(), and the
engine calls every registered one at its moments. So the arrows run from the delivery apps into
the engine, never back (the import-linter contracts in pyproject.toml say so).

The moments, and what each promises:

- a batch of reminders is about to be handled: `prepare(owner_ids)` reads once, for the batch,
  whatever the subscriber needs of those owners (which channels each has on);
- a reminder goes out: `reminder_going_out(followup, not_before=…, prepared=…)`, at the
  reminder's moment and before its email, and again on every retry of the email or takeover of
  a dead worker's claim: the subscriber must make it idempotent (notifications does, with a
  unique constraint), so that each reminder reaches each place once;
- a digest is recorded sent: `digest_going_out(digest, now=…)`, inside the transaction that
  records it, which only the pass holding the digest's claim commits, once;
- after each email pass, the subscriber's own pass: `deliver_due(…)` under the same deadline and
  lease (its result has `claimed` and adds up with `+`), and `has_due(now)`;
- Today asks which places a sent digest did not reach: `undelivered(digest)`, their labels.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable


class Subscriber:
    """One delivery app's part in the engine's work. Every hook does nothing unless overridden."""

    # How the dispatch command names this subscriber's pass in its output ("channels: …").
    name = ""

    def prepare(self, owner_ids: set[int]) -> object:
        return None

    def reminder_going_out(
        self, followup, *, not_before: datetime.datetime, prepared: object
    ) -> None:
        return None

    def digest_going_out(self, digest, *, now: datetime.datetime) -> None:
        return None

    def has_due(self, now: datetime.datetime) -> bool:
        return False

    def deliver_due(
        self, *, batch_size: int, deadline: float | None, lease: datetime.timedelta
    ) -> object | None:
        """This subscriber's delivery pass; None when it has none."""
        return None

    def undelivered(self, digest) -> list[str]:
        return []


_subscribers: list[Subscriber] = []


def subscribe(subscriber: Subscriber) -> None:
    """Register a subscriber (from its app's ready(); a second registration of the same class
    replaces the first, so that a reloaded app is not called twice)."""
    _subscribers[:] = [s for s in _subscribers if type(s) is not type(subscriber)]
    _subscribers.append(subscriber)


def subscribers() -> Iterable[Subscriber]:
    return tuple(_subscribers)


class Batch:
    """The subscribers' view of one batch of reminders, prepared once (one query a kind)."""

    def __init__(self, owner_ids: Iterable[int]):
        ids = set(owner_ids)
        self._prepared = [(s, s.prepare(ids)) for s in subscribers()]

    def reminder_going_out(self, followup, *, not_before: datetime.datetime) -> None:
        for subscriber, prepared in self._prepared:
            subscriber.reminder_going_out(followup, not_before=not_before, prepared=prepared)


def digest_going_out(digest, *, now: datetime.datetime) -> None:
    for subscriber in subscribers():
        subscriber.digest_going_out(digest, now=now)


def has_due(now: datetime.datetime) -> bool:
    return any(subscriber.has_due(now) for subscriber in subscribers())


def deliver_due(
    *, batch_size: int, deadline: float | None, lease: datetime.timedelta
) -> dict[str, object]:
    """Each subscriber's pass: {name: its result}."""
    results = {}
    for subscriber in subscribers():
        result = subscriber.deliver_due(batch_size=batch_size, deadline=deadline, lease=lease)
        if result is not None:
            results[subscriber.name] = result
    return results


def undelivered(digest) -> list[str]:
    return [label for subscriber in subscribers() for label in subscriber.undelivered(digest)]
