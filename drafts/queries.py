"""Read-only draft look-ups for pages, this app's and others' (application and interview pages)."""

from __future__ import annotations

from django.db.models import QuerySet

from drafts.models import Draft, Kind
from followups.models import Followup, State


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


def draft_of_followup(followup) -> Draft | None:
    """The draft a follow-up's page shows: its own, else the newest of its kind about the same
    interview (as drafts.services.draft_generate would find it)."""
    own = Draft.objects.filter(owner_id=followup.owner_id, followup=followup).first()
    if own is not None:
        return own
    drafts = Draft.objects.filter(
        owner_id=followup.owner_id, application_id=followup.application_id, kind=followup.kind
    )
    if followup.interview_id:
        drafts = drafts.filter(interview_id=followup.interview_id)
    return drafts.order_by("-updated_at", "-id").first()


def followup_of_draft(draft: Draft):
    """The follow-up an email draft carries out, for its "Mark as sent"; None for a call script.

    The draft's own follow-up, else the thank-you of its interview or the feedback request or
    check-in of its application; a cancelled one is not waiting for anything.
    """
    if draft.kind not in (Kind.THANK_YOU, Kind.FEEDBACK, Kind.CHECK_IN):
        return None
    if draft.followup_id is not None and draft.followup.kind == draft.kind:
        return draft.followup
    followups = Followup.objects.filter(
        owner_id=draft.owner_id, application_id=draft.application_id, kind=draft.kind
    ).exclude(state=State.CANCELLED)
    if draft.kind == Kind.THANK_YOU:
        if draft.interview_id is None:
            return None
        followups = followups.filter(interview_id=draft.interview_id)
    return followups.order_by("-due_at", "-id").first()
