"""Steps 3 and 4 of the CSV import: check_rows converts and validates; import_rows writes."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.models import FINAL_OUTCOME_STATUSES, Application, Status
from applications.services import applications_create, contacts_find_or_create
from core.validators import validate_year
from exports.csv_import.mapping import (
    AMOUNT_CURRENCIES,
    AMOUNT_FIELDS,
    CURRENCY_FIELDS,
    DATE_FIELDS,
    NON_MODEL_FIELDS,
    PERIOD_FIELDS,
    TARGETS,
)
from exports.csv_import.values import (
    DAY_FIRST,
    _clean_text,
    _status_names,
    parse_amount,
    parse_currency,
    parse_date,
    parse_employment_type,
    parse_period,
    parse_status,
)
from exports.problems import ImportRefused, Problem, problems_from
from exports.progress import Phase


@dataclass
class CheckedRow:
    row: int
    values: dict[str, Any]
    contacts: list[tuple[str, str]] = field(default_factory=list)
    duplicate: bool = False


@dataclass
class CheckResult:
    rows: list[CheckedRow]
    problems: list[Problem]

    @property
    def new_rows(self) -> list[CheckedRow]:
        return [r for r in self.rows if not r.duplicate]


def _split(value: str) -> list[str]:
    return [part.strip() for part in re.split(r"[;\n]", value) if part.strip()]


def _convert(
    cells: dict[str, str],
    row_no: int,
    columns: dict[str, str],
    statuses: dict[str, str],
    date_order: str = DAY_FIRST,
) -> tuple[dict[str, Any], list[tuple[str, str]], list[Problem]]:
    values: dict[str, Any] = {}
    problems: list[Problem] = []
    row = str(row_no)
    for key, raw in cells.items():
        text = _clean_text(raw)
        if not text:
            continue
        try:
            if key in DATE_FIELDS:
                values[key] = parse_date(text, date_order)
                validate_year(values[key])
            elif key in AMOUNT_FIELDS:
                amount, currency = parse_amount(text)
                values[key] = amount
                currency_key = AMOUNT_CURRENCIES[key]
                if currency and not cells.get(currency_key, "").strip():
                    values[currency_key] = currency
            elif key in CURRENCY_FIELDS:
                values[key] = parse_currency(text)
            elif key in PERIOD_FIELDS:
                values[key] = parse_period(text)
            elif key == "status":
                values[key] = parse_status(text, statuses)
            elif key == "employment_type":
                values[key] = parse_employment_type(text)
            else:
                values[key] = text
        except ValueError as error:
            problems.append(Problem(row, columns[key], str(error)))
        except ValidationError as error:
            problems.extend(Problem(row, columns[key], message) for message in error.messages)
    for key in ("company", "position"):
        if not values.get(key):
            column = columns.get(key) or str(next(t.label for t in TARGETS if t.key == key))
            problems.append(Problem(row, column, _("This column must not be empty.")))
    names = _split(values.pop("contact_names", ""))
    emails = _split(values.pop("contact_emails", ""))
    contacts = [
        (names[i] if i < len(names) else "", emails[i] if i < len(emails) else "")
        for i in range(max(len(names), len(emails)))
    ]
    contacts = [(name or email, email) for name, email in contacts]
    return values, contacts, problems


def _validate(values: dict[str, Any], row_no: int, columns: dict[str, str], user) -> list[Problem]:
    app = Application(owner=user, **_model_values(values))
    try:
        # No unique or constraint checks: each would be a query per row.
        app.full_clean(exclude=["owner"], validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        return list(problems_from(error, str(row_no), columns))
    low, high = values.get("salary_min"), values.get("salary_max")
    if low is not None and high is not None and low > high:
        return [
            Problem(
                str(row_no),
                columns.get("salary_max", ""),
                _("The upper end of the range cannot be below its lower end."),
            )
        ]
    return list(_status_date_problems(values, row_no, columns, user))


def _model_values(values: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in values.items() if key not in NON_MODEL_FIELDS}


def _status_date_problems(values: dict[str, Any], row_no: int, columns: dict[str, str], user):
    changed_on = values.get("status_changed_on")
    if changed_on is None:
        return
    applied_on = values.get("applied_on")
    column = columns.get("status_changed_on", "")
    if applied_on is not None and changed_on < applied_on:
        yield Problem(
            str(row_no), column, _("The status cannot have changed before the date applied.")
        )
    if changed_on > timezone.localdate(timezone=user.tzinfo):
        yield Problem(str(row_no), column, _("The status cannot have changed on a future date."))


# Statuses whose date is the date applied when the file gives none: the status "applied" was
# reached then, and an outcome at least no later than now. Without a date an old rejection
# would count as decided today, and the follow-ups would ask for feedback tomorrow.
STATUS_DATE_FROM_APPLIED_ON = FINAL_OUTCOME_STATUSES | {Status.APPLIED}


def status_changed_at(
    values: dict[str, Any], changed_on: datetime.date | None, user, now: datetime.datetime
) -> datetime.datetime | None:
    """When an imported application reached its status: noon of that day, the user's time."""
    if changed_on is None and values.get("status") in STATUS_DATE_FROM_APPLIED_ON:
        changed_on = values.get("applied_on")
    if changed_on is None:
        return None
    moment = datetime.datetime.combine(changed_on, datetime.time(12), tzinfo=user.tzinfo)
    return min(moment, now)


