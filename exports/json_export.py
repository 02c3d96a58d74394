"""The complete JSON export of one account (schema "seuranta-export", version 1).

docs/export-format.md documents the format. Every list is read in one query (plus one per
prefetched relation), whatever the number of rows; children are grouped by parent in Python.

The "id" of each object is a reference inside the file only (contacts are referred to from
applications and interviews, interviews from follow-ups and drafts); an import never keeps it.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.utils import timezone

from applications import documents as document_files
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
from drafts.models import Draft, DraftTemplate
from followups import policy
from followups.models import Followup

SCHEMA = "seuranta-export"
VERSION = 1

PREFERENCE_FIELDS = [
    "display_name",
    "language",
    "reminders_enabled",
    *policy.USER_FIELDS,
    "quiet_after_days",
]
CONTACT_FIELDS = ["name", "role", "company", "email", "phone", "notes"]
APPLICATION_FIELDS = [
    "company",
    "position",
    "posting_url",
    "location",
    "source",
    "status",
    "status_changed_at",
    "applied_on",
    "decision_expected_on",
    # The posting's deadline: a saved application's apply-by reminder is worked out from it.
    "apply_by",
    "not_counted",
    "not_counted_reason",
    "expected_salary",
    "expected_salary_currency",
    "expected_salary_period",
    "offered_salary",
    "offered_salary_currency",
    "offered_salary_period",
    "notes",
    # What the posting said (issue 13); files from before have none of these: blank on import.
    "description",
    "employment_type",
    "salary_min",
    "salary_max",
    "salary_currency",
    "salary_period",
    "created_at",
]
STATUS_CHANGE_FIELDS = ["status", "previous_status", "changed_at"]
INTERVIEW_FIELDS = [
    "starts_at",
    "duration_minutes",
    "kind",
    "location",
    "preparation_notes",
    "reflection",
    "outcome",
    "cancelled",
]
PREP_ITEM_FIELDS = ["question", "answer", "done", "position"]
FEEDBACK_FIELDS = ["received_on", "from_whom", "text", "constructive", "lessons"]
FOLLOWUP_FIELDS = [
    "kind",
    "state",
    "due_at",
    "notified_at",
    "snoozed_until",
    "completed_at",
    "sent_late",
    "last_error",
    "skip_reason",
]
DRAFT_FIELDS = ["kind", "language", "recipient", "subject", "body", "edited"]
TEMPLATE_FIELDS = ["kind", "language", "subject", "body"]
BANK_FIELDS = ["question", "position"]
DOCUMENT_FIELDS = ["kind", "label", "original_name", "content_type", "size", "sent_on"]
# What an import takes from the file; the type and size it tells from the file itself.
DOCUMENT_IMPORT_FIELDS = ["kind", "label", "original_name", "sent_on"]
# Where a document's file is in the zip export (exports.zip_export), under a directory of its
# own so that two files of one name never meet.
DOCUMENTS_DIR = "documents"


def document_path(document: Document) -> str:
    name = document_files.download_name(document.original_name, document.content_type)
    return f"{DOCUMENTS_DIR}/{document.pk}/{name}"


def encode(value: Any) -> Any:
    """A model value as JSON: instants in UTC with Z, dates and times ISO, amounts as strings."""
    if isinstance(value, datetime.datetime):
        return value.astimezone(datetime.UTC).isoformat().replace("+00:00", "Z")
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    return value


def _pick(obj, fields: list[str]) -> dict[str, Any]:
    return {name: encode(getattr(obj, name)) for name in fields}


def _grouped(queryset, key: str) -> dict[int, list]:
    groups: dict[int, list] = defaultdict(list)
    for obj in queryset:
        groups[getattr(obj, key)].append(obj)
    return groups


def export_account(user, now: datetime.datetime | None = None) -> dict[str, Any]:
    now = now or timezone.now()
    contacts = list(Contact.objects.owned_by(user).order_by("id"))
    applications = list(
        Application.objects.owned_by(user).prefetch_related("contacts").order_by("id")
    )
    history = _grouped(
        StatusChange.objects.owned_by(user).order_by("changed_at", "id"), "application_id"
    )
    interviews = _grouped(
        Interview.objects.owned_by(user)
        .prefetch_related("interviewers")
        .order_by("starts_at", "id"),
        "application_id",
    )
    prep_items = _grouped(
        PrepItem.objects.owned_by(user).order_by("position", "id"), "interview_id"
    )
    feedback = _grouped(
        FeedbackEntry.objects.owned_by(user).order_by("received_on", "id"), "application_id"
    )
    followups = _grouped(Followup.objects.owned_by(user).order_by("due_at", "id"), "application_id")
    drafts = _grouped(Draft.objects.owned_by(user).order_by("created_at", "id"), "application_id")
    documents = _grouped(
        Document.objects.owned_by(user).order_by("sent_on", "id"), "application_id"
    )

    def interview_data(interview: Interview) -> dict[str, Any]:
        return {
            "id": interview.pk,
            **_pick(interview, INTERVIEW_FIELDS),
            "interviewers": sorted(c.pk for c in interview.interviewers.all()),
            "prep_items": [_pick(p, PREP_ITEM_FIELDS) for p in prep_items.get(interview.pk, [])],
        }

    def application_data(app: Application) -> dict[str, Any]:
        return {
            "id": app.pk,
            **_pick(app, APPLICATION_FIELDS),
            "contacts": sorted(c.pk for c in app.contacts.all()),
            "status_history": [_pick(s, STATUS_CHANGE_FIELDS) for s in history.get(app.pk, [])],
            "interviews": [interview_data(i) for i in interviews.get(app.pk, [])],
            "feedback": [_pick(f, FEEDBACK_FIELDS) for f in feedback.get(app.pk, [])],
            "followups": [
                {**_pick(f, FOLLOWUP_FIELDS), "interview": f.interview_id}
                for f in followups.get(app.pk, [])
            ],
            "drafts": [
                {**_pick(d, DRAFT_FIELDS), "interview": d.interview_id}
                for d in drafts.get(app.pk, [])
            ],
            # The files themselves are in the zip export, at "file"; the JSON alone lists them.
            "documents": [
                {"id": d.pk, **_pick(d, DOCUMENT_FIELDS), "file": document_path(d)}
                for d in documents.get(app.pk, [])
            ],
        }

    return {
        "schema": SCHEMA,
        "version": VERSION,
        "exported_at": encode(now),
        "account": {"email": user.email, "preferences": _pick(user, PREFERENCE_FIELDS)},
        "question_bank": [
            _pick(q, BANK_FIELDS)
            for q in BankQuestion.objects.owned_by(user).order_by("position", "id")
        ],
        "draft_templates": [
            _pick(t, TEMPLATE_FIELDS)
            for t in DraftTemplate.objects.owned_by(user).order_by("kind", "language")
        ],
        "contacts": [{"id": c.pk, **_pick(c, CONTACT_FIELDS)} for c in contacts],
        "applications": [application_data(a) for a in applications],
    }
