"""The list pages' filters (django-filter), with the GET parameters the links already use.

A value that is not valid (an unknown status, a sort that is no choice) is shown as an error next
to its field and leaves the list unfiltered by it, never a server error.
"""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from applications import queries
from applications.forms import SearchInput
from applications.models import CLOSED_STATUSES, SHORT_MAX, Status
from core.search import search

APPLICATION_SORTS = {
    "updated": _("Last updated"),
    "company": _("Company"),
    "applied": _("Date applied"),
    "status": _("Status"),
}
INTERVIEW_WHEN = {"upcoming": _("Upcoming"), "past": _("Past"), "all": _("All")}


# The statuses "All active" selects: those of applications still in the pipeline.
ACTIVE_STATUSES = [status for status in Status if status not in CLOSED_STATUSES]


def _search(*fields: str):
    """A filter method: each word is in one of the fields, ignoring case and accents."""

    def method(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return search(queryset, value, fields)

    return method


class ApplicationFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="search",
        max_length=SHORT_MAX,
        widget=SearchInput(
            attrs={"placeholder": _("Company, position, place, notes or description")}
        ),
    )
    # Several at once (?status=applied&status=offer); none ticked is all of them.
    status = django_filters.MultipleChoiceFilter(
        label=_("Status"), choices=Status.choices, widget=forms.CheckboxSelectMultiple
    )
    # No empty choice: the first, "Last updated", is the list's own order.
    sort = django_filters.ChoiceFilter(
        label=_("Sort by"),
        choices=list(APPLICATION_SORTS.items()),
        empty_label=None,
        method="sort_by",
    )

    # The description too (a posting's words: "Django", "etätyö"), folded like the rest in the
    # same one expression a row: the number of queries stays the same.
    search = _search("company", "position", "location", "notes", "description")

    def sort_by(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.order_by(*queries.APPLICATION_ORDERINGS[value])

    @property
    def filtered(self) -> bool:
        """Whether the list shows fewer than all: a search or a status is in effect."""
        data = self.form.cleaned_data if self.form.is_valid() else {}
        return bool(data.get("q", "").strip() or data.get("status"))


class InterviewFilter(django_filters.FilterSet):
    when = django_filters.ChoiceFilter(
        label=_("Show"), choices=list(INTERVIEW_WHEN.items()), empty_label=None
    )

    @property
    def when_value(self) -> str:
        """The choice in effect: "upcoming" when none (or no valid one) was given."""
        self.form.is_valid()
        return self.form.cleaned_data.get("when") or "upcoming"

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        # The one filter has a default that filters too ("upcoming"), which a filter's own
        # filter() never sees: django-filter skips empty and invalid values.
        return queries.interviews_when(queryset, self.when_value, timezone.now())


class ContactFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="search",
        max_length=SHORT_MAX,
        widget=SearchInput(attrs={"placeholder": _("Name, company or email")}),
    )

    search = _search("name", "company", "email")

    @property
    def filtered(self) -> bool:
        return bool(self.form.is_valid() and self.form.cleaned_data.get("q", "").strip())
