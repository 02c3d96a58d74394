"""Forms for applications, interviews, contacts, the feedback log and the question bank.

Every choice of another row (an application, a contact) is limited to the user's own rows, so an
id of someone else's row is a form error and never becomes a link.
"""

import copy
import datetime
import re

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Fieldset, Layout, Row
from django import forms
from django.core.exceptions import ValidationError
from django.forms import modelformset_factory
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from applications.models import (
    DURATION_CHOICES,
    DURATION_MAX,
    DURATION_MIN,
    SHORT_MAX,
    Application,
    BankQuestion,
    Contact,
    FeedbackEntry,
    Interview,
    PrepItem,
    Status,
)

PHONE_RE = re.compile(r"^[0-9+()./\- ]+$")
CURRENCY_RE = re.compile(r"^[A-Z]{3}$")
# Dates outside these years are typing mistakes, and some of them cannot be stored as UTC.
EARLIEST_YEAR, LATEST_YEAR = 1970, 2100


def limit_help(limit: int):
    return ngettext_lazy(
        "At most %(limit)s character.", "At most %(limit)s characters.", "limit"
    ) % {"limit": limit}


def form_helper(layout: Layout | None = None) -> FormHelper:
    """Fields only: templates write the <form>, the CSRF token and the buttons themselves."""
    helper = FormHelper()
    helper.form_tag = False
    if layout is not None:
        helper.layout = layout
    return helper


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


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        # The browser's date picker always speaks ISO, whatever the page's language.
        super().__init__(attrs, format="%Y-%m-%d")


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


class DurationInput(forms.NumberInput):
    """A number input that offers the usual durations as suggestions but accepts any value."""

    datalist_id = "duration-choices"

    def __init__(self, attrs=None):
        attrs = {"min": DURATION_MIN, "max": DURATION_MAX, "step": 1, **(attrs or {})}
        attrs["list"] = self.datalist_id
        super().__init__(attrs)

    def render(self, name, value, attrs=None, renderer=None):
        options = format_html_join(
            "", '<option value="{}"></option>', ((m,) for m in DURATION_CHOICES)
        )
        datalist = format_html('<datalist id="{}">{}</datalist>', self.datalist_id, options)
        return super().render(name, value, attrs, renderer) + datalist


class OwnedModelForm(forms.ModelForm):
    """A model form for one user's rows.

    ModelForm validation writes the typed values into its instance. The form validates a copy,
    so the object the view holds keeps its stored values: services compare old and new (a status
    change is recorded only if the status really changed) and a refused edit shows no half-typed
    heading.
    """

    def __init__(self, *args, owner, **kwargs):
        if kwargs.get("instance") is not None:
            kwargs["instance"] = copy.copy(kwargs["instance"])
        super().__init__(*args, **kwargs)
        self.owner = owner
        for field in self.fields.values():
            if isinstance(field.widget, forms.Textarea) and field.max_length:
                field.widget.attrs["rows"] = 4
                if not field.help_text:
                    field.help_text = limit_help(field.max_length)

    @property
    def helper(self) -> FormHelper:
        # Built on use, so that the layout sees the fields as the subclass left them.
        return form_helper(self.get_layout())

    def get_layout(self) -> Layout | None:
        return None


class ApplicationForm(OwnedModelForm):
    posting_url = forms.URLField(
        label=_("Job posting URL"), max_length=500, required=False, assume_scheme="https"
    )

    class Meta:
        model = Application
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
            "contacts",
            "notes",
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
        }
        widgets = {
            "applied_on": DateInput,
            "decision_expected_on": DateInput,
            "contacts": forms.CheckboxSelectMultiple,
            "expected_salary_currency": forms.TextInput(attrs={"size": 3, "autocomplete": "off"}),
            "offered_salary_currency": forms.TextInput(attrs={"size": 3, "autocomplete": "off"}),
        }
        help_texts = {
            "expected_salary_currency": _("A three-letter code, such as EUR."),
            "offered_salary_currency": _("A three-letter code, such as EUR."),
        }

    def __init__(self, *args, owner, **kwargs):
        super().__init__(*args, owner=owner, **kwargs)
        self.fields["posting_url"].widget.attrs["placeholder"] = "https://"
        for name in ("expected_salary", "offered_salary"):
            field = self.fields[name]
            field.widget.attrs["min"] = 0
            field.error_messages["min_value"] = _("A salary cannot be below zero.")
            field.validators.append(_salary_not_negative)
        contacts = self.fields["contacts"]
        contacts.queryset = Contact.objects.owned_by(owner)
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
        )

    def clean_expected_salary_currency(self) -> str:
        return _clean_currency(self.cleaned_data["expected_salary_currency"])

    def clean_offered_salary_currency(self) -> str:
        return _clean_currency(self.cleaned_data["offered_salary_currency"])

    def clean_applied_on(self):
        value = self.cleaned_data["applied_on"]
        validate_year(value)
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


