"""The board's columns: one per status of the pipeline, the ended statuses folded into one.

Read-only, in a fixed number of queries whatever the size of the account: one per column for
its newest cards (an index walk that stops at the column's limit), one for every column's total,
one for the cards' next interviews. The follow-up on each card is drawn by the follow-ups app
(followups_tags.board_followups).

What every card shares is made once per page, not once per card: a board of 280 cards drew
each card's eight-option status select and reversed its two URLs card by card, most of the
page's cold render (issue 20).
"""

from __future__ import annotations

import datetime
import functools
from dataclasses import dataclass, field

from django.db.models import Count
from django.template.loader import render_to_string
from django.urls import reverse
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
    """The newest cards of each column (most recently moved first), column by column.

    One query per status, each walking the (owner, status, status_changed_at, id) index
    backwards and stopping at the column's limit. One query with a row number per status
    (a window) read and sorted all of the owner's rows to rank them: 10 000 for 280 cards.
    """
    cards = []
    for status in PIPELINE + ENDED:
        limit = CARDS_PER_ENDED_COLUMN if status in ENDED else CARDS_PER_COLUMN
        cards += (
            Application.objects.owned_by(user)
            .filter(status=status)
            # apply_by: a card's apply-by reminder names the deadline
            # (followups/_board_followup.html).
            .only("company", "position", "status", "status_changed_at", "apply_by")
            .order_by("-status_changed_at", "-id")[:limit]
        )
    return cards


def _totals(user) -> dict[str, int]:
    """How many applications each status has (an index-only count over (owner, status))."""
    rows = Application.objects.owned_by(user).values_list("status").annotate(n=Count("pk"))
    return dict(rows.order_by())


def _url_maker(name: str):
    """pk -> the URL `name` takes for it, reversed once: reverse() per card was a tenth of the
    board's cold render."""
    placeholder = "2147483647"
    prefix, suffix = reverse(name, args=[placeholder]).split(placeholder)
    return lambda pk: f"{prefix}{pk}{suffix}"


def _status_options() -> dict[str, str]:
    """Each status's <option>s for a card's select, that status selected: eight small renders per
    page instead of eight options per card."""
    return {
        status: render_to_string(
            "applications/_board_status_options.html",
            {"statuses": Status.choices, "selected": status},
        )
        for status in Status.values
    }


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
        for status, total in _totals(self.user).items():
            if status in columns:
                columns[status].total = total
        interviews = _next_interviews(cards) if cards else {}
        detail_url = _url_maker("applications:application_detail")
        move_url = _url_maker("applications:board_move")
        options = _status_options()
        for card in cards:
            # Days in the column by the person's calendar: moved yesterday evening is 1 day.
            card.days_in_column = (
                self.today - timezone.localtime(card.status_changed_at).date()
            ).days
            card.next_interview_at = interviews.get(card.pk)
            card.url, card.move_url = detail_url(card.pk), move_url(card.pk)
            card.status_options = options[card.status]
            columns[card.status].cards.append(card)
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
