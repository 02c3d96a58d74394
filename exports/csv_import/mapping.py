"""Step 2 of the CSV import: the target fields, their header aliases and guess_mapping."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy


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
        "status_changed_on",
        # The column of Seuranta's own CSV export ("Tila muuttunut" in Finnish).
        gettext_lazy("Status changed on"),
        (
            "statuschangedon",
            "statuschanged",
            "statusdate",
            "statuschangedate",
            "tilamuuttunut",
            "tilanmuutos",
            "tilanmuutospäivä",
            "tilapäivä",
            "tilanpäivämäärä",
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
    # The posting's own details (issue 13), with the column names of Seuranta's CSV export.
    Target(
        "employment_type",
        gettext_lazy("Employment type"),
        ("employmenttype", "jobtype", "työsuhteentyyppi", "työsuhde", "työsuhdetyyppi"),
    ),
    Target(
        "apply_by",
        gettext_lazy("Application deadline"),
        (
            "applicationdeadline",
            "deadline",
            "applyby",
            "closingdate",
            "hakuaikapäättyy",
            "hakuaika",
            "viimeinenhakupäivä",
        ),
    ),
    Target(
        "salary_min",
        gettext_lazy("Advertised salary from"),
        ("advertisedsalaryfrom", "salaryfrom", "salarymin", "ilmoitettupalkkaalkaen"),
    ),
    Target(
        "salary_max",
        gettext_lazy("Advertised salary to"),
        ("advertisedsalaryto", "salaryto", "salarymax", "ilmoitettupalkkaenintään"),
    ),
    Target(
        "salary_currency",
        gettext_lazy("Advertised salary currency"),
        ("advertisedsalarycurrency", "salarycurrency", "ilmoitetunpalkanvaluutta"),
    ),
    Target(
        "salary_period",
        gettext_lazy("Advertised salary period"),
        ("advertisedsalaryperiod", "salaryperiod", "ilmoitetunpalkanjakso"),
    ),
    Target(
        "description",
        gettext_lazy("Description"),
        ("description", "jobdescription", "kuvaus", "työnkuvaus", "ilmoitusteksti"),
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
DATE_FIELDS = {"applied_on", "decision_expected_on", "status_changed_on", "apply_by"}
# Targets that are not fields of an application: import_rows turns them into arguments.
NON_MODEL_FIELDS = {"contact_names", "contact_emails", "status_changed_on"}
# Each amount and the currency column its currency sign ("€") fills in when that one is empty.
AMOUNT_CURRENCIES = {
    "expected_salary": "expected_salary_currency",
    "offered_salary": "offered_salary_currency",
    "salary_min": "salary_currency",
    "salary_max": "salary_currency",
}
AMOUNT_FIELDS = set(AMOUNT_CURRENCIES)
CURRENCY_FIELDS = {"expected_salary_currency", "offered_salary_currency", "salary_currency"}
PERIOD_FIELDS = {"expected_salary_period", "offered_salary_period", "salary_period"}


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