class InterviewForm(OwnedModelForm):
    """Log or edit an interview.

    With allow_new_application, the application may be left empty and a new one typed in as
    company and position: the "Log interview" quick path. The interviewer fields link the
    interview to the contact with that email (or name), creating it if there is none.
    """

    company = forms.CharField(label=_("Company"), max_length=SHORT_MAX, required=False)
    position = forms.CharField(label=_("Position"), max_length=SHORT_MAX, required=False)
    duration_minutes = forms.IntegerField(
        label=_("Duration (minutes)"),
        initial=60,
        min_value=DURATION_MIN,
        max_value=DURATION_MAX,
        widget=DurationInput,
        help_text=_("Usually 30, 45, 60 or 90; any length from 5 to 480 minutes."),
        error_messages={
            "min_value": _("Enter a duration from 5 to 480 minutes."),
            "max_value": _("Enter a duration from 5 to 480 minutes."),
        },
    )
    interviewer_name = forms.CharField(
        label=_("Interviewer name"), max_length=SHORT_MAX, required=False
    )
    interviewer_email = forms.EmailField(
        label=_("Interviewer email"), max_length=254, required=False
    )
    interviewer_phone = forms.CharField(
        label=_("Interviewer phone"),
        max_length=50,
        required=False,
        validators=[validate_phone],
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
    )

    class Meta:
        model = Interview
        fields = [
            "application",
            "starts_at",
            "duration_minutes",
            "kind",
            "location",
            "interviewers",
            "preparation_notes",
            "reflection",
            "outcome",
        ]
        labels = {
            "application": _("Application"),
            "starts_at": _("Starts at"),
            "kind": _("Kind"),
            "location": _("Place or meeting link"),
            "interviewers": _("Choose from your contacts"),
        }
        widgets = {
            "starts_at": DateTimeLocalInput,
            "interviewers": forms.CheckboxSelectMultiple,
        }
        field_classes = {"starts_at": forms.DateTimeField}
        help_texts = {"starts_at": _("In your time zone.")}

    # The fields the Interview model stores; the rest go to the service as separate arguments.
    MODEL_FIELDS = (
        "starts_at",
        "duration_minutes",
        "kind",
        "location",
        "preparation_notes",
        "reflection",
        "outcome",
    )

    def __init__(self, *args, owner, allow_new_application=False, **kwargs):
        self.allow_new_application = allow_new_application
        super().__init__(*args, owner=owner, **kwargs)
        if self.instance.pk:
            # An interview stays with its application; moving it is deleting and logging anew.
            del self.fields["application"]
        else:
            application = self.fields["application"]
            application.queryset = Application.objects.owned_by(owner).order_by(
                "company", "position", "id"
            )
            if allow_new_application:
                application.required = False
                application.empty_label = _("A new application (type its company and position)")
        if self.instance.pk or not allow_new_application:
            del self.fields["company"]
            del self.fields["position"]
        interviewers = self.fields["interviewers"]
        interviewers.queryset = Contact.objects.owned_by(owner)
        interviewers.help_text = _("To add someone new, type their name below.")
        if not interviewers.queryset.exists():
            # Nothing to pick from: the fields below are the way to name an interviewer.
            del self.fields["interviewers"]

    def get_layout(self) -> Layout:
        first = []
        if "application" in self.fields:
            first.append("application")
        if "company" in self.fields:
            first.append(Row(Column("company"), Column("position")))
        return Layout(
            *first,
            Row(Column("starts_at"), Column("duration_minutes"), Column("kind")),
            "location",
            Fieldset(
                _("Interviewers"),
                *(["interviewers"] if "interviewers" in self.fields else []),
                Row(
                    Column("interviewer_name"),
                    Column("interviewer_email"),
                    Column("interviewer_phone"),
                ),
            ),
            "preparation_notes",
            Fieldset(_("After the interview"), "reflection", "outcome"),
        )

    def clean_starts_at(self):
        value = self.cleaned_data["starts_at"]
        validate_year(value)
        return value

    def clean(self):
        cleaned = super().clean()
        if self.allow_new_application and "application" in self.fields:
            self._clean_new_application(cleaned)
        name = cleaned.get("interviewer_name", "").strip()
        if not name and (cleaned.get("interviewer_email") or cleaned.get("interviewer_phone")):
            self.add_error("interviewer_name", _("Enter the interviewer's name as well."))
        return cleaned

    def _clean_new_application(self, cleaned) -> None:
        if "application" in self.errors:
            return
        company = cleaned.get("company", "").strip()
        position = cleaned.get("position", "").strip()
        if cleaned.get("application") is not None:
            if company or position:
                self.add_error(
                    "application",
                    _(
                        "Choose an existing application or type the company and position of a "
                        "new one, not both."
                    ),
                )
            return
        if not company and "company" not in self.errors:
            self.add_error(
                "company", _("Enter the company, or choose an existing application above.")
            )
        if not position and "position" not in self.errors:
            self.add_error(
                "position", _("Enter the position, or choose an existing application above.")
            )

    def service_fields(self) -> dict:
        """Keyword arguments for services.interview_log / interview_edit."""
        data = {name: self.cleaned_data[name] for name in self.MODEL_FIELDS}
        data["interviewers"] = list(self.cleaned_data.get("interviewers") or [])
        data["interviewer_name"] = self.cleaned_data.get("interviewer_name", "").strip()
        data["interviewer_email"] = self.cleaned_data.get("interviewer_email", "")
        data["interviewer_phone"] = self.cleaned_data.get("interviewer_phone", "").strip()
        return data


