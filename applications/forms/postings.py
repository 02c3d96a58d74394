"""The form of "Add from posting URL": the address of the posting to fetch."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext_lazy as _

from applications.models import Application

URL_MAX = Application._meta.get_field("posting_url").max_length
# A scheme ("javascript:", "file:"), but not a host and port ("localhost:8000/…").
SCHEME_RE = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):(?!\d)")


class PostingUrlForm(forms.Form):
    posting_url = forms.CharField(
        label=_("Posting URL"),
        max_length=URL_MAX,
        help_text=_(
            "The address of the job posting. Seuranta reads the page and fills in the new "
            "application for you to check; nothing is saved until you press Save."
        ),
        widget=forms.URLInput(attrs={"placeholder": "https://", "autocomplete": "url"}),
    )

    def clean_posting_url(self) -> str:
        value = self.cleaned_data["posting_url"].strip()
        match = SCHEME_RE.match(value)
        if match is None:
            value = f"https://{value}"  # "duunitori.fi/…", as people copy addresses
        elif match.group(1).lower() not in ("http", "https"):
            raise ValidationError(
                _("Only http:// and https:// addresses can be fetched, not “%(scheme)s:”."),
                params={"scheme": match.group(1)},
                code="scheme",
            )
        try:
            URLValidator(schemes=["http", "https"])(value)
        except ValidationError:
            raise ValidationError(
                _("Enter the web address of the posting, such as https://…"), code="invalid"
            ) from None
        return value
