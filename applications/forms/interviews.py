"""Forms of interviews: log and edit, the preparation checklist and the list filter."""

from crispy_forms.layout import TEMPLATE_PACK, Column, Fieldset, Layout, LayoutObject, Row
from django import forms
from django.forms import modelformset_factory
from django.template.loader import render_to_string
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from accounts import time_zones
from applications import queries, services
from applications.forms._common import (
    ContactsField,
    DateTimeLocalInput,
    DurationInput,
    OwnedModelForm,
    PickerSelect,
    form_helper,
    limit_help,
)
from applications.models import (
    CLOSED_STATUSES,
    DURATION_MAX,
    DURATION_MIN,
    SHORT_MAX,
    Application,
    Interview,
    PrepItem,
)
from core.validators import is_id, validate_phone, validate_year


class CompanyInput(forms.TextInput):
    """The company of the quick path, suggesting the companies of the open applications.

    A native <datalist>: suggestions as the person types, without a script. Each option is a
    company with its position as the label (static/js/log-interview.js fills the position in).
    """

    datalist_id = "open-applications"

    def __init__(self, attrs=None):
        super().__init__({"autocomplete": "off", **(attrs or {}), "list": self.datalist_id})
        self.suggestions: list[tuple[str, str]] = []

    def render(self, name, value, attrs=None, renderer=None):
        options = format_html_join("", '<option value="{}" label="{}"></option>', self.suggestions)
        datalist = format_html('<datalist id="{}">{}</datalist>', self.datalist_id, options)
        return super().render(name, value, attrs, renderer) + datalist


class NewInterviewerForm(forms.Form):
    """One person to add as an interviewer: found among the contacts by email (or name), or
    created (services.contact_find_or_create)."""

    name = forms.CharField(label=_("Interviewer name"), max_length=SHORT_MAX, required=False)
    email = forms.EmailField(label=_("Interviewer email"), max_length=254, required=False)
    phone = forms.CharField(
        label=_("Interviewer phone"),
        max_length=50,
        required=False,
        validators=[validate_phone],
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
    )

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("name", "").strip() and (cleaned.get("email") or cleaned.get("phone")):
            self.add_error("name", _("Enter the interviewer's name as well."))
        return cleaned


class BaseNewInterviewerFormSet(forms.BaseFormSet):
    def people(self) -> list[dict]:
        """The rows filled in, as keyword arguments for the services (name, email, phone)."""
        return [
            {
                "name": row.cleaned_data["name"].strip(),
                "email": row.cleaned_data["email"],
                "phone": row.cleaned_data["phone"].strip(),
            }
            for row in self.forms
            if row.cleaned_data.get("name", "").strip()
        ]


NEW_INTERVIEWERS_PREFIX = "interviewer"
NEW_INTERVIEWERS_MAX = 20
# Three empty rows: without JavaScript a panel of three is written in one save; with it,
# static/js/new-interviewers.js shows one and adds rows on "Add another interviewer".
NewInterviewerFormSet = forms.formset_factory(
    NewInterviewerForm,
    formset=BaseNewInterviewerFormSet,
    extra=3,
    max_num=NEW_INTERVIEWERS_MAX,
    absolute_max=NEW_INTERVIEWERS_MAX,
    validate_max=True,
)


class NewInterviewerRows(LayoutObject):
    """The rows of new interviewers inside the interview form's layout (one <form>, one Save)."""

    template = "applications/_new_interviewers.html"

    def __init__(self):
        self.fields = []  # None of the interview form's own: crispy has nothing to look up here.

    def render(self, form, context, template_pack=TEMPLATE_PACK, **kwargs):
        helper = form_helper(Layout(Row(Column("name"), Column("email"), Column("phone"))))
        return render_to_string(
            self.template,
            {"formset": form.new_interviewers, "row_helper": helper, "max": NEW_INTERVIEWERS_MAX},
        )


class InterviewForm(OwnedModelForm):
    """Log or edit an interview.

    With allow_new_application, the application may be left empty and a new one typed in as
    company and position: the "Log interview" quick path. The interviewer fields link the
    interview to the contact with that email (or name), creating it if there is none.
    """

    company = forms.CharField(
        label=_("Company"), max_length=SHORT_MAX, required=False, widget=CompanyInput
    )
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
            "interviewers": PickerSelect,
        }
        field_classes = {"starts_at": forms.DateTimeField, "interviewers": ContactsField}

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
        # The account's zone, by name: the browser's clock may be in another one.
        self.fields["starts_at"].help_text = format_html(
            _("Times are in your account's time zone: {zone}."),
            zone=time_zones.place_name(owner.time_zone),
        )
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
                self.fields["company"].help_text = _(
                    "Type a company you applied to already to log the interview there."
                )
                self.fields["company"].widget.suggestions = [
                    (a.company, a.position)
                    for a in application.queryset.exclude(status__in=CLOSED_STATUSES)
                ]
        if self.instance.pk or not allow_new_application:
            del self.fields["company"]
            del self.fields["position"]
        interviewers = self.fields["interviewers"]
        interviewers.queryset = queries.contacts_company_first(owner, self._company())
        interviewers.help_text = _("Type to search. To add someone new, type their name below.")
        if not interviewers.queryset.exists():
            # Nothing to pick from: the rows below are the way to name an interviewer.
            del self.fields["interviewers"]
        self.new_interviewers = NewInterviewerFormSet(
            self._rows_data(), prefix=NEW_INTERVIEWERS_PREFIX
        )

    def _company(self) -> str:
        """The company of the application the interview is for, as far as it is known yet."""
        if self.instance.pk:
            return self.instance.application.company
        if self.is_bound:
            chosen = self.data.get("application") or ""
            typed = self.data.get("company") or ""
        else:
            chosen, typed = self.initial.get("application") or "", ""
        if chosen and is_id(chosen):
            application = Application.objects.owned_by(self.owner).filter(pk=chosen).first()
            if application is not None:
                return application.company
        return typed

    def _rows_data(self):
        """The posted rows of new interviewers; a POST without them (a script, a page from before
        there were rows) names no one new, rather than failing on the missing management form."""
        if not self.is_bound:
            return None
        if f"{NEW_INTERVIEWERS_PREFIX}-TOTAL_FORMS" in self.data:
            return self.data
        return {
            f"{NEW_INTERVIEWERS_PREFIX}-TOTAL_FORMS": "0",
            f"{NEW_INTERVIEWERS_PREFIX}-INITIAL_FORMS": "0",
        }

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
                NewInterviewerRows(),
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
        if self.instance.pk and not self.instance.cancelled:
            self._clean_same_start(cleaned.get("starts_at"))
        if not self.new_interviewers.is_valid():
            # The errors themselves stand next to the fields of their row.
            self.add_error(None, _("Check the new interviewers below."))
        return cleaned

    def _clean_same_start(self, starts_at) -> None:
        """One live interview per application and start (the model's interview_once_per_start)."""
        if services.interview_start_taken(interview=self.instance, starts_at=starts_at):
            self.add_error(
                "starts_at", _("This application has another interview starting at that time.")
            )

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
        data["new_interviewers"] = self.new_interviewers.people()
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


class PrepQuestionForm(forms.ModelForm):
    """One more question for this interview's checklist only (the bank stays as it is)."""

    class Meta:
        model = PrepItem
        fields = ["question"]
        labels = {"question": _("New question for this interview")}

    def clean_question(self) -> str:
        return self.cleaned_data["question"].strip()


# edit_only: a tampered management form can change answers but never create rows.
PrepItemFormSet = modelformset_factory(PrepItem, form=PrepItemForm, extra=0, edit_only=True)
