from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.services import user_preferences_update

# What the Profile and Follow-ups sections edit: saved through the preferences service, so that a
# new delay, quiet hours, time zone or country reschedules the person's follow-ups as the
# preferences page does.
PREFERENCE_FIELDS = [
    "display_name",
    "language",
    "time_zone",
    "country",
    "reminders_enabled",
    "thank_you_enabled",
    "thank_you_delay_minutes",
    "call_enabled",
    "call_delay_business_days",
    "call_time",
    "feedback_enabled",
    "quiet_hours_start",
    "quiet_hours_end",
    "quiet_after_days",
]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "display_name", "language", "time_zone", "country", "is_staff"]
    list_filter = ["is_staff", "is_active", "language", "reminders_enabled"]
    search_fields = ["email", "display_name"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Profile"), {"fields": ["display_name", "language", "time_zone", "country"]}),
        (
            _("Follow-ups"),
            {
                # Each of these is in PREFERENCE_FIELDS.
                "fields": [
                    "reminders_enabled",
                    ("thank_you_enabled", "thank_you_delay_minutes"),
                    ("call_enabled", "call_delay_business_days", "call_time"),
                    "feedback_enabled",
                    ("quiet_hours_start", "quiet_hours_end"),
                    "quiet_after_days",
                ]
            },
        ),
        (
            _("Permissions"),
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]})]

    def save_model(self, request, obj, form, change):
        if change:
            # Before the rest is saved: the service compares with the stored row.
            changed = {name: form.cleaned_data[name] for name in PREFERENCE_FIELDS}
            user_preferences_update(user=obj, **changed)
        super().save_model(request, obj, form, change)
