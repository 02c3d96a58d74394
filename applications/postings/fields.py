"""A JobPosting's fields, as the new-application form wants them.

Each reader takes what job boards really publish: hiringOrganization as an object, a reference
or a plain name; jobLocation as one Place or several, its address as parts or as text; the
salary as a MonetaryAmount whose value is a number or a QuantitativeValue (one value, or a
minValue–maxValue range) per MONTH, YEAR, WEEK or HOUR; the deadline (validThrough) as a date or
a date-time. What could not be taken over as it stood becomes a note for the person.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from applications.models import DESCRIPTION_MAX, SHORT_MAX, EmploymentType, SalaryPeriod
from applications.postings.schema import Reader
from applications.postings.text import one_line, to_text

# The amounts a salary column holds: 12 digits, 2 of them decimals.
AMOUNT_LIMIT = Decimal(10) ** 10
CENTS = Decimal("0.01")
WEEKS_PER_MONTH = Decimal(52) / Decimal(12)
# Several locations are listed up to this many, then "…".
MAX_PLACES = 3
EMPLOYMENT_TYPES = {
    "FULLTIME": EmploymentType.FULL_TIME,
    "PARTTIME": EmploymentType.PART_TIME,
    "CONTRACTOR": EmploymentType.CONTRACTOR,
    "CONTRACT": EmploymentType.CONTRACTOR,
    "TEMPORARY": EmploymentType.TEMPORARY,
    "TEMP": EmploymentType.TEMPORARY,
    "INTERN": EmploymentType.INTERN,
    "INTERNSHIP": EmploymentType.INTERN,
    "VOLUNTEER": EmploymentType.VOLUNTEER,
    "PERDIEM": EmploymentType.PER_DIEM,
    "OTHER": EmploymentType.OTHER,
}
PERIODS = {
    "MONTH": SalaryPeriod.MONTH,
    "MONTHLY": SalaryPeriod.MONTH,
    "P1M": SalaryPeriod.MONTH,
    "YEAR": SalaryPeriod.YEAR,
    "YEARLY": SalaryPeriod.YEAR,
    "ANNUAL": SalaryPeriod.YEAR,
    "P1Y": SalaryPeriod.YEAR,
}
WEEK_UNITS = {"WEEK", "WEEKLY", "P1W"}


class NoPosting(Exception):
    """Nothing on the page says what the job is: not even a title."""


@dataclass
class Posting:
    """The new-application form's fields, as read from a posting, and notes for the person."""

    posting_url: str = ""
    company: str = ""
    position: str = ""
    location: str = ""
    source: str = ""
    description: str = ""
    employment_type: str = ""
    apply_by: datetime.date | None = None
    salary_min: Decimal | None = None
    salary_max: Decimal | None = None
    salary_currency: str = ""
    salary_period: str = ""
    notes: list[str] = field(default_factory=list)

    def initial(self) -> dict[str, str]:
        """The fields found, as a form's initial values (JSON-safe: dates and amounts as text)."""
        values = {
            name: getattr(self, name)
            for name in (
                "posting_url",
                "company",
                "position",
                "location",
                "source",
                "description",
                "employment_type",
                "salary_currency",
                "salary_period",
            )
        }
        values["apply_by"] = self.apply_by.isoformat() if self.apply_by else ""
        for name in ("salary_min", "salary_max"):
            amount = getattr(self, name)
            values[name] = "" if amount is None else f"{amount:.2f}"
        return {name: value for name, value in values.items() if value}


def short_text(value: str) -> str:
    return one_line(value)[:SHORT_MAX].strip()


# --- The fields ------------------------------------------------------------------------------


def _company(reader: Reader) -> str:
    organization = reader.first(reader.node, "hiringOrganization")
    if isinstance(organization, str):
        return short_text(organization)
    if isinstance(organization, dict):
        return short_text(
            reader.text(organization, "name") or reader.text(organization, "legalName")
        )
    return ""


def _place(reader: Reader, place: Any) -> str:
    if isinstance(place, str):
        return one_line(place)
    address = reader.first(place, "address")
    if isinstance(address, str):
        return one_line(address)
    if not isinstance(address, dict):
        return reader.text(place, "name")
    town = reader.text(address, "addressLocality") or reader.text(address, "addressRegion")
    country = reader.text(address, "addressCountry")
    return ", ".join(one_line(part) for part in (town, country) if part)


def _location(reader: Reader) -> str:
    places = []
    for place in reader.all(reader.node, "jobLocation"):
        text = _place(reader, place)
        if text and text not in places:
            places.append(text)
    if len(places) > MAX_PLACES:
        places = [*places[:MAX_PLACES], "…"]
    remote = any(
        str(kind).upper() == "TELECOMMUTE" for kind in reader.all(reader.node, "jobLocationType")
    )
    if remote:
        places.append(_("Remote"))
    return short_text("; ".join(places))


