from django.contrib import admin

from exports.models import CalendarFeed


@admin.register(CalendarFeed)
class CalendarFeedAdmin(admin.ModelAdmin):
    list_display = ["owner", "created_at", "last_fetched_at"]
    search_fields = ["owner__email"]
    # The token is a password in all but name: not shown, not searchable.
    exclude = ["token"]
    readonly_fields = ["owner", "created_at", "last_fetched_at"]