def _contact_problems(contacts: list[tuple[str, str]], row_no: int, columns: dict[str, str]):
    from django.core.validators import validate_email

    for name, email in contacts:
        if email:
            try:
                validate_email(email)
            except ValidationError:
                yield Problem(
                    str(row_no),
                    columns.get("contact_emails", ""),
                    _("“%(value)s” is not an email address.") % {"value": email},
                )
        if len(name) > 200:
            yield Problem(
                str(row_no),
                columns.get("contact_names", ""),
                _("A name is longer than 200 characters."),
            )


def _key(values: dict[str, Any]) -> tuple[str, str, datetime.date | None]:
    return (
        str(values.get("company", "")).casefold(),
        str(values.get("position", "")).casefold(),
        values.get("applied_on"),
    )


def check_rows(
    *,
    user,
    headers: list[str],
    rows: list[list[str]],
    mapping: dict[str, int | None],
    date_order: str = DAY_FIRST,
) -> CheckResult:
    """Convert and validate every row; nothing is written."""
    columns = {key: headers[index] for key, index in mapping.items() if index is not None}
    for target in TARGETS:
        if target.required and mapping.get(target.key) is None:
            return CheckResult(
                rows=[],
                problems=[
                    Problem("", str(target.label), _("Choose the column that holds this field."))
                ],
            )
    statuses = _status_names()
    existing = {
        (company.casefold(), position.casefold(), applied_on)
        for company, position, applied_on in Application.objects.owned_by(user).values_list(
            "company", "position", "applied_on"
        )
    }
    checked: list[CheckedRow] = []
    problems: list[Problem] = []
    for offset, row in enumerate(rows):
        if not any(cell.strip() for cell in row):
            continue
        row_no = offset + 2
        cells = {
            key: (row[index] if index < len(row) else "")
            for key, index in mapping.items()
            if index is not None
        }
        values, contacts, row_problems = _convert(cells, row_no, columns, statuses, date_order)
        if not row_problems:
            row_problems = _validate(values, row_no, columns, user)
        row_problems += list(_contact_problems(contacts, row_no, columns))
        problems += row_problems
        if row_problems:
            continue
        key = _key(values)
        checked.append(
            CheckedRow(row=row_no, values=values, contacts=contacts, duplicate=key in existing)
        )
        existing.add(key)
    return CheckResult(rows=checked, problems=problems)


# Rows written (and their follow-ups synced) per step of the progress bar.
WRITE_CHUNK = 1000


def import_rows(
    *,
    user,
    headers: list[str],
    rows: list[list[str]],
    mapping: dict[str, int | None],
    report=None,
    date_order: str = DAY_FIRST,
    before_commit=None,
) -> int:
    """Create the applications of a file, all or nothing. Returns how many were created.

    Every row is checked first; then the rows are written in bulk through the services
    (contacts_find_or_create, applications_create), a chunk at a time, in one transaction.
    `before_commit`, if given, is called with that count as the last step of the transaction
    (json_import.import_account says why).
    """
    report = report or (lambda phase, done, total: None)
    report(Phase.CHECKING, 0, len(rows))
    result = check_rows(
        user=user, headers=headers, rows=rows, mapping=mapping, date_order=date_order
    )
    if result.problems:
        raise ImportRefused(result.problems)
    new_rows = result.new_rows
    now = timezone.now()
    with transaction.atomic():
        people = [
            {"name": name, "email": email, "company": str(checked.values.get("company", ""))}
            for checked in new_rows
            for name, email in checked.contacts
        ]
        found = iter(contacts_find_or_create(owner=user, people=people))
        entries = []
        for checked in new_rows:
            contacts = [next(found)[0] for _contact in checked.contacts]
            values = {"status": Status.APPLIED, **checked.values}
            changed_on = values.pop("status_changed_on", None)
            application = Application(
                owner=user,
                status_changed_at=status_changed_at(values, changed_on, user, now) or now,
                **values,
            )
            entries.append((application, contacts))
        report(Phase.SAVING, 0, len(entries))
        for start in range(0, len(entries), WRITE_CHUNK):
            applications_create(entries=entries[start : start + WRITE_CHUNK], now=now)
            report(Phase.SAVING, min(start + WRITE_CHUNK, len(entries)), len(entries))
        if before_commit is not None:
            before_commit(len(entries))
    return len(entries)
