"""Forms of applications: create and edit, the status change and the list filters."""

import re

from crispy_forms.layout import Column, Layout, Row
from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from applications import queries
from applications.forms._common import (
    ContactsField,
    DateInput,
    OwnedModelForm,
    PickerSelect,
)
from applications.models import Application, Status
from core.validators import validate_year

CURRENCY_RE = re.compile(r"^[A-Z]{3}$")


class ApplicationForm(OwnedModelForm):
    posting_url = forms.URLField(
        label=_("Job posting URL"), max_length=500, required=False, assume_scheme="https"
    )

    class Meta:
        model = Application
        field_classes = {"contacts": ContactsField}
        fields = [
            "company",
            "position",
            "status",
            "posting_url",
            "location",
            "source",
            "applied_on",
            "decision_expected_on",
            "expected_salary",
            "expected_salary_currency",
            "expected_salary_period",
            "offered_salary",
            "offered_salary_currency",
            "offered_salary_period",
            "employment_type",
            "apply_by",
            "salary_min",
            "salary_max",
            "salary_currency",
            "salary_period",
            "description",
            "contacts",
            "notes",
            "not_counted",
            "not_counted_reason",
        ]
        labels = {
            "company": _("Company"),
            "position": _("Position"),
            "status": _("Status"),
            "applied_on": _("Date applied"),
            "decision_expected_on": _("Decision expected by"),
            "expected_salary_currency": _("Currency of the expected salary"),
            "expected_salary_period": _("Expected salary is"),
            "offered_salary_currency": _("Currency of the offered salary"),
            "offered_salary_period": _("Offered salary is"),
            "not_counted": _("Does not count"),
            "not_counted_reason": _("Why it does not count"),
            "employment_type": _("Employment type"),
            "apply_by": _("Application deadline"),
            "salary_min": _("Advertised salary from"),
            "salary_max": _("Advertised salary to"),
            "salary_currency": _("Currency of the advertised salary"),
            "salary_period": _("Advertised salary is"),
            "description": _("Description of the job"),
        }
        widgets = {
            "applied_on": DateInput,
            "decision_expected_on": DateInput,
            "apply_by": DateInput,
            "contacts": PickerSelect,
            "salary_currency": forms.TextInput(attrs={"size": 3, "autocomplete": "off"}),
            "expected_salary_currency": forms.TextInput(attrs={"size": 3, "autocomplete": "off"}),
            "offered_salary_currency": forms.TextInput(attrs={"size": 3, "autocomplete": "off"}),
        }
        help_texts = {
            "expected_salary_currency": _("A three-letter code, such as EUR."),
            "offered_salary_currency": _("A three-letter code, such as EUR."),
            "salary_currency": _("A three-letter code, such as EUR."),
            "salary_min": _("The salary range the posting gives, if any."),
            "description": _(
                "What the posting says about the job: kept here, because postings disappear "
                "once the job is filled."
            ),
            "not_counted": _(
                "Leave it out of the count of applications your plan asks for, and of the "
                "job-search report."
            ),
        }

    def __init__(self, *args, owner, **kwargs):
        super().__init__(*args, owner=owner, **kwargs)
        self.fields["posting_url"].widget.attrs["placeholder"] = "https://"
        self.fields["description"].widget.attrs["rows"] = 8
        for name in ("expected_salary", "offered_salary", "salary_min", "salary_max"):
            field = self.fields[name]
            field.widget.attrs["min"] = 0
            field.error_messages["min_value"] = _("A salary cannot be below zero.")
            field.validators.append(_salary_not_negative)
        contacts = self.fields["contacts"]
        company = self.data.get("company", "") if self.is_bound else self.instance.company
        contacts.queryset = queries.contacts_company_first(owner, company or "")
        contacts.help_text = _("People at the employer you have been in touch with.")
        if not contacts.queryset.exists():
            del self.fields["contacts"]

    def get_layout(self) -> Layout:
        return Layout(
            "company",
            "position",
            Row(Column("status"), Column("applied_on"), Column("decision_expected_on")),
            "posting_url",
            Row(Column("location"), Column("source")),
            Row(Column("employment_type"), Column("apply_by")),
            Row(
                Column("salary_min"),
                Column("salary_max"),
                Column("salary_currency"),
                Column("salary_period"),
            ),
            "description",
            Row(
                Column("expected_salary"),
                Column("expected_salary_currency"),
                Column("expected_salary_period"),
            ),
            Row(
                Column("offered_salary"),
                Column("offered_salary_currency"),
                Column("offered_salary_period"),
            ),
            *(["contacts"] if "contacts" in self.fields else []),
            "notes",
            Row(Column("not_counted"), Column("not_counted_reason")),
        )

    def clean_expected_salary_currency(self) -> str:
        return _clean_currency(self.cleaned_data["expected_salary_currency"])

    def clean_offered_salary_currency(self) -> str:
        return _clean_currency(self.cleaned_data["offered_salary_currency"])

    def clean_salary_currency(self) -> str:
        # Optional, unlike the other two: many postings give no salary at all.
        value = (self.cleaned_data["salary_currency"] or "").strip()
        return _clean_currency(value) if value else ""

    def clean_apply_by(self):
        value = self.cleaned_data["apply_by"]
        validate_year(value)
        return value

    def clean_applied_on(self):
        value = self.cleaned_data["applied_on"]
        validate_year(value)
        # In the user's time zone (the request's): a date that has not come yet is a typo, and
        # it would count as a response in no time on the insights page.
        if value and value > timezone.localdate():
            raise ValidationError(_("The date cannot be in the future."), code="future")
        return value

    def clean_decision_expected_on(self):
        value = self.cleaned_data["decision_expected_on"]
        validate_year(value)
        return value

    def clean(self):
        cleaned = super().clean()
        applied, decision = cleaned.get("applied_on"), cleaned.get("decision_expected_on")
        if applied and decision and decision < applied:
            self.add_error(
                "decision_expected_on",
                _("The decision date cannot be before the date you applied."),
            )
        low, high = cleaned.get("salary_min"), cleaned.get("salary_max")
        if low is not None and high is not None and low > high:
            self.add_error(
                "salary_max", _("The upper end of the range cannot be below its lower end.")
            )
        if low is None and high is None and not self.has_error("salary_currency"):
            # A currency or a period of no amount says nothing: not kept.
            cleaned["salary_currency"] = cleaned["salary_period"] = ""
        if not cleaned.get("not_counted"):
            cleaned["not_counted_reason"] = ""
        elif not (cleaned.get("not_counted_reason") or "").strip():
            self.add_error(
                "not_counted_reason", _("Say why it does not count: the report keeps the reason.")
            )
        return cleaned

    def service_fields(self) -> dict:
        """Keyword arguments for application_create / application_update."""
        data = {name: self.cleaned_data[name] for name in self.Meta.fields if name in self.fields}
        data.pop("contacts", None)
        return data


def _salary_not_negative(value) -> None:
    if value is not None and value < 0:
        raise ValidationError(_("A salary cannot be below zero."), code="min_value")


def _clean_currency(value: str) -> str:
    value = (value or "").strip().upper()
    if not CURRENCY_RE.match(value):
        raise ValidationError(_("Enter a three-letter currency code, such as EUR."))
    return value


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=Status.choices)
