from django.contrib import admin

from exports.models import CalendarFeed, ImportJob


@admin.register(CalendarFeed)
class CalendarFeedAdmin(admin.ModelAdmin):
    list_display = ["owner", "created_at", "last_fetched_at"]
    search_fields = ["owner__email"]
    # The token is a password in all but name: not shown, not searchable.
    exclude = ["token"]
    readonly_fields = ["owner", "created_at", "last_fetched_at"]


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    list_display = ["owner", "kind", "filename", "state", "created_at", "finished_at"]
    list_filter = ["kind", "state"]
    search_fields = ["owner__email"]
    # The uploaded file is the person's data, and may be 20 MB: not shown.
    exclude = ["payload"]
    readonly_fields = [
        "owner",
        "kind",
        "state",
        "filename",
        "options",
        "total",
        "done",
        "problems",
        "result",
        "created_at",
        "started_at",
        "finished_at",
    ]
