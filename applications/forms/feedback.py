"""The form of a feedback log entry."""

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from applications.forms._common import DateInput, OwnedModelForm
from applications.models import FeedbackEntry
from core.validators import validate_year


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
