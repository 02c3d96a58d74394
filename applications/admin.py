"""The admin is for operators looking into one person's data: search by owner, read the history.

Editing here bypasses applications.services (no timeline row, no follow-up sync), so status and
interview times are read-only on existing rows.
"""

from django.contrib import admin

from applications.models import (
    Application,
    BankQuestion,
    Contact,
    Document,
    FeedbackEntry,
    Interview,
    PrepItem,
    StatusChange,
)


class OwnerFromParentMixin:
    """Rows added inline belong to the owner of the row they are added to."""

    def save_formset(self, request, form, formset, change):
        for inline_form in formset.forms:
            child = inline_form.instance
            if hasattr(child, "owner_id") and child.owner_id is None:
                child.owner_id = form.instance.owner_id
        super().save_formset(request, form, formset, change)


class StatusChangeInline(admin.TabularInline):
    model = StatusChange
    fields = ["changed_at", "previous_status", "status"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    ordering = ["changed_at", "id"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class InterviewInline(admin.TabularInline):
    model = Interview
    fields = ["starts_at", "duration_minutes", "kind", "outcome", "cancelled"]
    readonly_fields = fields
    extra = 0
    show_change_link = True
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class FeedbackEntryInline(admin.StackedInline):
    model = FeedbackEntry
    fields = ["received_on", "from_whom", "text", "constructive", "lessons"]
    extra = 0


@admin.register(Application)
class ApplicationAdmin(OwnerFromParentMixin, admin.ModelAdmin):
    list_display = ["position", "company", "owner", "status", "applied_on", "updated_at"]
    list_filter = ["status", "applied_on", "updated_at"]
    search_fields = ["company", "position", "owner__email"]
    list_select_related = ["owner"]
    raw_id_fields = ["owner"]
    autocomplete_fields = ["contacts"]
    readonly_fields = ["status", "status_changed_at", "created_at", "updated_at"]
    date_hierarchy = "created_at"
    inlines = [InterviewInline, StatusChangeInline, FeedbackEntryInline]


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin):
    list_display = ["name", "role", "company", "email", "phone", "owner"]
    search_fields = ["name", "email", "company", "owner__email"]
    list_select_related = ["owner"]
    raw_id_fields = ["owner"]


class PrepItemInline(admin.TabularInline):
    model = PrepItem
    fields = ["position", "question", "answer", "done"]
    extra = 0


@admin.register(Interview)
class InterviewAdmin(OwnerFromParentMixin, admin.ModelAdmin):
    list_display = [
        "application",
        "owner",
        "starts_at",
        "duration_minutes",
        "kind",
        "outcome",
        "cancelled",
    ]
    list_filter = ["kind", "outcome", "cancelled", "starts_at"]
    search_fields = ["application__company", "application__position", "owner__email"]
    list_select_related = ["application", "owner"]
    raw_id_fields = ["owner", "application"]
    autocomplete_fields = ["interviewers"]
    readonly_fields = ["starts_at", "duration_minutes", "cancelled", "created_at", "updated_at"]
    date_hierarchy = "starts_at"
    inlines = [PrepItemInline]


@admin.register(StatusChange)
class StatusChangeAdmin(admin.ModelAdmin):
    list_display = ["application", "owner", "previous_status", "status", "changed_at"]
    list_filter = ["status", "changed_at"]
    search_fields = ["application__company", "application__position", "owner__email"]
    list_select_related = ["application", "owner"]
    raw_id_fields = ["owner", "application"]
    date_hierarchy = "changed_at"

    # The timeline is history: it is written only by the services.
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(PrepItem)
class PrepItemAdmin(admin.ModelAdmin):
    list_display = ["question", "interview", "owner", "done"]
    list_filter = ["done"]
    search_fields = ["question", "owner__email"]
    list_select_related = ["interview__application", "owner"]
    raw_id_fields = ["owner", "interview"]


@admin.register(BankQuestion)
class BankQuestionAdmin(admin.ModelAdmin):
    list_display = ["question", "owner", "position"]
    search_fields = ["question", "owner__email"]
    list_select_related = ["owner"]
    raw_id_fields = ["owner"]


@admin.register(FeedbackEntry)
class FeedbackEntryAdmin(admin.ModelAdmin):
    list_display = ["application", "owner", "received_on", "from_whom", "constructive"]
    list_filter = ["constructive", "received_on"]
    search_fields = ["application__company", "text", "from_whom", "owner__email"]
    list_select_related = ["application", "owner"]
    raw_id_fields = ["owner", "application"]


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    """Documents to look up and delete, never to add or replace: a file enters only through
    the owner's form or an import, where its type is checked by content (documents.detect).
    Deleting one here removes its file too, after the commit (documents.py)."""

    list_display = ["original_name", "kind", "application", "owner", "size", "sent_on"]
    list_filter = ["kind", "sent_on"]
    search_fields = ["original_name", "label", "application__company", "owner__email"]
    list_select_related = ["application", "owner"]
    raw_id_fields = ["owner", "application"]
    fields = [
        "owner",
        "application",
        "kind",
        "label",
        "original_name",
        "content_type",
        "size",
        "sent_on",
        "created_at",
    ]
    readonly_fields = [
        "owner",
        "application",
        "original_name",
        "content_type",
        "size",
        "created_at",
    ]
    date_hierarchy = "sent_on"

    def has_add_permission(self, request) -> bool:
        return False