def _employment_type(reader: Reader) -> str:
    for value in reader.all(reader.node, "employmentType"):
        # "FULL_TIME", "Full-time", "full time" and lists of them, comma-separated ones too.
        for part in str(value).split(","):
            key = re.sub(r"[^A-Z]", "", part.upper())
            if key in EMPLOYMENT_TYPES:
                return EMPLOYMENT_TYPES[key]
    return ""


def _date(value: Any) -> datetime.date | None:
    """The date part as written ("2026-12-15T23:59:00+02:00" is the 15th where it was posted)."""
    match = re.match(r"\s*(\d{4})-(\d{2})-(\d{2})", str(value or ""))
    if not match:
        return None
    try:
        return datetime.date(*(int(part) for part in match.groups()))
    except ValueError:
        return None


def _amount(value: Any) -> Decimal | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        text = str(value)
    else:
        text = re.sub(r"[\s\u00a0\u202f]", "", str(value))
        if "," in text and "." in text:
            text = text.replace(",", "") if text.rfind(".") > text.rfind(",") else text
            text = text.replace(".", "").replace(",", ".") if "," in text else text
        elif "," in text:
            head, _sep, tail = text.rpartition(",")
            text = f"{head.replace(',', '')}{'.' if len(tail) != 3 else ''}{tail}"
    try:
        amount = Decimal(text)
    except InvalidOperation:
        return None
    if not amount.is_finite() or amount < 0 or amount >= AMOUNT_LIMIT:
        return None
    return amount.quantize(CENTS, rounding=ROUND_HALF_UP)


def _salary(reader: Reader, posting: Posting) -> None:
    salary = reader.first(reader.node, "baseSalary") or reader.first(reader.node, "estimatedSalary")
    if salary is None:
        return
    currency = ""
    unit = ""
    if isinstance(salary, dict):
        currency = reader.text(salary, "currency")
        unit = reader.text(salary, "unitText")
        value = reader.first(salary, "value")
    else:
        value = salary
    if isinstance(value, dict):
        unit = reader.text(value, "unitText") or unit
        low = _amount(reader.first(value, "minValue"))
        high = _amount(reader.first(value, "maxValue"))
        exact = _amount(reader.first(value, "value"))
        if low is None and high is None:
            low = high = exact
    else:
        low = high = _amount(value)
    if low is None and high is None:
        return
    if low is not None and high is not None and low > high:
        low, high = high, low
    currency = (currency or reader.text(reader.node, "salaryCurrency")).strip().upper()
    posting.salary_currency = currency if re.fullmatch(r"[A-Z]{3}", currency) else ""
    unit = unit.strip().upper()
    if unit in PERIODS:
        posting.salary_period = PERIODS[unit]
    elif unit in WEEK_UNITS:
        # Weeks convert to months exactly enough (52 weeks in 12 months); the form says so.
        low, high = (
            None if a is None else (a * WEEKS_PER_MONTH).quantize(CENTS, ROUND_HALF_UP)
            for a in (low, high)
        )
        posting.salary_period = SalaryPeriod.MONTH
        posting.notes.append(
            _("The posting gives the salary per week; it was converted to a month (× 52 / 12).")
        )
    elif unit:
        # Per hour or per day depends on the hours worked: no conversion would be right.
        per = {"HOUR": _("per hour"), "DAY": _("per day")}.get(unit) or _("per “%(unit)s”") % {
            "unit": unit.lower()
        }
        posting.notes.append(
            _(
                "The posting gives the salary %(per)s; Seuranta keeps salaries per month or "
                "per year, so the period is left for you to choose or convert."
            )
            % {"per": per}
        )
    posting.salary_min, posting.salary_max = low, high


def set_description(text: str, posting: Posting) -> None:
    text = to_text(text)
    if len(text) > DESCRIPTION_MAX:
        text = text[:DESCRIPTION_MAX].rstrip()
        posting.notes.append(
            _("The description was longer than %(count)s characters and was cut.")
            % {"count": f"{DESCRIPTION_MAX:,}".replace(",", "\u00a0")}
        )
    posting.description = text


def read_posting(node: dict, by_id: dict[str, dict], posting: Posting) -> None:
    reader = Reader(node, by_id)
    posting.position = short_text(reader.text(node, "title") or reader.text(node, "name"))
    posting.company = _company(reader)
    posting.location = _location(reader)
    posting.employment_type = _employment_type(reader)
    posting.apply_by = _date(reader.first(node, "validThrough"))
    _salary(reader, posting)
    description = reader.first(node, "description")
    if isinstance(description, str):
        set_description(description, posting)
    if not posting.company:
        posting.notes.append(_("The posting does not name the employer: fill in the company."))
