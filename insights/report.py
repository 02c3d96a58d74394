"""The job-search report: the applications of one review period, as the employment services ask.

One list of rows feeds the page (printable, one period per page), the CSV and the PDF, so the
three always agree. Only the person's own applications that count (followups.obligation)
appear, oldest first.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from dataclasses import dataclass

from django.utils.translation import pgettext

from applications.models import Status
from exports.csv_export import neutralize
from followups import obligation


@dataclass(frozen=True)
class Row:
    employer: str
    job_title: str
    applied_on: datetime.date
    how_applied: str
    where: str
    status: str
    status_on: datetime.date


def headers() -> list[str]:
    """The column headings. In Finnish, the words of the employment services' own forms."""
    return [
        pgettext("job-search report", "Employer"),
        pgettext("job-search report", "Job title"),
        pgettext("job-search report", "Date applied"),
        pgettext("job-search report", "How applied"),
        pgettext("job-search report", "Where (job posting)"),
        pgettext("job-search report", "Status"),
        pgettext("job-search report", "Status date"),
    ]


def rows(user, period: obligation.Period) -> list[Row]:
    statuses = dict(Status.choices)
    tz = user.tzinfo
    queryset = obligation.counting_applications(user, period).order_by(
        "applied_on", "company", "id"
    )
    return [
        Row(
            employer=app.company,
            job_title=app.position,
            applied_on=app.applied_on,
            how_applied=app.source,
            where=app.posting_url,
            status=str(statuses.get(app.status, app.status)),
            status_on=app.status_changed_at.astimezone(tz).date(),
        )
        for app in queryset
    ]


def csv_rows(report_rows: list[Row]) -> Iterator[list[str]]:
    for row in report_rows:
        yield [
            neutralize(row.employer),
            neutralize(row.job_title),
            row.applied_on.isoformat(),
            neutralize(row.how_applied),
            neutralize(row.where),
            row.status,
            row.status_on.isoformat(),
        ]
