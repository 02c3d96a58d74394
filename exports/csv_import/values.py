"""Step 3 of the CSV import, one cell at a time: dates, statuses, amounts, currencies, periods."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal, InvalidOperation

from django.utils import translation
from django.utils.translation import gettext as _

from applications.models import Application, EmploymentType, SalaryPeriod, Status
from exports.csv_export import FORMULA_STARTS
from exports.csv_import.mapping import _normalize

_AMOUNT_FIELD = Application._meta.get_field("expected_salary")
# Digits an amount may have before the decimal point: what the column stores.
AMOUNT_WHOLE_DIGITS = _AMOUNT_FIELD.max_digits - _AMOUNT_FIELD.decimal_places
CENTS = Decimal(1).scaleb(-_AMOUNT_FIELD.decimal_places)

CURRENCY_SIGNS = {"€": "EUR", "$": "USD", "£": "GBP", "kr": "SEK"}
PERIOD_WORDS = {
    SalaryPeriod.MONTH: {
        "month",
        "monthly",
        "permonth",
        "mo",
        "kk",
        "kuukausi",
        "kuukaudessa",
        "kuussa",
        "kuukaudelta",
    },
    SalaryPeriod.YEAR: {
        "year",
        "yearly",
        "peryear",
        "annual",
        "annually",
        "vuosi",
        "vuodessa",
        "vuodelta",
        "v",
    },
}


def _clean_text(value: str) -> str:
    value = value.strip()
    # Undo the apostrophe Seuranta's export puts before formula-like text.
    if value.startswith("'") and value[1:].startswith(FORMULA_STARTS):
        return value[1:]
    return value


DATE_FORMATS = ("%Y-%m-%d", "%d.%m.%Y", "%d/%m/%Y", "%d.%m.%y", "%Y/%m/%d")
# 11/20/2026 (a US spreadsheet) or 20/11/2026 (a British one): which part is the day cannot be
# told from one date like 03/04/2026, so the person says it on the mapping page when the file
# does not (slash_date_order).
DAY_FIRST, MONTH_FIRST = "dmy", "mdy"
SLASH_FORMATS = {DAY_FIRST: "%d/%m/%Y", MONTH_FIRST: "%m/%d/%Y"}
_SLASH_DATE = re.compile(r"\s*(\d{1,2})/(\d{1,2})/\d{4}\b")


def parse_date(value: str, order: str = DAY_FIRST) -> datetime.date:
    """ISO (2026-11-20), Finnish (20.11.2026) or slashed in the given order (20/11/2026)."""
    text = value.strip().split(" ")[0].split("T")[0]
    slash = SLASH_FORMATS.get(order, SLASH_FORMATS[DAY_FIRST])
    for fmt in (*(f for f in DATE_FORMATS if f != "%d/%m/%Y"), slash):
        try:
            return datetime.datetime.strptime(text, fmt).date()  # noqa: DTZ007 (a date, no zone)
        except ValueError:
            continue
    raise ValueError(
        _("“%(value)s” is not a date: use YYYY-MM-DD or DD.MM.YYYY.") % {"value": value}
    )


def slash_date_order(rows: list[list[str]]) -> tuple[bool, str | None]:
    """Whether the file has dates like 03/04/2026, and their order if the file tells it.

    A first part above 12 can only be a day (20/11/2026), a second one only a day (11/20/2026).
    Without such a date, or with both kinds, the order is None: the person is asked.
    """
    seen = False
    orders = set()
    for row in rows:
        for cell in row:
            match = _SLASH_DATE.match(cell)
            if not match:
                continue
            seen = True
            first, second = int(match.group(1)), int(match.group(2))
            if first > 12 >= second:
                orders.add(DAY_FIRST)
            elif second > 12 >= first:
                orders.add(MONTH_FIRST)
    return seen, (orders.pop() if len(orders) == 1 else None)


# Words people write in a status column besides the labels (which are translated anyway): the
# import must understand a Finnish spreadsheet whatever catalogue is installed.
STATUS_WORDS = {
    Status.SAVED: ("tallennettu", "kiinnostava", "bookmarked", "wishlist"),
    Status.APPLIED: ("haettu", "hakemus lähetetty", "lähetetty", "sent", "submitted"),
    Status.INTERVIEWING: ("haastattelu", "haastatteluvaiheessa", "haastateltu", "interview"),
    Status.OFFER: ("tarjous", "työtarjous", "offered"),
    Status.ACCEPTED: ("hyväksytty", "otettu vastaan", "vastaanotettu", "hired"),
    Status.REJECTED: ("hylätty", "ei valittu", "kielteinen", "declined"),
    Status.WITHDRAWN: ("peruttu", "vetäydytty", "vedetty pois", "cancelled"),
    Status.NO_RESPONSE: ("ei vastausta", "ghosted", "no answer"),
}


def _status_names() -> dict[str, str]:
    names: dict[str, str] = {
        _normalize(word): status for status, words in STATUS_WORDS.items() for word in words
    }
    for language in ("en", "fi"):
        with translation.override(language):
            for value, label in Status.choices:
                names[_normalize(str(label))] = value
    for value in Status.values:
        names[_normalize(value)] = value
    return names


def parse_status(value: str, names: dict[str, str]) -> str:
    found = names.get(_normalize(value))
    if found is None:
        allowed = ", ".join(str(label) for _value, label in Status.choices)
        raise ValueError(
            _("“%(value)s” is not a status. Use one of: %(allowed)s.")
            % {"value": value, "allowed": allowed}
        )
    return found


def parse_amount(value: str) -> tuple[Decimal, str]:
    """An amount like "2 600", "2600,50", "2.600,50 €" or "$85,000", and its currency if given."""
    text = value.strip()
    currency = ""
    for sign, code in CURRENCY_SIGNS.items():
        if sign in text:
            currency, text = code, text.replace(sign, "")
    match = re.search(r"\b([A-Za-z]{3})\b", text)
    if match:
        currency, text = match.group(1).upper(), text.replace(match.group(0), "")
    text = re.sub(r"[\s\u00a0\u202f']", "", text)
    if "," in text and "." in text:
        # The later one is the decimal separator.
        if text.rfind(",") > text.rfind("."):
            text = text.replace(".", "").replace(",", ".")
        else:
            text = text.replace(",", "")
    elif "," in text:
        head, _sep, tail = text.rpartition(",")
        text = f"{head.replace(',', '')}{'.' if len(tail) != 3 else ''}{tail}"
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise ValueError(_("“%(value)s” is not an amount.") % {"value": value}) from None
    if not amount.is_finite():  # NaN, sNaN, Infinity
        raise ValueError(_("“%(value)s” is not an amount.") % {"value": value})
    # Checked before any arithmetic: rounding 1e30 or 9e999999 to cents needs more digits than
    # Decimal's context has, and raised InvalidOperation (a 500) instead of saying so.
    if not amount.is_zero() and amount.adjusted() >= AMOUNT_WHOLE_DIGITS:
        raise ValueError(
            _(
                "“%(value)s” is too large: an amount has at most %(digits)d digits before the "
                "decimal point."
            )
            % {"value": value, "digits": AMOUNT_WHOLE_DIGITS}
        )
    return amount.quantize(CENTS), currency


def parse_currency(value: str) -> str:
    text = value.strip()
    if text in CURRENCY_SIGNS:
        return CURRENCY_SIGNS[text]
    if re.fullmatch(r"[A-Za-z]{3}", text):
        return text.upper()
    raise ValueError(_("“%(value)s” is not a currency code such as EUR.") % {"value": value})


def parse_period(value: str) -> str:
    word = _normalize(value)
    for period, words in PERIOD_WORDS.items():
        if word in words or word == _normalize(str(period.label)):
            return period
    with translation.override("fi"):
        for period in SalaryPeriod:
            if word == _normalize(str(period.label)):
                return period
    raise ValueError(_("“%(value)s” is not a salary period: use month or year.") % {"value": value})


# The schema.org words job boards use, besides the labels in either language.
EMPLOYMENT_WORDS = {
    EmploymentType.FULL_TIME: ("fulltime", "kokoaikatyö"),
    EmploymentType.PART_TIME: ("parttime", "osaaikatyö"),
    EmploymentType.CONTRACTOR: ("contract", "freelance", "toimeksiantosopimus"),
    EmploymentType.TEMPORARY: ("temp", "määräaikainentyö"),
    EmploymentType.INTERN: ("intern", "harjoittelija", "trainee"),
    EmploymentType.VOLUNTEER: ("vapaaehtoinen",),
    EmploymentType.PER_DIEM: ("perdiem", "keikka"),
    EmploymentType.OTHER: (),
}


def parse_employment_type(value: str) -> str:
    word = _normalize(value)
    names = {
        _normalize(alias): kind for kind, aliases in EMPLOYMENT_WORDS.items() for alias in aliases
    }
    for kind in EmploymentType:
        names[_normalize(kind.value)] = kind
        for language in ("en", "fi"):
            with translation.override(language):
                names[_normalize(str(kind.label))] = kind
    if word in names:
        return names[word]
    allowed = ", ".join(str(label) for _value, label in EmploymentType.choices)
    raise ValueError(
        _("“%(value)s” is not an employment type. Use one of: %(allowed)s.")
        % {"value": value, "allowed": allowed}
    )
