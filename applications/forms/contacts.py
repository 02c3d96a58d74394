"""Forms of contacts: create and edit, and the list filter."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from applications import queries
from applications.forms._common import (
    IdMultipleChoiceField,
    OwnedModelForm,
    PickerSelect,
)
from applications.models import Application, Contact
from core.validators import validate_phone


class ContactForm(OwnedModelForm):
    applications = IdMultipleChoiceField(
        label=_("Applications"),
        queryset=Application.objects.none(),
        required=False,
        widget=PickerSelect,
        help_text=_("The applications this person is part of."),
    )

    class Meta:
        model = Contact
        fields = ["name", "role", "company", "email", "phone", "notes"]
        labels = {
            "name": _("Name"),
            "role": _("Role"),
            "company": _("Company"),
            "email": _("Email"),
            "phone": _("Phone"),
        }
        widgets = {"phone": forms.TextInput(attrs={"type": "tel"})}

    def __init__(self, *args, owner, **kwargs):
        super().__init__(*args, owner=owner, **kwargs)
        self.fields["phone"].validators.append(validate_phone)
        applications = self.fields["applications"]
        company = self.data.get("company", "") if self.is_bound else self.instance.company
        applications.queryset = queries.applications_company_first(owner, company or "")
        if not applications.queryset.exists():
            del self.fields["applications"]
        elif self.instance.pk and "applications" not in self.initial:
            self.initial["applications"] = list(
                self.instance.applications.values_list("pk", flat=True)
            )

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip().lower()
        if email:
            others = Contact.objects.owned_by(self.owner).filter(email__iexact=email)
            if self.instance.pk:
                others = others.exclude(pk=self.instance.pk)
            other = others.first()
            if other is not None:
                raise ValidationError(
                    _("Your contact %(name)s already has this email."),
                    code="duplicate",
                    params={"name": other.name},
                )
        return email

    def save(self, commit=True) -> Contact:
        contact = super().save(commit=False)
        contact.owner = self.owner
        contact.save()
        if "applications" in self.fields:
            contact.applications.set(self.cleaned_data["applications"])
        return contact
