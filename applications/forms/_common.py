"""What the forms share: the crispy helper, validators, input widgets and the base forms."""

import copy
import uuid

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Layout
from django import forms
from django.core.exceptions import ValidationError
from django.utils.functional import lazy
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext, ngettext

from applications.models import DURATION_CHOICES, DURATION_MAX, DURATION_MIN
from core.validators import is_id


def _limit_text(limit: int) -> str:
    return ngettext("At most %(limit)s character.", "At most %(limit)s characters.", limit) % {
        "limit": limit
    }


# Lazy as a whole: ngettext_lazy(...) % values is translated at once, so a help text made when
# the module loads (a form field declared on the class) stayed in the language of that moment.
limit_help = lazy(_limit_text, str)


def form_helper(layout: Layout | None = None) -> FormHelper:
    """Fields only: templates write the <form>, the CSRF token and the buttons themselves."""
    helper = FormHelper()
    helper.form_tag = False
    # Hidden fields are in no layout (the submission key): render them all the same.
    helper.render_hidden_fields = True
    if layout is not None:
        helper.layout = layout
    return helper


class IdMultipleChoiceField(forms.ModelMultipleChoiceField):
    """A choice of several rows whose ids are checked before the `pk__in` query.

    Django checks each value only as far as the exact lookup goes, which tolerates a huge number;
    the `__in` lookup that follows does not, and a posted 99999999999999999999 was a 500.
    """

    def _check_values(self, value):
        for pk in value:
            if not is_id(pk):
                raise ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": pk},
                )
        return super()._check_values(value)


class ContactsField(IdMultipleChoiceField):
    """Contacts to pick, each with their company: two people of one name are told apart."""

    def label_from_instance(self, obj) -> str:
        return f"{obj.name} ({obj.company})" if obj.company else obj.name


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
        if not self.instance.pk and hasattr(self._meta.model, "submission_key"):
            # A new key for each empty form; posted again with the same key, the form finds the
            # row it created the first time (applications.views._common._create_once).
            self.fields["submission_key"] = forms.UUIDField(
                required=False, widget=forms.HiddenInput, initial=uuid.uuid4
            )
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

    @property
    def uses_picker(self) -> bool:
        """Whether the page loads the picker's script and style (PickerSelect)."""
        return any(isinstance(field.widget, PickerSelect) for field in self.fields.values())


class PickerSelect(forms.SelectMultiple):
    """A <select multiple> that static/js/picker.js turns into a search-as-you-type picker
    (Tom Select, vendored); without JavaScript it is the plain select, in the same order."""

    def __init__(self, attrs=None):
        super().__init__({"data-picker": "", "size": 6, **(attrs or {})})

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        # Rendered in the page's language (a lazy string would be fixed at import).
        context["widget"]["attrs"]["data-picker-empty"] = gettext("No match")
        # The name of each chip's ×, which takes the person back out of the choice.
        context["widget"]["attrs"]["data-picker-remove"] = gettext("Remove")
        return context


class SearchInput(forms.TextInput):
    input_type = "search"
