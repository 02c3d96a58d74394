"""The board's columns: one per status of the pipeline, the ended statuses folded into one.

Read-only, in a fixed number of queries whatever the size of the account: one for the cards of
every column with each column's total (window functions), one for their next interviews. The
follow-up on each card is drawn by the follow-ups app (followups_tags.board_followups).
"""

from __future__ import annotations

import datetime
import functools
from dataclasses import dataclass, field

from django.db.models import Count, F, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from applications.models import Application, Interview, Status
from applications.queries import start_of_today

# The pipeline, in the order an application moves along it.
PIPELINE = [Status.SAVED, Status.APPLIED, Status.INTERVIEWING, Status.OFFER, Status.ACCEPTED]
# Where an application stops without an offer accepted: one folded column of three lists.
ENDED = [Status.REJECTED, Status.WITHDRAWN, Status.NO_RESPONSE]
# A column shows this many cards, the most recently moved first, and links to the application
# list for the rest: a column of 2 000 cards is no board, and its cost would grow with it.
CARDS_PER_COLUMN = 50
# The ended columns are folded away and seldom looked through: fewer cards each, so that a large
# account's board stays a page a phone loads quickly (each card carries its own move form).
CARDS_PER_ENDED_COLUMN = 10


@dataclass
class Column:
    status: str
    label: str
    total: int = 0
    cards: list[Application] = field(default_factory=list)

    @property
    def more(self) -> int:
        """How many of the column's applications the board leaves to the application list."""
        return self.total - len(self.cards)


def _cards(user) -> list[Application]:
    """The CARDS_PER_COLUMN most recently moved of each status, each with its status's total.

    Window functions, so one query (and one pass over the owner's rows by the (owner, status)
    index) serves every column; Django filters on the row number in an outer query.
    """
    by_status = [F("status")]
    return list(
        Application.objects.owned_by(user)
        # apply_by: a card's apply-by reminder names the deadline (followups/_board_followup.html).
        .only("company", "position", "status", "status_changed_at", "apply_by")
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=by_status,
                order_by=[F("status_changed_at").desc(), F("id").desc()],
            ),
            in_column=Window(Count("*"), partition_by=by_status),
        )
        .filter(rank__lte=CARDS_PER_COLUMN)
        .order_by("-status_changed_at", "-id")
    )


def _next_interviews(cards: list[Application]) -> dict[int, datetime.datetime]:
    """The next live interview of each card's application, from the start of the person's today."""
    rows = (
        Interview.objects.filter(
            application_id__in=[card.pk for card in cards],
            cancelled=False,
            starts_at__gte=start_of_today(),
        )
        .order_by("-starts_at")
        .values_list("application_id", "starts_at")
    )
    # Latest first, so the soonest of each application is written last.
    return dict(rows)


class Board:
    """The board's columns, queried only when the page draws them (not on a cache hit)."""

    def __init__(self, user, today: datetime.date):
        self.user, self.today = user, today

    @functools.cached_property
    def _columns(self) -> dict[str, Column]:
        columns = {status: Column(status, status.label) for status in PIPELINE + ENDED}
        cards = _cards(self.user)
        interviews = _next_interviews(cards) if cards else {}
        for card in cards:
            column = columns[card.status]
            column.total = card.in_column
            if card.status in ENDED and len(column.cards) == CARDS_PER_ENDED_COLUMN:
                continue
            # Days in the column by the person's calendar: moved yesterday evening is 1 day.
            card.days_in_column = (
                self.today - timezone.localtime(card.status_changed_at).date()
            ).days
            card.next_interview_at = interviews.get(card.pk)
            column.cards.append(card)
        return columns

    @property
    def pipeline(self) -> list[Column]:
        return [self._columns[status] for status in PIPELINE]

    @property
    def ended(self) -> list[Column]:
        return [self._columns[status] for status in ENDED]

    @property
    def ended_total(self) -> int:
        return sum(column.total for column in self.ended)

    @property
    def cards(self) -> list[Application]:
        """Every card on the board, for the follow-ups app to look theirs up in one query."""
        return [card for column in self._columns.values() for card in column.cards]

    @property
    def is_empty(self) -> bool:
        return not any(column.total for column in self._columns.values())
