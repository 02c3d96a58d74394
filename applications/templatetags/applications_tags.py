"""Template tags for application pages: salaries, status badges and the timeline."""

from decimal import Decimal

from django import template
from django.utils import formats
from django.utils.html import format_html
from django.utils.translation import gettext as _

from applications.models import SalaryPeriod, Status

register = template.Library()

# Symbols for the currencies people here use most; any other code is shown as typed.
CURRENCY_SYMBOLS = {"EUR": "€", "USD": "$", "GBP": "£"}

STATUS_BADGES = {
    Status.SAVED: "text-bg-light border",
    Status.APPLIED: "text-bg-primary",
    Status.INTERVIEWING: "text-bg-info",
    Status.OFFER: "text-bg-warning",
    Status.ACCEPTED: "text-bg-success",
    Status.REJECTED: "text-bg-secondary",
    Status.WITHDRAWN: "text-bg-secondary",
    Status.NO_RESPONSE: "text-bg-secondary",
}


def format_salary(amount: Decimal | None, currency: str, period: str) -> str:
    """ "2 600 €/month" in Finnish, "2,600 €/month" in English: grouping follows the language."""
    if amount is None:
        return ""
    decimals = 0 if amount == amount.to_integral_value() else 2
    number = formats.number_format(amount, decimal_pos=decimals, force_grouping=True)
    values = {"amount": number, "currency": CURRENCY_SYMBOLS.get(currency, currency)}
    if period == SalaryPeriod.YEAR:
        return _("%(amount)s %(currency)s/year") % values
    return _("%(amount)s %(currency)s/month") % values


@register.filter
def salary(application, which: str) -> str:
    """`{{ application|salary:"expected" }}` or `{{ application|salary:"offered" }}`.

    Returns plain text, so the template still escapes the user's currency code.
    """
    if which not in ("expected", "offered"):
        raise template.TemplateSyntaxError(f"salary: unknown salary {which!r}")
    return format_salary(
        getattr(application, f"{which}_salary"),
        getattr(application, f"{which}_salary_currency"),
        getattr(application, f"{which}_salary_period"),
    )


def _number(amount: Decimal) -> str:
    decimals = 0 if amount == amount.to_integral_value() else 2
    return formats.number_format(amount, decimal_pos=decimals, force_grouping=True)


@register.filter
def advertised_salary(application) -> str:
    """`{{ application|advertised_salary }}`: the posting's range, "3 800–4 600 €/month".

    One end only is "from …" or "up to …"; a period the posting did not give (per hour) is
    left out rather than guessed. Plain text, escaped by the template.
    """
    low, high = application.salary_min, application.salary_max
    if low is None and high is None:
        return ""
    if low is not None and high is not None:
        amount = _number(low) if low == high else f"{_number(low)}–{_number(high)}"
    else:
        amount = _number(low if low is not None else high)
    currency = application.salary_currency
    values = {"amount": amount, "currency": CURRENCY_SYMBOLS.get(currency, currency)}
    if application.salary_period == SalaryPeriod.YEAR:
        text = _("%(amount)s %(currency)s/year") % values
    elif application.salary_period == SalaryPeriod.MONTH:
        text = _("%(amount)s %(currency)s/month") % values
    else:
        text = f"{values['amount']} {values['currency']}"
    # No currency: no gap before the period, no space at the end (grouping spaces stay).
    text = text.replace(" /", "/").strip(" ")
    if high is None:
        return _("from %(salary)s") % {"salary": text}
    if low is None:
        return _("up to %(salary)s") % {"salary": text}
    return text


@register.simple_tag
def status_badge(application) -> str:
    """`{% status_badge application %}`: the status as a Bootstrap badge.

    A tag rather than an included template: the application list writes one a row. The
    text-bg-* pairs keep readable contrast.
    """
    css = STATUS_BADGES.get(application.status, "text-bg-secondary")
    return format_html('<span class="badge {}">{}</span>', css, application.get_status_display())


@register.simple_tag
def by_time(*parts: list[dict]) -> list[dict]:
    """`{% by_time entries other_entries as timeline %}`: entries of several apps, by time.

    Each entry has `at`. The sort is stable: at the same moment the parts keep their order.
    """
    return sorted((entry for part in parts for entry in part), key=lambda entry: entry["at"])
