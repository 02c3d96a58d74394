"""Forms for editing, regenerating and exporting drafts, and for the user's own templates."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from django import forms
from django.core.exceptions import ValidationError
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from applications.models import Application
from drafts import rendering
from drafts.models import BODY_MAX, SUBJECT_MAX, Kind, Language


def _limit_text(limit: int) -> str:
    return ngettext("At most %(limit)s character.", "At most %(limit)s characters.", limit) % {
        "limit": limit
    }


# Lazy as a whole: ngettext_lazy(...) % values is translated at once, so a help text made when
# the module loads (a form field declared on the class) stayed in the language of that moment.
_limit_help = lazy(_limit_text, str)


def _helper() -> FormHelper:
    """Fields only: the templates write the <form>, the CSRF token and the buttons."""
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True  # the template's own {% csrf_token %} is in every <form>
    return helper


class SubjectField(forms.CharField):
    """One line: a pasted line break becomes a space instead of a second header line."""

    def to_python(self, value):
        return rendering.one_line(super().to_python(value))


class BodyField(forms.CharField):
    """Browsers send line breaks as CRLF; the limit counts them once, as the textarea does."""

    def to_python(self, value):
        value = super().to_python(value)
        return value.replace("\r\n", "\n").replace("\r", "\n")


def _subject_field() -> SubjectField:
    return SubjectField(
        label=_("Subject"), max_length=SUBJECT_MAX, help_text=_limit_help(SUBJECT_MAX)
    )


def _body_field() -> BodyField:
    return BodyField(
        label=_("Body"),
        max_length=BODY_MAX,
        strip=False,
        help_text=_limit_help(BODY_MAX),
        widget=forms.Textarea(attrs={"rows": 16}),
    )


class DraftForm(forms.Form):
    recipient = forms.EmailField(
        label=_("To"),
        required=False,
        max_length=254,
        help_text=_("The interviewer's email, if you know it."),
    )
    subject = _subject_field()
    body = _body_field()

    def __init__(
        self,
        *args,
        missing_in: set[str] | frozenset[str] = frozenset(),
        kind: str = "",
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.helper = _helper()
        if kind == Kind.CALL:
            # A call script is read aloud, not sent: nobody to address it to.
            del self.fields["recipient"]
        # Flag the fields that still hold a bracketed placeholder, next to the list above.
        for name in missing_in:
            widget = self.fields[name].widget
            widget.attrs["class"] = "border-warning border-2"
            widget.attrs["aria-describedby"] = "missing-placeholders"


class RegenerateForm(forms.Form):
    language = forms.ChoiceField(label=_("Language"), choices=Language.choices)
    confirm = forms.BooleanField(
        label=_("Replace my edits"),
        required=False,
        help_text=_("Your saved changes to the subject and body will be lost."),
    )

    def __init__(self, *args, edited: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.edited = edited
        self.helper = _helper()
        if not edited:
            # Nothing of the user's to lose, so nothing to confirm.
            del self.fields["confirm"]

    def clean(self):
        cleaned = super().clean()
        if self.edited and not cleaned.get("confirm"):
            self.add_error(
                "confirm",
                _("You have edited this draft. Tick the box to replace your edits."),
            )
        return cleaned


class GenerateForm(forms.Form):
    """Ids only: the view looks them up among the user's own rows (404 for anyone else's)."""

    kind = forms.ChoiceField(choices=Kind.choices)
    application = forms.IntegerField(required=False, min_value=1)
    interview = forms.IntegerField(required=False, min_value=1)
    language = forms.ChoiceField(choices=Language.choices, required=False)

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("application") and not cleaned.get("interview"):
            raise ValidationError(_("Choose an application or an interview."))
        return cleaned


class NewDraftForm(forms.Form):
    """Which application to write about; only the user's own are choices."""

    application = forms.ModelChoiceField(
        label=_("Application"),
        queryset=Application.objects.none(),
        required=False,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    interview = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["application"].queryset = Application.objects.owned_by(user).order_by(
            "company", "position", "id"
        )

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("application") and not cleaned.get("interview"):
            raise ValidationError(_("Choose an application."))
        return cleaned


class KindFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[("", _("All kinds")), *Kind.choices],
        required=False,
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    def selected_kind(self) -> str:
        return self.cleaned_data.get("kind", "") if self.is_valid() else ""


class DraftTemplateForm(forms.Form):
    subject = _subject_field()
    body = _body_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper()

    def _checked(self, name: str) -> str:
        value = self.cleaned_data[name]
        try:
            rendering.check_template(value)
        except rendering.TemplateError as error:
            raise ValidationError(str(error), code="template") from None
        return value

    def clean_subject(self) -> str:
        return self._checked("subject")

    def clean_body(self) -> str:
        return self._checked("body")
