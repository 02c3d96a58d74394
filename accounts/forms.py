import datetime
import functools
import json

from django import forms
from django.conf import settings
from django.contrib.auth import forms as auth_forms
from django.utils.translation import gettext_lazy as _

from accounts import time_zones
from accounts.models import User
from core.mail import normalize_email
from followups import policy


class TimeZoneSelect(forms.Select):
    """The time zones grouped by region, each option carrying its country (data-country).

    static/js/time-zone.js reads the countries to fill in the country with the zone the
    browser reports, the aliases (data-aliases) to read an old name a browser may report,
    and adds a filter box above the list.
    """

    def __init__(self, attrs=None):
        super().__init__(attrs, choices=time_zone_choices())

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["attrs"]["data-filter-label"] = _("Find a place")
        context["widget"]["attrs"]["data-aliases"] = json.dumps(
            time_zones.aliases(), separators=(",", ":")
        )
        return context

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        country = time_zones.country_of(value)
        if country:
            option["attrs"]["data-country"] = country
        return option


class TimeZoneFields(forms.ModelForm):
    """The time zone and the country, as both the sign-up and the preferences forms ask them."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].widget = forms.Select(choices=country_choices())
        self.fields["time_zone"].widget = TimeZoneSelect()
        self.fields["time_zone"].help_text = _("Reminders and times on every page follow it.")
        stored = self.initial.get("time_zone")
        if stored and not self.is_bound:
            # A name stored before the list was current ("Europe/Kiev"): show what it means.
            self.initial["time_zone"] = time_zones.canonical_zone(stored) or stored

    def clean_time_zone(self) -> str:
        # An old name (as a browser may report it) is read as the current one.
        name = time_zones.canonical_zone(self.cleaned_data["time_zone"])
        if name is None:
            raise forms.ValidationError(_("Choose a time zone from the list."))
        return name

    def clean_country(self) -> str:
        country = self.cleaned_data["country"].upper()
        if country not in dict(country_choices()):
            raise forms.ValidationError(_("Choose a country from the list."))
        return country


class SignupForm(auth_forms.BaseUserCreationForm, TimeZoneFields):
    """Sign-up, with the time zone and country the browser reports (static/js/time-zone.js).

    Without JavaScript the defaults stand, in plain sight on the form.
    """

    class Meta:
        model = User
        fields = ["email", "display_name", "language", "time_zone", "country"]
        labels = {"email": _("Email")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["password1"].label = _("Password")
        self.fields["password2"].label = _("Password again")
        # Left out (an old form, a script), the server's defaults stand.
        self.fields["time_zone"].required = False
        self.fields["country"].required = False

    def clean_time_zone(self) -> str:
        if not self.cleaned_data.get("time_zone"):
            return settings.DEFAULT_USER_TIME_ZONE
        return super().clean_time_zone()

    def clean_country(self) -> str:
        if not self.cleaned_data.get("country"):
            return settings.DEFAULT_USER_COUNTRY
        return super().clean_country()

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


DIGEST_FIELDS = ("digest_enabled", "digest_time")


class PreferencesForm(TimeZoneFields):
    class Meta:
        model = User
        # The timing preferences are declared once, in followups.policy; the digest's two
        # come last. Reminder emails on or off (reminders_enabled) is the Email row of the
        # page's "Notification channels".
        fields = [
            "display_name",
            "language",
            *(name for name in policy.USER_FIELDS if name not in DIGEST_FIELDS),
            "quiet_after_days",
            *DIGEST_FIELDS,
        ]
        widgets = {
            "call_time": TimeInput(format="%H:%M"),
            "quiet_hours_start": TimeInput(format="%H:%M"),
            "quiet_hours_end": TimeInput(format="%H:%M"),
            "digest_time": TimeInput(format="%H:%M"),
            "review_period_start": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Asked for only with the digest on: left empty (or left out by an older page), the
        # time stays as it was.
        self.fields["digest_time"].required = False

    def clean_digest_time(self) -> datetime.time:
        value = self.cleaned_data.get("digest_time")
        if value is not None:
            return value
        if self.cleaned_data.get("digest_enabled"):
            raise forms.ValidationError(_("Choose the time of day for the digest."))
        # The stored time: the form copies its values onto the instance only after cleaning.
        return self.instance.digest_time


class TimeZoneSwitchForm(forms.Form):
    """The notice's one-click switch to the zone the browser reports."""

    time_zone = forms.CharField(max_length=64)

    def clean_time_zone(self) -> str:
        name = time_zones.canonical_zone(self.cleaned_data["time_zone"])
        if name is None:
            raise forms.ValidationError(_("Choose a time zone from the list."))
        return name


# Countries whose public holidays the holidays package knows; a short list keeps every name
# translatable. Add more here (and to the .po files) as users ask.
COUNTRIES = {
    "AR": _("Argentina"),
    "AT": _("Austria"),
    "AU": _("Australia"),
    "BG": _("Bulgaria"),
    "BR": _("Brazil"),
    "CL": _("Chile"),
    "CN": _("China"),
    "CY": _("Cyprus"),
    "GR": _("Greece"),
    "HR": _("Croatia"),
    "HU": _("Hungary"),
    "IL": _("Israel"),
    "IN": _("India"),
    "JP": _("Japan"),
    "KR": _("South Korea"),
    "LU": _("Luxembourg"),
    "MT": _("Malta"),
    "MX": _("Mexico"),
    "NZ": _("New Zealand"),
    "RO": _("Romania"),
    "SG": _("Singapore"),
    "SI": _("Slovenia"),
    "SK": _("Slovakia"),
    "UA": _("Ukraine"),
    "ZA": _("South Africa"),
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


# Region names of the time-zone list (the part of a zone name before the first "/").
REGIONS = {
    "Africa": _("Africa"),
    "America": _("America"),
    "Antarctica": _("Antarctica"),
    "Arctic": _("Arctic"),
    "Asia": _("Asia"),
    "Atlantic": _("Atlantic"),
    "Australia": _("Australia"),
    "Europe": _("Europe"),
    "Indian": _("Indian Ocean"),
    "Pacific": _("Pacific"),
}


def time_zone_choices() -> list:
    """Current zone names (no `Asmera` or `Timbuktu`), grouped by region, labelled by place.

    Built per call: the region names are translated in the language of the page.
    """
    return [("UTC", "UTC"), *_grouped_zones()]


@functools.cache
def _grouped_zones() -> list:
    groups: dict[str, list[tuple[str, str]]] = {}
    for name in time_zones.zone_countries():
        region = name.partition("/")[0]
        groups.setdefault(region, []).append((name, time_zones.place_name(name)))
    return [(REGIONS.get(region, region), zones) for region, zones in groups.items()]
