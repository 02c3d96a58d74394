from django import forms
from django.contrib import admin

from drafts import rendering
from drafts.models import Draft, DraftTemplate


@admin.register(Draft)
class DraftAdmin(admin.ModelAdmin):
    list_display = ["subject", "kind", "language", "owner", "application", "edited", "updated_at"]
    list_filter = ["kind", "language", "edited"]
    search_fields = ["subject", "body", "recipient", "owner__email", "application__company"]
    raw_id_fields = ["owner", "application", "interview", "followup"]
    readonly_fields = ["created_at", "updated_at"]
    date_hierarchy = "updated_at"


class DraftTemplateAdminForm(forms.ModelForm):
    """The same check as the templates page: a template saved here must render later."""

    class Meta:
        model = DraftTemplate
        fields = ["owner", "kind", "language", "subject", "body"]

    def _checked(self, name: str) -> str:
        value = self.cleaned_data[name]
        try:
            rendering.check_template(value)
        except rendering.TemplateError as error:
            raise forms.ValidationError(str(error)) from None
        return value

    def clean_subject(self) -> str:
        return rendering.one_line(self._checked("subject"))

    def clean_body(self) -> str:
        return self._checked("body")


@admin.register(DraftTemplate)
class DraftTemplateAdmin(admin.ModelAdmin):
    form = DraftTemplateAdminForm
    list_display = ["owner", "kind", "language", "subject", "updated_at"]
    list_filter = ["kind", "language"]
    search_fields = ["owner__email", "subject", "body"]
    raw_id_fields = ["owner"]
