"""Read-only queries of the list pages: the user's rows, what each row shows, and the orderings.

The filters (applications.filters) narrow these; the views paginate them.
"""

from __future__ import annotations

import datetime

from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Lower
from django.utils import timezone

from applications.models import Application, Contact, Interview, Status

STATUS_ORDER = Case(
    *(When(status=value, then=Value(i)) for i, value in enumerate(Status.values)),
    output_field=IntegerField(),
)
# Sorting of the application list: a whitelist, so the query string never names a column.
APPLICATION_ORDERINGS = {
    "updated": ["-updated_at", "-id"],
    "company": [Lower("company"), Lower("position"), "id"],
    "applied": [F("applied_on").desc(nulls_last=True), "-id"],
    "status": [STATUS_ORDER, "-updated_at", "-id"],
}
DEFAULT_APPLICATION_ORDER = "updated"


def start_of_today() -> datetime.datetime:
    """Midnight of today in the active (the person's) time zone."""
    tz = timezone.get_current_timezone()
    return datetime.datetime.combine(timezone.localdate(timezone=tz), datetime.time.min, tz)


def application_list_queryset(user) -> QuerySet:
    """The user's applications with their interview count and next interview, latest first.

    Subqueries in the same query, so a page costs the same whatever it shows. Not a join with
    COUNT/MIN: grouping made PostgreSQL aggregate every application of the account before the
    LIMIT, and the paginator's count ran the same join; a subquery in the SELECT list runs for
    the 25 rows shown only, and count() leaves it out.
    """
    live = Interview.objects.filter(application=OuterRef("pk"), cancelled=False).order_by()
    # "Next" from the start of the person's today, as on the dashboard: an interview this
    # morning is still today's, and the list then only changes with the data or the day (its
    # rows are cached per day, see application_list.html).
    coming = live.filter(starts_at__gte=start_of_today()).order_by("starts_at")
    return (
        Application.objects.owned_by(user)
        .annotate(
            interview_count=Coalesce(
                Subquery(live.values("application").annotate(n=Count("*")).values("n")), 0
            ),
            next_interview_at=Subquery(coming.values("starts_at")[:1]),
        )
        .order_by(*APPLICATION_ORDERINGS[DEFAULT_APPLICATION_ORDER])
    )


def interview_list_queryset(user) -> QuerySet:
    return (
        Interview.objects.owned_by(user)
        .select_related("application")
        .prefetch_related("interviewers")
    )


def interviews_when(queryset: QuerySet, when: str, now: datetime.datetime) -> QuerySet:
    """ "upcoming" soonest first; "past" and "all" latest first."""
    if when == "upcoming":
        return queryset.filter(starts_at__gte=now).order_by("starts_at", "id")
    if when == "past":
        queryset = queryset.filter(starts_at__lt=now)
    return queryset.order_by("-starts_at", "-id")


def contact_list_queryset(user) -> QuerySet:
    """The user's contacts by name, with how many applications and interviews each is in."""
    return (
        Contact.objects.owned_by(user)
        .annotate(
            application_count=Count("applications", distinct=True),
            interview_count=Count("interviews", distinct=True),
        )
        .order_by(Lower("name"), "id")
    )


def contacts_company_first(owner, company: str) -> QuerySet:
    """The owner's contacts for a picker, the people at `company` first, then by name.

    At the company: the contact's own company, or an application at that company they are
    part of (a recruiter typed in without a company). Ordered here, so the plain <select>
    without JavaScript reads in the same order as the search-as-you-type picker.
    """
    contacts = Contact.objects.owned_by(owner)
    company = company.strip()
    if not company:
        return contacts.order_by("name", "id")
    at_company = Q(company__iexact=company) | Exists(
        Application.contacts.through.objects.filter(
            contact_id=OuterRef("pk"), application__company__iexact=company
        )
    )
    return contacts.annotate(
        elsewhere=Case(When(at_company, then=Value(0)), default=Value(1))
    ).order_by("elsewhere", "name", "id")


def applications_company_first(owner, company: str) -> QuerySet:
    """The owner's applications for a contact's picker, those at `company` first."""
    applications = Application.objects.owned_by(owner)
    company = company.strip()
    if not company:
        return applications.order_by("company", "id")
    return applications.annotate(
        elsewhere=Case(When(company__iexact=company, then=Value(0)), default=Value(1))
    ).order_by("elsewhere", "company", "id")
