import functools
import zoneinfo

from django import forms
from django.contrib.auth import forms as auth_forms
from django.utils.translation import gettext_lazy as _

from accounts.models import User, normalize_email
from followups import policy


class SignupForm(auth_forms.BaseUserCreationForm):
    class Meta:
        model = User
        fields = ["email", "display_name", "language"]
        labels = {"email": _("Email")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["password1"].label = _("Password")
        self.fields["password2"].label = _("Password again")

    def clean_email(self) -> str:
        email = normalize_email(self.cleaned_data["email"])
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(
                _("An account with this email already exists. Log in or reset your password.")
            )
        return email


class LoginForm(auth_forms.AuthenticationForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("Email")
        username = self.fields["username"]
        # The widget's own type, not an attribute: an attribute "type" came out as a second one.
        username.widget.input_type = "email"
        username.widget.attrs["autocomplete"] = "email"
        self.fields["password"].label = _("Password")


class PasswordChangeForm(auth_forms.PasswordChangeForm):
    pass


class PasswordResetForm(auth_forms.PasswordResetForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].label = _("Email")

    def get_users(self, email):
        # The stock form matches on the exact case; addresses are stored lower-cased.
        return super().get_users(normalize_email(email))


class SetPasswordForm(auth_forms.SetPasswordForm):
    pass


class TimeInput(forms.TimeInput):
    input_type = "time"


class PreferencesForm(forms.ModelForm):
    class Meta:
        model = User
        # The timing preferences are declared once, in followups.policy.
        fields = ["display_name", "language", *policy.USER_FIELDS, "reminders_enabled"]
        widgets = {
            "call_time": TimeInput(format="%H:%M"),
            "quiet_hours_start": TimeInput(format="%H:%M"),
            "quiet_hours_end": TimeInput(format="%H:%M"),
            "country": forms.Select,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].widget.choices = country_choices()
        # The model's max_length becomes a maxlength attribute, which a <select> may not have.
        self.fields["country"].widget.attrs.pop("maxlength", None)
        self.fields["time_zone"].widget = forms.Select(choices=time_zone_choices())

    def clean_time_zone(self) -> str:
        name = self.cleaned_data["time_zone"]
        if name not in zoneinfo.available_timezones():
            raise forms.ValidationError(_("Choose a time zone from the list."))
        return name

    def clean_country(self) -> str:
        country = self.cleaned_data["country"].upper()
        if country not in dict(country_choices()):
            raise forms.ValidationError(_("Choose a country from the list."))
        return country


# Countries whose public holidays the holidays package knows; a short list keeps every name
# translatable. Add more here (and to the .po files) as users ask.
COUNTRIES = {
    "AT": _("Austria"),
    "BE": _("Belgium"),
    "CA": _("Canada"),
    "CH": _("Switzerland"),
    "CZ": _("Czechia"),
    "DE": _("Germany"),
    "DK": _("Denmark"),
    "EE": _("Estonia"),
    "ES": _("Spain"),
    "FI": _("Finland"),
    "FR": _("France"),
    "GB": _("United Kingdom"),
    "IE": _("Ireland"),
    "IS": _("Iceland"),
    "IT": _("Italy"),
    "LT": _("Lithuania"),
    "LV": _("Latvia"),
    "NL": _("Netherlands"),
    "NO": _("Norway"),
    "PL": _("Poland"),
    "PT": _("Portugal"),
    "SE": _("Sweden"),
    "US": _("United States"),
}


def country_choices() -> list[tuple[str, str]]:
    return sorted(COUNTRIES.items(), key=lambda item: str(item[1]))


@functools.cache
def time_zone_choices() -> list[tuple[str, str]]:
    names = sorted(tz for tz in zoneinfo.available_timezones() if "/" in tz and "Etc/" not in tz)
    return [(name, name.replace("_", " ")) for name in names]
