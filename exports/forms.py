from django import forms
from django.conf import settings
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.safezip import looks_like_zip
from exports.csv_import import DAY_FIRST, MAX_BYTES, MAX_ROWS, MONTH_FIRST, TARGETS
from exports.json_import import JSON_MAX_BYTES


def interpolated(message, values: dict):
    """A lazy message with its values filled in when shown, in the language of that request.

    `gettext_lazy(...) % values` would translate once, at import, in the default language.
    """
    return lazy(lambda: message % values, str)()


class CsvUploadForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=interpolated(
            _(
                "Comma, semicolon or tab separated, as Excel, LibreOffice or Google Sheets save "
                "it; at most %(mb)d MB and %(rows)d rows. The first row names the columns."
            ),
            {"mb": MAX_BYTES >> 20, "rows": MAX_ROWS},
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.txt,text/csv"}),
    )


def _json_upload_help() -> str:
    return gettext(
        "A file downloaded from “Export” on this or another Seuranta: the JSON (at most "
        "%(json_mb)d MB) or the zip with your documents (at most %(zip_mb)d MB)."
    ) % {"json_mb": JSON_MAX_BYTES >> 20, "zip_mb": settings.IMPORT_MAX_BYTES >> 20}


class JsonUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Seuranta export (JSON or ZIP)"),
        help_text=lazy(_json_upload_help, str)(),
        widget=forms.ClearableFileInput(
            attrs={"accept": ".json,.zip,application/json,application/zip"}
        ),
    )
    take_preferences = forms.BooleanField(
        label=_("Also take preferences from the file"),
        help_text=_(
            "Your name, language, reminder times and other settings are replaced by those in "
            "the file. Without this, only your applications and what belongs to them are "
            "imported."
        ),
        required=False,
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        # The size first: past the largest upload, the file arrived empty (core.uploads).
        zip_limit = settings.IMPORT_MAX_BYTES
        if upload.size > zip_limit:
            raise forms.ValidationError(
                _("The file is larger than %(mb)d MB.") % {"mb": zip_limit >> 20}
            )
        head = upload.read(4)
        upload.seek(0)
        if not looks_like_zip(head) and upload.size > JSON_MAX_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(mb)d MB.") % {"mb": JSON_MAX_BYTES >> 20}
            )
        return upload


class MappingForm(forms.Form):
    """One select per field of an application: which column of the file holds it."""

    DATE_ORDER = "date_order"

    def __init__(self, *args, headers: list[str], ask_date_order: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", _("— not imported —"))] + [
            (str(i), header or _("Column %(n)d") % {"n": i + 1}) for i, header in enumerate(headers)
        ]
        for target in TARGETS:
            self.fields[target.key] = forms.ChoiceField(
                label=target.label, choices=choices, required=target.required
            )
        if ask_date_order:
            # Only when the file has dates like 03/04/2026: which part is the day?
            self.fields[self.DATE_ORDER] = forms.ChoiceField(
                label=_("Dates written with slashes"),
                choices=[
                    (DAY_FIRST, _("Day first: 20/11/2026 is 20 November 2026")),
                    (MONTH_FIRST, _("Month first: 11/20/2026 is 20 November 2026")),
                ],
                widget=forms.RadioSelect,
                help_text=_(
                    "The file has dates such as 03/04/2026, which could be 3 April or 4 March."
                ),
            )

    @property
    def mapping_fields(self):
        return [field for field in self if field.name != self.DATE_ORDER]

    def chosen_date_order(self) -> str:
        return self.cleaned_data.get(self.DATE_ORDER) or DAY_FIRST

    def clean(self):
        cleaned = super().clean()
        seen: dict[str, str] = {}
        for key, value in list(cleaned.items()):
            if key == self.DATE_ORDER or value in ("", None):
                continue
            if value in seen:
                self.add_error(key, _("This column is already used for another field."))
            seen[value] = key
        return cleaned

    def mapping(self) -> dict[str, int | None]:
        return {
            key: (int(value) if value not in ("", None) else None)
            for key, value in self.cleaned_data.items()
            if key != self.DATE_ORDER
        }
