"""The form that attaches a document (a CV, a cover letter) to an application."""

from django import forms
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from applications import documents
from applications.forms._common import DateInput, OwnedModelForm
from applications.models import Document
from core.validators import validate_year


def _file_help() -> str:
    return gettext("PDF, DOCX, ODT or plain text, at most %(limit)s.") % {
        "limit": documents.size_text(documents.max_bytes())
    }


class DocumentForm(OwnedModelForm):
    upload = forms.FileField(
        label=_("File"),
        help_text=lazy(_file_help, str)(),
        widget=forms.ClearableFileInput(attrs={"accept": documents.ACCEPT}),
    )

    class Meta:
        model = Document
        fields = ["upload", "kind", "label", "sent_on"]
        labels = {
            "kind": _("What it is"),
            "label": _("Label"),
            "sent_on": _("Date sent"),
        }
        widgets = {"sent_on": DateInput}

    def __init__(self, *args, owner, **kwargs):
        super().__init__(*args, owner=owner, **kwargs)
        self.initial.setdefault("sent_on", timezone.localdate())
        self.detected: documents.Detected | None = None

    def clean_upload(self):
        upload = self.cleaned_data["upload"]
        # The size first: past the largest upload, the file arrived empty (core.uploads).
        if upload.size > documents.max_bytes():
            raise documents.too_large()
        self.detected = documents.detect(upload)
        documents.check_name(documents.clean_name(upload.name), self.detected)
        return upload

    def clean_sent_on(self):
        value = self.cleaned_data["sent_on"]
        validate_year(value)
        return value