class PrepItemForm(forms.ModelForm):
    class Meta:
        model = PrepItem
        fields = ["answer", "done"]
        labels = {"answer": _("Your answer"), "done": _("Ready")}
        widgets = {"answer": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["answer"].help_text = limit_help(self.fields["answer"].max_length)


# edit_only: a tampered management form can change answers but never create rows.
PrepItemFormSet = modelformset_factory(PrepItem, form=PrepItemForm, extra=0, edit_only=True)


class ContactForm(OwnedModelForm):
    applications = forms.ModelMultipleChoiceField(
        label=_("Applications"),
        queryset=Application.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The applications this person is part of."),
    )

    class Meta:
        model = Contact
        fields = ["name", "role", "company", "email", "phone", "notes"]
        labels = {
            "name": _("Name"),
            "role": _("Role"),
            "company": _("Company"),
            "email": _("Email"),
            "phone": _("Phone"),
        }
        widgets = {"phone": forms.TextInput(attrs={"type": "tel"})}

    def __init__(self, *args, owner, **kwargs):
        super().__init__(*args, owner=owner, **kwargs)
        self.fields["phone"].validators.append(validate_phone)
        applications = self.fields["applications"]
        applications.queryset = Application.objects.owned_by(owner).order_by("company", "id")
        if not applications.queryset.exists():
            del self.fields["applications"]
        elif self.instance.pk and "applications" not in self.initial:
            self.initial["applications"] = list(
                self.instance.applications.values_list("pk", flat=True)
            )

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip().lower()
        if email:
            others = Contact.objects.owned_by(self.owner).filter(email__iexact=email)
            if self.instance.pk:
                others = others.exclude(pk=self.instance.pk)
            other = others.first()
            if other is not None:
                raise ValidationError(
                    _("Your contact %(name)s already has this email."),
                    code="duplicate",
                    params={"name": other.name},
                )
        return email

    def save(self, commit=True) -> Contact:
        contact = super().save(commit=False)
        contact.owner = self.owner
        contact.save()
        if "applications" in self.fields:
            contact.applications.set(self.cleaned_data["applications"])
        return contact


class FeedbackForm(OwnedModelForm):
    class Meta:
        model = FeedbackEntry
        fields = ["received_on", "from_whom", "text", "constructive", "lessons"]
        labels = {
            "received_on": _("Received on"),
            "from_whom": _("From whom"),
            "text": _("Feedback"),
            "constructive": _("Was it constructive?"),
            "lessons": _("Lessons for next time"),
        }
        widgets = {
            "received_on": DateInput,
        }

    def __init__(self, *args, owner, **kwargs):
        super().__init__(*args, owner=owner, **kwargs)
        if not self.instance.pk:
            self.initial.setdefault("received_on", timezone.localdate())
        # The stock choices read "Unknown"; here it means the user cannot tell yet.
        self.fields["constructive"].widget.choices = [
            ("unknown", _("Not sure")),
            ("true", _("Yes")),
            ("false", _("No")),
        ]

    def clean_received_on(self):
        value = self.cleaned_data["received_on"]
        validate_year(value)
        if value and value > timezone.localdate():
            raise ValidationError(_("The date cannot be in the future."), code="future")
        return value


class BankQuestionForm(OwnedModelForm):
    class Meta:
        model = BankQuestion
        fields = ["question"]
        labels = {"question": _("Question")}


# Sorting of the application list: a whitelist, so the query string never names a column.
APPLICATION_SORTS = {
    "updated": _("Last updated"),
    "company": _("Company"),
    "applied": _("Date applied"),
    "status": _("Status"),
}


class FilterForm(forms.Form):
    """A GET form of list filters: a refused value falls back to the default, never an error."""

    def value(self, name: str, default: str = "") -> str:
        self.is_valid()
        return self.cleaned_data.get(name) or default


class SearchInput(forms.TextInput):
    input_type = "search"


class ApplicationFilterForm(FilterForm):
    q = forms.CharField(
        label=_("Search"),
        max_length=SHORT_MAX,
        required=False,
        widget=SearchInput(attrs={"placeholder": _("Company or position")}),
    )
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[("", _("All statuses")), *Status.choices],
        required=False,
    )
    sort = forms.ChoiceField(
        label=_("Sort by"), choices=list(APPLICATION_SORTS.items()), required=False
    )


class InterviewFilterForm(FilterForm):
    when = forms.ChoiceField(
        label=_("Show"),
        choices=[("upcoming", _("Upcoming")), ("past", _("Past")), ("all", _("All"))],
        required=False,
    )


class ContactFilterForm(FilterForm):
    q = forms.CharField(
        label=_("Search"),
        max_length=SHORT_MAX,
        required=False,
        widget=SearchInput(attrs={"placeholder": _("Name, company or email")}),
    )
