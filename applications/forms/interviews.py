"""Forms of interviews: log and edit, the preparation checklist and the list filter."""

from crispy_forms.layout import Column, Fieldset, Layout, Row
from django import forms
from django.forms import modelformset_factory
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from applications.forms._common import (
    DateTimeLocalInput,
    DurationInput,
    IdMultipleChoiceField,
    OwnedModelForm,
    limit_help,
)
from applications.models import (
    CLOSED_STATUSES,
    DURATION_MAX,
    DURATION_MIN,
    SHORT_MAX,
    Application,
    Contact,
    Interview,
    PrepItem,
)
from core.validators import validate_phone, validate_year


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
        field_classes = {"starts_at": forms.DateTimeField, "interviewers": IdMultipleChoiceField}
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
        if self.instance.pk and not self.instance.cancelled:
            self._clean_same_start(cleaned.get("starts_at"))
        name = cleaned.get("interviewer_name", "").strip()
        if not name and (cleaned.get("interviewer_email") or cleaned.get("interviewer_phone")):
            self.add_error("interviewer_name", _("Enter the interviewer's name as well."))
        return cleaned

    def _clean_same_start(self, starts_at) -> None:
        """One live interview per application and start (the model's interview_once_per_start)."""
        others = Interview.objects.filter(
            application_id=self.instance.application_id, starts_at=starts_at, cancelled=False
        ).exclude(pk=self.instance.pk)
        if starts_at is not None and others.exists():
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
