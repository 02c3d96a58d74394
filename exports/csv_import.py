"""CSV import of applications: read any spreadsheet's CSV, map its columns, check, then import.

The steps (the views keep the decoded text in the session between them):
1. `read_upload`: size limit, encoding (UTF-8 with or without BOM, else cp1252, else latin-1),
   delimiter (comma, semicolon or tab: csv.Sniffer, else the most frequent in the first line),
   row limit.
2. `guess_mapping`: a file column for each target field, by header name in English or Finnish.
3. `check_rows`: every row converted and validated; each problem with its row and column.
4. `import_rows`: all or nothing, through application_create so each application gets its
   timeline and follow-ups like one made in the browser. Rows matching an application already in
   the account (company + position + date applied) are skipped, so a second import of the same
   file adds nothing.

Row numbers are those a spreadsheet shows: row 1 is the headers, row 2 the first application.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from applications.models import Application, SalaryPeriod, Status
from applications.services import application_create, contact_find_or_create
from exports.csv_export import FORMULA_STARTS
from exports.problems import ImportRefused, Problem, problems_from

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5000
DELIMITERS = ",;\t"


@dataclass(frozen=True)
class Target:
    key: str
    label: Any
    aliases: tuple[str, ...]
    required: bool = False


# Aliases are compared after _normalize (lower case, letters and digits only), in English and
# Finnish, and include the column names of Seuranta's own CSV export.
TARGETS = [
    Target(
        "company",
        gettext_lazy("Company"),
        (
            "company",
            "employer",
            "organisation",
            "organization",
            "yritys",
            "työnantaja",
            "organisaatio",
            "firma",
        ),
        required=True,
    ),
    Target(
        "position",
        gettext_lazy("Position"),
        (
            "position",
            "jobtitle",
            "title",
            "job",
            "role",
            "tehtävä",
            "työtehtävä",
            "nimike",
            "tehtävänimike",
            "paikka",
        ),
        required=True,
    ),
    Target("status", gettext_lazy("Status"), ("status", "state", "stage", "tila", "vaihe")),
    Target(
        "applied_on",
        gettext_lazy("Applied on"),
        (
            "appliedon",
            "applied",
            "dateapplied",
            "applicationdate",
            "haettu",
            "hakupäivä",
            "haettupäivä",
            "hakupäivämäärä",
            "date",
            "päivämäärä",
        ),
    ),
    Target(
        "location",
        gettext_lazy("Location"),
        ("location", "city", "place", "sijainti", "paikkakunta", "kaupunki"),
    ),
    Target("source", gettext_lazy("Source"), ("source", "foundvia", "channel", "lähde", "kanava")),
    Target(
        "posting_url",
        gettext_lazy("Job posting URL"),
        (
            "jobpostingurl",
            "url",
            "link",
            "postingurl",
            "posting",
            "linkki",
            "ilmoitus",
            "työpaikkailmoitus",
            "ilmoituksenosoite",
        ),
    ),
    Target(
        "decision_expected_on",
        gettext_lazy("Decision expected by"),
        (
            "decisionexpectedby",
            "decisionexpected",
            "decisionby",
            "päätös",
            "päätösmennessä",
            "päätösviimeistään",
        ),
    ),
    Target(
        "expected_salary",
        gettext_lazy("Expected salary"),
        ("expectedsalary", "salaryexpectation", "palkkatoive", "toivottupalkka"),
    ),
    Target(
        "expected_salary_currency",
        gettext_lazy("Expected salary currency"),
        ("expectedsalarycurrency", "palkkatoiveenvaluutta"),
    ),
    Target(
        "expected_salary_period",
        gettext_lazy("Expected salary period"),
        ("expectedsalaryperiod", "palkkatoiveenjakso"),
    ),
    Target(
        "offered_salary",
        gettext_lazy("Offered salary"),
        ("offeredsalary", "palkkatarjous", "tarjottupalkka"),
    ),
    Target(
        "offered_salary_currency",
        gettext_lazy("Offered salary currency"),
        ("offeredsalarycurrency", "tarjotunpalkanvaluutta"),
    ),
    Target(
        "offered_salary_period",
        gettext_lazy("Offered salary period"),
        ("offeredsalaryperiod", "tarjotunpalkanjakso"),
    ),
    Target(
        "notes",
        gettext_lazy("Notes"),
        ("notes", "note", "comments", "comment", "muistiinpanot", "huomiot", "lisätiedot"),
    ),
    Target(
        "contact_names",
        gettext_lazy("Contacts"),
        ("contacts", "contact", "contactname", "contactnames", "yhteyshenkilö", "yhteyshenkilöt"),
    ),
    Target(
        "contact_emails",
        gettext_lazy("Contact emails"),
        (
            "contactemails",
            "contactemail",
            "email",
            "emails",
            "sähköposti",
            "yhteyshenkilönsähköposti",
            "yhteyshenkilöidensähköpostit",
        ),
    ),
]
TARGET_KEYS = [t.key for t in TARGETS]
DATE_FIELDS = {"applied_on", "decision_expected_on"}
AMOUNT_FIELDS = {"expected_salary", "offered_salary"}
CURRENCY_FIELDS = {"expected_salary_currency", "offered_salary_currency"}
PERIOD_FIELDS = {"expected_salary_period", "offered_salary_period"}
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


class UploadRefused(Exception):
    """The upload cannot be read at all; the message is for the user."""


@dataclass
class Upload:
    name: str
    text: str
    encoding: str
    delimiter: str

    def as_session(self) -> dict[str, str]:
        return {
            "name": self.name,
            "text": self.text,
            "encoding": self.encoding,
            "delimiter": self.delimiter,
        }

    @classmethod
    def from_session(cls, data: dict[str, str]) -> Upload:
        return cls(**data)

    def table(self) -> tuple[list[str], list[list[str]]]:
        return read_table(self.text, self.delimiter)


def decode(raw: bytes) -> tuple[str, str]:
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8", errors="strict"), "utf-8-sig"
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        # Excel on Windows saves "CSV" in the ANSI code page.
        return raw.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        return raw.decode("latin-1"), "latin-1"


def sniff_delimiter(text: str) -> str:
    sample = text[:8192]
    try:
        return csv.Sniffer().sniff(sample, delimiters=DELIMITERS).delimiter
    except csv.Error:
        first_line = sample.splitlines()[0] if sample else ""
        counts = {d: first_line.count(d) for d in DELIMITERS}
        best = max(counts, key=lambda d: counts[d])
        return best if counts[best] else ","


def read_table(text: str, delimiter: str) -> tuple[list[str], list[list[str]]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows = list(reader)
    if not rows:
        return [], []
    headers = [h.strip() for h in rows[0]]
    return headers, rows[1:]


def too_big() -> UploadRefused:
    return UploadRefused(
        _("The file is too big: at most %(mb)d MB and %(rows)d rows can be imported at once.")
        % {"mb": MAX_BYTES >> 20, "rows": MAX_ROWS}
    )


def read_upload(name: str, raw: bytes) -> Upload:
    if len(raw) > MAX_BYTES:
        raise too_big()
    text, encoding = decode(raw)
    if "\x00" in text:
        raise UploadRefused(_("This does not look like a CSV file. Save it as CSV and try again."))
    delimiter = sniff_delimiter(text)
    try:
        headers, rows = read_table(text, delimiter)
    except csv.Error as error:
        raise UploadRefused(_("The file could not be read as CSV: %(e)s") % {"e": error}) from None
    if not any(headers):
        raise UploadRefused(_("The file is empty or has no header row."))
    if len(rows) > MAX_ROWS:
        raise UploadRefused(
            _(
                "The file has %(count)d rows; at most %(rows)d can be imported at once. "
                "Split it and import each part."
            )
            % {"count": len(rows), "rows": MAX_ROWS}
        )
    return Upload(name=name, text=text, encoding=encoding, delimiter=delimiter)


def _normalize(name: str) -> str:
    return re.sub(r"[\W_]+", "", name.casefold())


def guess_mapping(headers: list[str]) -> dict[str, int | None]:
    """For each target field, the index of the column that most likely holds it, or None."""
    normalized = [_normalize(h) for h in headers]
    used: set[int] = set()
    mapping: dict[str, int | None] = {}
    for target in TARGETS:
        names = {_normalize(str(target.label)), *target.aliases}
        mapping[target.key] = None
        for index, header in enumerate(normalized):
            if index not in used and header in names:
                mapping[target.key] = index
                used.add(index)
                break
    return mapping


# --- Values --------------------------------------------------------------------------------------


def _clean_text(value: str) -> str:
    value = value.strip()
    # Undo the apostrophe Seuranta's export puts before formula-like text.
    if value.startswith("'") and value[1:].startswith(FORMULA_STARTS):
        return value[1:]
    return value


DATE_FORMATS = ("%Y-%m-%d", "%d.%m.%Y", "%d/%m/%Y", "%d.%m.%y", "%Y/%m/%d")


def parse_date(value: str) -> datetime.date:
    text = value.strip().split(" ")[0].split("T")[0]
    for fmt in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(text, fmt).date()  # noqa: DTZ007 (a date, no zone)
        except ValueError:
            continue
    raise ValueError(
        _("“%(value)s” is not a date: use YYYY-MM-DD or DD.MM.YYYY.") % {"value": value}
    )


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
    if not amount.is_finite():
        raise ValueError(_("“%(value)s” is not an amount.") % {"value": value})
    return amount.quantize(Decimal("0.01")), currency


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


# --- Rows ----------------------------------------------------------------------------------------


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
    cells: dict[str, str], row_no: int, columns: dict[str, str], statuses: dict[str, str]
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
                values[key] = parse_date(text)
            elif key in AMOUNT_FIELDS:
                amount, currency = parse_amount(text)
                values[key] = amount
                if currency and not cells.get(f"{key}_currency", "").strip():
                    values[f"{key}_currency"] = currency
            elif key in CURRENCY_FIELDS:
                values[key] = parse_currency(text)
            elif key in PERIOD_FIELDS:
                values[key] = parse_period(text)
            elif key == "status":
                values[key] = parse_status(text, statuses)
            else:
                values[key] = text
        except ValueError as error:
            problems.append(Problem(row, columns[key], str(error)))
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
    app = Application(owner=user, **values)
    try:
        app.full_clean(exclude=["owner"], validate_constraints=False)
    except ValidationError as error:
        return list(problems_from(error, str(row_no), columns))
    return []


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
    *, user, headers: list[str], rows: list[list[str]], mapping: dict[str, int | None]
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
        values, contacts, row_problems = _convert(cells, row_no, columns, statuses)
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


def import_rows(
    *, user, headers: list[str], rows: list[list[str]], mapping: dict[str, int | None]
) -> int:
    """Create the applications of a file, all or nothing. Returns how many were created."""
    result = check_rows(user=user, headers=headers, rows=rows, mapping=mapping)
    if result.problems:
        raise ImportRefused(result.problems)
    created = 0
    with transaction.atomic():
        for checked in result.new_rows:
            contacts = [
                contact_find_or_create(
                    owner=user,
                    name=name,
                    email=email,
                    company=str(checked.values.get("company", "")),
                )
                for name, email in checked.contacts
            ]
            values = {"status": Status.APPLIED, **checked.values}
            try:
                application_create(owner=user, contacts=contacts, **values)
            except ValidationError as error:
                raise ImportRefused(list(problems_from(error, str(checked.row)))) from None
            created += 1
    return created
