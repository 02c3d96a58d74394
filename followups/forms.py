from django import forms
from django.utils.translation import gettext_lazy as _

from followups.models import OPEN_STATES, Kind, State

# Filter values beyond the single states: the default view is what still needs doing.
STATE_OPEN = ""
STATE_ALL = "all"


class FollowupFilterForm(forms.Form):
    state = forms.ChoiceField(
        label=_("State"),
        required=False,
        choices=[(STATE_OPEN, _("To do (open)")), (STATE_ALL, _("All states")), *State.choices],
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    kind = forms.ChoiceField(
        label=_("Kind"),
        required=False,
        choices=[("", _("All kinds")), *Kind.choices],
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    def selected_states(self) -> list[str] | None:
        """The states to show (None for all); call after is_valid()."""
        value = self.cleaned_data.get("state", STATE_OPEN)
        if value == STATE_ALL:
            return None
        if value == STATE_OPEN:
            return sorted(OPEN_STATES)
        return [value]

    def selected_kind(self) -> str:
        return self.cleaned_data.get("kind", "")
