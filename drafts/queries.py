"""Read-only draft look-ups for pages, this app's and others' (application and interview pages)."""

from __future__ import annotations

from django.db.models import QuerySet

from drafts.models import Draft


def _for_pages(queryset: QuerySet) -> QuerySet:
    # Every list shows the company and the interview date: one query however many rows.
    return queryset.select_related("application", "interview")


def draft_list_queryset(user, *, kind: str = "") -> QuerySet:
    queryset = Draft.objects.owned_by(user)
    if kind:
        queryset = queryset.filter(kind=kind)
    return _for_pages(queryset)


def drafts_for_application(application) -> QuerySet:
    """The drafts of one application (all its interviews included), newest first.

    Filtered by the application's owner too, so it is safe with any application object.
    """
    return _for_pages(Draft.objects.filter(owner_id=application.owner_id, application=application))


def drafts_for_interview(interview) -> QuerySet:
    """The drafts written about one interview, newest first."""
    return _for_pages(Draft.objects.filter(owner_id=interview.owner_id, interview=interview))
