from django.contrib import admin

from followups.models import Digest, Followup


@admin.register(Followup)
class FollowupAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        "kind",
        "state",
        "application",
        "owner",
        "due_at",
        "next_attempt_at",
        "attempts",
        "notified_at",
        "sent_late",
    ]
    list_filter = ["state", "kind", "sent_late"]
    search_fields = ["application__company", "application__position", "owner__email"]
    raw_id_fields = ["owner", "application", "interview"]
    list_select_related = ["application", "owner"]
    date_hierarchy = "due_at"
    ordering = ["-due_at", "-id"]
    # The dispatcher's bookkeeping: shown for support, changed only by the dispatcher itself.
    readonly_fields = [
        "claimed_until",
        "claim_token",
        "attempts",
        "last_error",
        "skip_reason",
        "notified_at",
        "sent_late",
        "created_at",
        "updated_at",
    ]


@admin.register(Digest)
class DigestAdmin(admin.ModelAdmin):
    list_display = ["id", "owner", "day", "state", "item_count", "attempts", "sent_at"]
    list_filter = ["state"]
    search_fields = ["owner__email"]
    raw_id_fields = ["owner"]
    list_select_related = ["owner"]
    date_hierarchy = "day"
    ordering = ["-day", "-id"]
    # Written by the digest pass only.
    readonly_fields = [
        "state",
        "next_attempt_at",
        "claimed_until",
        "claim_token",
        "attempts",
        "last_error",
        "sent_at",
        "item_count",
        "created_at",
        "updated_at",
    ]
