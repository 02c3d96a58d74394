"""Import of a Seuranta JSON export into an account: restore, or move between servers.

All or nothing: the whole import runs in one transaction and any problem rolls it back, after
collecting every problem (not just the first) so the user can fix the file in one go.

Objects already in the account are matched on natural keys and not created twice, so importing
the same file again changes nothing:
- contact: email (case-insensitive), or, without one, the name among contacts without email;
- application: company + position (case-insensitive) + date applied;
- interview: its application + start time; feedback: application + date + text;
- question bank entry: the question; draft template: kind + language;
- draft: application + interview + kind + subject.
An application that already exists keeps its own status, history and follow-ups; the import adds
the interviews, feedback, contacts and drafts it lacks. A new application gets its history and
follow-ups as in the file. Either way the follow-up sync then brings the follow-ups in step.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from applications.models import (
    Application,
    BankQuestion,
    Contact,
    FeedbackEntry,
    Interview,
    PrepItem,
    StatusChange,
)
from drafts.models import Draft, DraftTemplate
from exports import json_export as schema
from exports.problems import ImportRefused, Problem, problems_from
from followups.models import Followup
from followups.services import followups_sync_application

JSON_MAX_BYTES = 20 * 1024 * 1024


@dataclass
class ImportResult:
    created: dict[str, int] = field(default_factory=dict)
    existing: dict[str, int] = field(default_factory=dict)

    def count(self, kind: str, created: bool) -> None:
        target = self.created if created else self.existing
        target[kind] = target.get(kind, 0) + 1


def parse(raw: bytes) -> dict[str, Any]:
    """The file as a dict, or ImportRefused saying why it is not a Seuranta export."""
    if len(raw) > JSON_MAX_BYTES:
        raise ImportRefused(
            [
                Problem(
                    "", "", _("The file is larger than %(mb)d MB.") % {"mb": JSON_MAX_BYTES >> 20}
                )
            ]
        )
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise ImportRefused([Problem("", "", _("The file is not UTF-8 text."))]) from None
    except json.JSONDecodeError as error:
        raise ImportRefused(
            [
                Problem(
                    str(error.lineno),
                    str(error.colno),
                    _("Not valid JSON: %(e)s") % {"e": error.msg},
                )
            ]
        ) from None
    if not isinstance(data, dict) or data.get("schema") != schema.SCHEMA:
        raise ImportRefused([Problem("", "schema", _("This is not a Seuranta export."))])
    if data.get("version") != schema.VERSION:
        raise ImportRefused(
            [
                Problem(
                    "",
                    "version",
                    _("Export format version %(v)s is not supported (expected %(expected)d).")
                    % {"v": data.get("version"), "expected": schema.VERSION},
                )
            ]
        )
    return data


def _fields(item: dict, names: list[str]) -> dict[str, Any]:
    return {name: item[name] for name in names if name in item and item[name] is not None}


def _list(data: dict, key: str, path: str, problems: list[Problem]) -> list[dict]:
    value = data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        problems.append(Problem(path, key, _("Expected a list of objects.")))
        return []
    return value


class _Importer:
    def __init__(self, user):
        self.user = user
        self.problems: list[Problem] = []
        self.result = ImportResult()
        self.contacts: dict[Any, Contact] = {}

    def valid(self, obj, path: str, exclude: list[str]) -> bool:
        try:
            obj.full_clean(exclude=exclude, validate_constraints=False)
        except ValidationError as error:
            self.problems.extend(problems_from(error, path))
            return False
        return True

    # --- account-level lists ---------------------------------------------------------------

    def preferences(self, data: dict) -> None:
        prefs = (data.get("account") or {}).get("preferences") or {}
        if not isinstance(prefs, dict):
            self.problems.append(Problem("account", "preferences", _("Expected an object.")))
            return
        values = _fields(prefs, schema.PREFERENCE_FIELDS)
        if not values:
            return
        for name, value in values.items():
            setattr(self.user, name, value)
        others = [f.name for f in self.user._meta.fields if f.name not in values]
        if self.valid(self.user, "account.preferences", others):
            self.user.save(update_fields=list(values))

    def question_bank(self, data: dict) -> None:
        existing = {
            q.casefold()
            for q in BankQuestion.objects.owned_by(self.user).values_list("question", flat=True)
        }
        for i, item in enumerate(_list(data, "question_bank", "", self.problems)):
            entry = BankQuestion(owner=self.user, **_fields(item, schema.BANK_FIELDS))
            if not self.valid(entry, f"question_bank[{i}]", ["owner"]):
                continue
            created = entry.question.casefold() not in existing
            if created:
                entry.save()
                existing.add(entry.question.casefold())
            self.result.count("question_bank", created)

    def draft_templates(self, data: dict) -> None:
        for i, item in enumerate(_list(data, "draft_templates", "", self.problems)):
            template = DraftTemplate(owner=self.user, **_fields(item, schema.TEMPLATE_FIELDS))
            if not self.valid(template, f"draft_templates[{i}]", ["owner"]):
                continue
            # The account's own wording wins over the file's.
            created = not DraftTemplate.objects.filter(
                owner=self.user, kind=template.kind, language=template.language
            ).exists()
            if created:
                template.save()
            self.result.count("draft_templates", created)

    def contacts_list(self, data: dict) -> None:
        for i, item in enumerate(_list(data, "contacts", "", self.problems)):
            contact = Contact(owner=self.user, **_fields(item, schema.CONTACT_FIELDS))
            if not self.valid(contact, f"contacts[{i}]", ["owner"]):
                continue
            contact.email = contact.email.strip().lower()
            if contact.email:
                found = Contact.objects.filter(owner=self.user, email__iexact=contact.email)
            else:
                found = Contact.objects.filter(owner=self.user, name__iexact=contact.name, email="")
            existing = found.order_by("id").first()
            if existing is None:
                contact.save()
            self.contacts[item.get("id")] = existing or contact
            self.result.count("contacts", existing is None)

    def contact_refs(self, refs, path: str) -> list[Contact]:
        if not isinstance(refs, list):
            self.problems.append(Problem(path, "contacts", _("Expected a list of contact ids.")))
            return []
        found = []
        for ref in refs:
            if ref not in self.contacts:
                self.problems.append(
                    Problem(
                        path, "contacts", _("No contact with id %(id)s in the file.") % {"id": ref}
                    )
                )
            else:
                found.append(self.contacts[ref])
        return found

    # --- applications and what hangs on them -----------------------------------------------

    def applications(self, data: dict) -> None:
        for i, item in enumerate(_list(data, "applications", "", self.problems)):
            self.application(item, f"applications[{i}]")

    def application(self, item: dict, path: str) -> None:
        values = _fields(item, schema.APPLICATION_FIELDS)
        values.pop("created_at", None)  # informational only: creation is now
        app = Application(owner=self.user, **values)
        if not self.valid(app, path, ["owner"]):
            self.check_children(item, path)
            return
        existing = (
            Application.objects.owned_by(self.user)
            .filter(
                company__iexact=app.company,
                position__iexact=app.position,
                applied_on=app.applied_on,
            )
            .order_by("id")
            .first()
        )
        created = existing is None
        if created:
            app.save()
            self.history(app, item, path)
        else:
            app = existing
        self.result.count("applications", created)
        contacts = self.contact_refs(item.get("contacts", []), path)
        interviews, touched = self.interviews(app, item, path)
        if contacts:
            app.contacts.add(*contacts)
        self.feedback(app, item, path)
        if created:
            self.followups(app, item, path, interviews)
        self.drafts(app, item, path, interviews)
        if created or touched:
            followups_sync_application(application=app)

    def check_children(self, item: dict, path: str) -> None:
        """Report the problems of an invalid application's rows too, without writing them."""
        children = [
            ("status_history", StatusChange, schema.STATUS_CHANGE_FIELDS),
            ("interviews", Interview, schema.INTERVIEW_FIELDS),
            ("feedback", FeedbackEntry, schema.FEEDBACK_FIELDS),
            ("followups", Followup, schema.FOLLOWUP_FIELDS),
            ("drafts", Draft, schema.DRAFT_FIELDS),
        ]
        for key, model, names in children:
            for j, row in enumerate(_list(item, key, path, self.problems)):
                obj = model(**_fields(row, names))
                parents = [f.name for f in model._meta.fields if f.is_relation]
                self.valid(obj, f"{path}.{key}[{j}]", [*parents, "next_attempt_at"])

    def history(self, app: Application, item: dict, path: str) -> None:
        rows = _list(item, "status_history", path, self.problems)
        changes = []
        for j, row in enumerate(rows):
            change = StatusChange(
                owner=self.user, application=app, **_fields(row, schema.STATUS_CHANGE_FIELDS)
            )
            if self.valid(change, f"{path}.status_history[{j}]", ["owner", "application"]):
                changes.append(change)
        if not rows:
            # A hand-made file without history still gets the timeline's first step.
            changes.append(
                StatusChange(
                    owner=self.user,
                    application=app,
                    status=app.status,
                    changed_at=app.status_changed_at,
                )
            )
        StatusChange.objects.bulk_create(changes)

    def interviews(self, app: Application, item: dict, path: str) -> tuple[dict, bool]:
        by_ref: dict[Any, Interview] = {}
        touched = False
        existing = {i.starts_at: i for i in Interview.objects.filter(application=app)}
        for j, row in enumerate(_list(item, "interviews", path, self.problems)):
            here = f"{path}.interviews[{j}]"
            interview = Interview(
                owner=self.user, application=app, **_fields(row, schema.INTERVIEW_FIELDS)
            )
            if not self.valid(interview, here, ["owner", "application"]):
                continue
            found = existing.get(interview.starts_at)
            interviewers = self.contact_refs(row.get("interviewers", []), here)
            if found is None:
                interview.save()
                existing[interview.starts_at] = interview
                self.prep_items(interview, row, here)
                touched = True
            else:
                interview = found
            if interviewers:
                interview.interviewers.add(*interviewers)
                app.contacts.add(*interviewers)
            by_ref[row.get("id")] = interview
            self.result.count("interviews", found is None)
        return by_ref, touched

    def prep_items(self, interview: Interview, row: dict, path: str) -> None:
        items = []
        for k, prep in enumerate(_list(row, "prep_items", path, self.problems)):
            obj = PrepItem(
                owner=self.user, interview=interview, **_fields(prep, schema.PREP_ITEM_FIELDS)
            )
            if self.valid(obj, f"{path}.prep_items[{k}]", ["owner", "interview"]):
                items.append(obj)
        PrepItem.objects.bulk_create(items)

    def feedback(self, app: Application, item: dict, path: str) -> None:
        for j, row in enumerate(_list(item, "feedback", path, self.problems)):
            entry = FeedbackEntry(
                owner=self.user, application=app, **_fields(row, schema.FEEDBACK_FIELDS)
            )
            if not self.valid(entry, f"{path}.feedback[{j}]", ["owner", "application"]):
                continue
            created = not FeedbackEntry.objects.filter(
                application=app, received_on=entry.received_on, text=entry.text
            ).exists()
            if created:
                entry.save()
            self.result.count("feedback", created)

    def _interview_ref(self, row: dict, interviews: dict, here: str) -> Interview | None:
        ref = row.get("interview")
        if ref is None:
            return None
        if ref not in interviews:
            self.problems.append(
                Problem(
                    here,
                    "interview",
                    _("No interview with id %(id)s in this application.") % {"id": ref},
                )
            )
        return interviews.get(ref)

    def followups(self, app: Application, item: dict, path: str, interviews: dict) -> None:
        for j, row in enumerate(_list(item, "followups", path, self.problems)):
            here = f"{path}.followups[{j}]"
            followup = Followup(
                owner=self.user,
                application=app,
                interview=self._interview_ref(row, interviews, here),
                **_fields(row, schema.FOLLOWUP_FIELDS),
            )
            followup.next_attempt_at = followup.due_at
            if not self.valid(
                followup, here, ["owner", "application", "interview", "next_attempt_at"]
            ):
                continue
            followup.next_attempt_at = followup.due_at
            try:
                with transaction.atomic():
                    followup.save()
            except IntegrityError:
                self.problems.append(
                    Problem(here, "kind", _("A second follow-up of this kind is not allowed."))
                )
                continue
            self.result.count("followups", True)

    def drafts(self, app: Application, item: dict, path: str, interviews: dict) -> None:
        for j, row in enumerate(_list(item, "drafts", path, self.problems)):
            here = f"{path}.drafts[{j}]"
            draft = Draft(
                owner=self.user,
                application=app,
                interview=self._interview_ref(row, interviews, here),
                **_fields(row, schema.DRAFT_FIELDS),
            )
            if not self.valid(draft, here, ["owner", "application", "interview", "followup"]):
                continue
            created = not Draft.objects.filter(
                application=app, interview=draft.interview, kind=draft.kind, subject=draft.subject
            ).exists()
            if created:
                draft.save()
            self.result.count("drafts", created)


def import_account(*, user, data: dict[str, Any]) -> ImportResult:
    """Import a parsed export into `user`'s account, all or nothing (ImportRefused on problems)."""
    importer = _Importer(user)
    try:
        with transaction.atomic():
            importer.preferences(data)
            importer.question_bank(data)
            importer.draft_templates(data)
            importer.contacts_list(data)
            importer.applications(data)
            if importer.problems:
                raise ImportRefused(importer.problems)
    except ImportRefused:
        # The preferences were set on this very object before the rollback.
        user.refresh_from_db()
        raise
    return importer.result
