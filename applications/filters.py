"""The list pages' filters (django-filter), with the GET parameters the links already use.

A value that is not valid (an unknown status, a sort that is no choice) is shown as an error next
to its field and leaves the list unfiltered by it, never a server error.
"""

from __future__ import annotations

import django_filters
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from applications import queries
from applications.forms import SearchInput
from applications.models import SHORT_MAX, Status

APPLICATION_SORTS = {
    "updated": _("Last updated"),
    "company": _("Company"),
    "applied": _("Date applied"),
    "status": _("Status"),
}
INTERVIEW_WHEN = {"upcoming": _("Upcoming"), "past": _("Past"), "all": _("All")}


def _search(*fields: str):
    """A filter method: any of the fields contains the text, ignoring case."""

    def method(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        if not value:
            return queryset
        condition = Q()
        for field in fields:
            condition |= Q(**{f"{field}__icontains": value})
        return queryset.filter(condition)

    return method


class ApplicationFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="search",
        max_length=SHORT_MAX,
        widget=SearchInput(attrs={"placeholder": _("Company or position")}),
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=Status.choices, empty_label=_("All statuses")
    )
    # No empty choice: the first, "Last updated", is the list's own order.
    sort = django_filters.ChoiceFilter(
        label=_("Sort by"),
        choices=list(APPLICATION_SORTS.items()),
        empty_label=None,
        method="sort_by",
    )

    search = _search("company", "position")

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
