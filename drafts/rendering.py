"""Placeholders and how a template becomes a draft's text.

Templates use `{name}` placeholders; `{{` and `}}` stand for literal braces. Substitution is a
single regular-expression pass over a closed list of names, never str.format: `{company.__class__}`
or `{company[0]}` is just an unknown placeholder, so a user's template cannot reach any attribute.
Values are inserted as they are and never scanned again, so a company called "{my_name}" stays
literally that.

A value that is missing becomes a visible bracketed placeholder in the draft's language
("[interviewer's name]"), which the editor then points out until the user replaces it.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping
from dataclasses import dataclass

from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.text import one_line

# `{{`, `}}`, a `{name}` (anything without braces between them), or a lone brace.
_TOKEN = re.compile(r"\{\{|\}\}|\{([^{}]*)\}|[{}]")
# Line breaks and other control characters have no place in a one-line value (nor in a header).


@dataclass(frozen=True)
class Placeholder:
    name: str
    description: str  # lazily translated, for the template documentation
    missing: dict[str, str]  # language → the bracketed text shown when the value is unknown


PLACEHOLDERS: tuple[Placeholder, ...] = (
    Placeholder("company", _("The company's name."), {"en": "[company]", "fi": "[yritys]"}),
    Placeholder(
        "position",
        _("The position you applied for."),
        {"en": "[position]", "fi": "[tehtävän nimi]"},
    ),
    Placeholder(
        "interviewer_name",
        _("The interviewer's name (several are joined with “and”)."),
        {"en": "[interviewer's name]", "fi": "[haastattelijan nimi]"},
    ),
    Placeholder(
        "interview_date",
        _("The interview's date in your time zone, written for the draft's language."),
        {"en": "[interview date]", "fi": "[haastattelun päivämäärä]"},
    ),
    Placeholder(
        "my_name",
        _("Your display name from your preferences."),
        {"en": "[your name]", "fi": "[oma nimesi]"},
    ),
    Placeholder(
        "interviewer_phone",
        _("The interviewer's phone number (for the call script)."),
        {"en": "[interviewer's phone number]", "fi": "[haastattelijan puhelinnumero]"},
    ),
)
PLACEHOLDER_NAMES = frozenset(p.name for p in PLACEHOLDERS)

_ENGLISH_MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
_AND = {"en": " and ", "fi": " ja "}


class TemplateError(ValueError):
    """A template that cannot be used; the message names the offending part."""


def format_date(value: datetime.date, language: str) -> str:
    """12.3.2026 in Finnish, 12 March 2026 in English (independent of the page's locale)."""
    if language == "fi":
        return f"{value.day}.{value.month}.{value.year}"
    return f"{value.day} {_ENGLISH_MONTHS[value.month - 1]} {value.year}"


def check_template(text: str) -> None:
    """Raise TemplateError naming the first unknown placeholder or unmatched brace."""
    for match in _TOKEN.finditer(text):
        token = match.group(0)
        if token in ("{{", "}}"):
            continue
        if token in ("{", "}"):
            start = max(match.start() - 15, 0)
            raise TemplateError(
                gettext(
                    "A “%(brace)s” has no partner, near “%(context)s”. Write {{ or }} for a brace."
                )
                % {"brace": token, "context": one_line(text[start : match.end() + 15])}
            )
        if match.group(1) not in PLACEHOLDER_NAMES:
            raise TemplateError(
                gettext("Unknown placeholder %(placeholder)s. Use one of: %(known)s.")
                % {
                    "placeholder": one_line(token),
                    "known": ", ".join(f"{{{p.name}}}" for p in PLACEHOLDERS),
                }
            )


def render(text: str, values: Mapping[str, str]) -> str:
    """The text with every placeholder replaced; TemplateError as check_template says."""
    check_template(text)

    def substitute(match: re.Match) -> str:
        token = match.group(0)
        if token == "{{":
            return "{"
        if token == "}}":
            return "}"
        return values[match.group(1)]

    return _TOKEN.sub(substitute, text)


def placeholder_values(
    *,
    language: str,
    company: str = "",
    position: str = "",
    interviewer_names: list[str] | tuple[str, ...] = (),
    interviewer_phone: str = "",
    interview_date: datetime.date | None = None,
    my_name: str = "",
) -> dict[str, str]:
    """Every placeholder's text in this language: the value, or its bracketed stand-in."""
    names = [one_line(name) for name in interviewer_names if one_line(name)]
    given = {
        "company": one_line(company),
        "position": one_line(position),
        "interviewer_name": _AND.get(language, " and ").join(names),
        "interview_date": format_date(interview_date, language) if interview_date else "",
        "my_name": one_line(my_name),
        "interviewer_phone": one_line(interviewer_phone),
    }
    return {p.name: given[p.name] or p.missing.get(language, p.missing["en"]) for p in PLACEHOLDERS}


def missing_placeholders(text: str, language: str) -> list[Placeholder]:
    """The placeholders whose bracketed stand-in still appears in the text, in list order."""
    return [p for p in PLACEHOLDERS if p.missing.get(language, p.missing["en"]) in text]


def highlight_missing(text: str, language: str) -> SafeString:
    """The text escaped for HTML, with every bracketed stand-in wrapped in a <mark>."""
    markers = [
        p.missing.get(language, p.missing["en"]) for p in missing_placeholders(text, language)
    ]
    if not markers:
        return conditional_escape(text)
    pattern = re.compile("|".join(re.escape(m) for m in sorted(markers, key=len, reverse=True)))
    parts: list[str] = []
    position = 0
    for match in pattern.finditer(text):
        parts.append(conditional_escape(text[position : match.start()]))
        parts.append(format_html('<mark class="placeholder-missing">{}</mark>', match.group(0)))
        position = match.end()
    parts.append(conditional_escape(text[position:]))
    # Every part was escaped or built by format_html just above.
    return mark_safe("".join(parts))
