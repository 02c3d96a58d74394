"""CSV exports: the applications (one row each) and the full status history (proof of applying).

Rows are produced by generators over `iterator(chunk_size=…)` with prefetching, so a large account
streams in a fixed number of queries per chunk and without holding every row in memory.
"""

from __future__ import annotations

import csv
import datetime
from collections.abc import Iterator
from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from applications.models import Application, EmploymentType, SalaryPeriod, Status, StatusChange

CHUNK = 500
# Excel opens a UTF-8 file as UTF-8 only when it starts with a byte-order mark.
BOM = "\ufeff"
# A cell starting with one of these is a formula to a spreadsheet: prefix it with an apostrophe
# so a company named "=HYPERLINK(…)" stays text. The CSV import strips that apostrophe again.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralize(value: str) -> str:
    if value and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


@dataclass(frozen=True)
class Dialect:
    """How a spreadsheet of one language opens a CSV file in columns.

    Excel splits a CSV on the list separator of the computer's region: a semicolon where the
    decimal separator is a comma (Finland), a comma elsewhere. A Finnish Excel opened Seuranta's
    comma-separated file as one column per row, and read 4200.00 as text.
    """

    key: str
    label: object
    delimiter: str
    decimal: str


DIALECTS = {
    "fi": Dialect("fi", gettext_lazy("Semicolon and decimal comma (Excel in Finnish)"), ";", ","),
    "en": Dialect(
        "en", gettext_lazy("Comma and decimal point (Excel in English, Google Sheets)"), ",", "."
    ),
}


def dialect_for(choice: str | None, language: str | None) -> Dialect:
    """The dialect the person chose, else the one of their language (English for any other)."""
    if choice in DIALECTS:
        return DIALECTS[choice]
    return DIALECTS["fi"] if (language or "")[:2] == "fi" else DIALECTS["en"]


class _Echo:
    """A file-like object whose write() hands the line back, for csv.writer in a generator."""

    def write(self, value: str) -> str:
        return value


def _local_date(value: datetime.datetime | None, tz) -> str:
    return value.astimezone(tz).date().isoformat() if value else ""


def _amount(value, decimal: str = ".") -> str:
    return "" if value is None else f"{value:.2f}".replace(".", decimal)


def application_headers() -> list[str]:
    return [
        _("Company"),
        _("Position"),
        _("Status"),
        _("Status changed on"),
        _("Applied on"),
        _("Location"),
        _("Source"),
        _("Job posting URL"),
        _("Contacts"),
        _("Contact emails"),
        _("Interviews"),
        _("Expected salary"),
        _("Expected salary currency"),
        _("Expected salary period"),
        _("Offered salary"),
        _("Offered salary currency"),
        _("Offered salary period"),
        _("Notes"),
        # Last, after the columns older files have: the posting's own details (issue 13).
        _("Employment type"),
        _("Application deadline"),
        _("Advertised salary from"),
        _("Advertised salary to"),
        _("Advertised salary currency"),
        _("Advertised salary period"),
        _("Description"),
    ]


def _labels(choices) -> dict[str, str]:
    # Translated now, in the request's language: the rows are produced later, while streaming.
    return {value: str(label) for value, label in choices}


def application_rows(user, dialect: Dialect = DIALECTS["en"]) -> Iterator[list[str]]:
    tz = user.tzinfo
    statuses = _labels(Status.choices)
    periods = _labels(SalaryPeriod.choices)
    employment_types = _labels(EmploymentType.choices)
    queryset = (
        Application.objects.owned_by(user)
        .annotate(interview_count=Count("interviews", filter=Q(interviews__cancelled=False)))
        .prefetch_related("contacts")
        .order_by("applied_on", "company", "id")
    )
    return _application_rows(queryset, tz, statuses, periods, employment_types, dialect.decimal)


def _application_rows(
    queryset, tz, statuses, periods, employment_types, decimal
) -> Iterator[list[str]]:
    for app in queryset.iterator(chunk_size=CHUNK):
        contacts = list(app.contacts.all())
        advertised = app.salary_min is not None or app.salary_max is not None
        yield [
            neutralize(app.company),
            neutralize(app.position),
            statuses.get(app.status, app.status),
            _local_date(app.status_changed_at, tz),
            app.applied_on.isoformat() if app.applied_on else "",
            neutralize(app.location),
            neutralize(app.source),
            neutralize(app.posting_url),
            "; ".join(neutralize(c.name) for c in contacts),
            neutralize("; ".join(c.email for c in contacts if c.email)),
            str(app.interview_count),
            _amount(app.expected_salary, decimal),
            app.expected_salary_currency if app.expected_salary is not None else "",
            periods.get(app.expected_salary_period, "") if app.expected_salary is not None else "",
            _amount(app.offered_salary, decimal),
            app.offered_salary_currency if app.offered_salary is not None else "",
            periods.get(app.offered_salary_period, "") if app.offered_salary is not None else "",
            neutralize(app.notes),
            employment_types.get(app.employment_type, ""),
            app.apply_by.isoformat() if app.apply_by else "",
            _amount(app.salary_min, decimal),
            _amount(app.salary_max, decimal),
            app.salary_currency if advertised else "",
            periods.get(app.salary_period, "") if advertised else "",
            neutralize(app.description),
        ]


def history_headers() -> list[str]:
    return [
        _("Company"),
        _("Position"),
        _("Applied on"),
        _("Status"),
        _("Previous status"),
        _("Date"),
        _("Time"),
    ]


def history_rows(user) -> Iterator[list[str]]:
    tz = user.tzinfo
    statuses = _labels(Status.choices)
    queryset = (
        StatusChange.objects.owned_by(user)
        .order_by("changed_at", "id")
        .values_list(
            "application__company",
            "application__position",
            "application__applied_on",
            "status",
            "previous_status",
            "changed_at",
        )
    )
    return _history_rows(queryset, tz, statuses)


def _history_rows(queryset, tz, statuses) -> Iterator[list[str]]:
    for company, position, applied_on, status, previous, changed_at in queryset.iterator(
        chunk_size=CHUNK
    ):
        local = changed_at.astimezone(tz)
        yield [
            neutralize(company),
            neutralize(position),
            applied_on.isoformat() if applied_on else "",
            statuses.get(status, status),
            statuses.get(previous, previous),
            local.date().isoformat(),
            local.strftime("%H:%M"),
        ]


def csv_lines(
    headers: list[str], rows: Iterator[list[str]], dialect: Dialect = DIALECTS["en"]
) -> Iterator[str]:
    writer = csv.writer(_Echo(), delimiter=dialect.delimiter)
    yield BOM + writer.writerow(headers)
    for row in rows:
        yield writer.writerow(row)
