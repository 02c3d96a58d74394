"""Checks of values that come from users: ids in requests, phone numbers and years.

Forms, the importers and the views share these, so that a value refused in one place is refused
in every other.
"""

import datetime
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

PHONE_RE = re.compile(r"^[0-9+()./\- ]+$")
# Dates outside these years are typing mistakes, and some of them cannot be stored as UTC.
EARLIEST_YEAR, LATEST_YEAR = 1970, 2100
# The largest id a database column holds (a signed 64-bit integer): a larger number in a request
# must be refused before it reaches a query, where SQLite raises OverflowError.
MAX_ID = 2**63 - 1


def is_id(value) -> bool:
    """Whether a request value is a database id: ASCII digits only, from 1 to MAX_ID."""
    text = str(value)
    return text.isascii() and text.isdigit() and len(text) <= 19 and 0 < int(text) <= MAX_ID


def validate_phone(value: str) -> None:
    if value and not PHONE_RE.match(value):
        raise ValidationError(
            _("Enter a phone number using digits, spaces and + ( ) - . / only."), code="phone"
        )


def validate_year(value: datetime.date | datetime.datetime | None) -> None:
    if value is not None and not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
        raise ValidationError(
            _("Enter a date between the years %(first)s and %(last)s."),
            code="year",
            params={"first": EARLIEST_YEAR, "last": LATEST_YEAR},
        )
