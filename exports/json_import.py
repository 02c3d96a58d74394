"""Import of a Seuranta JSON export into an account: restore, or move between servers.

All or nothing: the whole import runs in one transaction and any problem rolls it back, after
collecting every problem (not just the first) so the user can fix the file in one go.

Objects already in the account are matched on natural keys and not created twice, so importing
the same file again changes nothing:
- contact: as applications.services.contact_find_or_create matches them (email, else name),
  which also gives a known contact the email it lacked and the file's phone;
- application: company + position (case-insensitive) + date applied;
- interview: its application + start time; feedback: application + date + text;
- question bank entry: the question; draft template: kind + language;
- draft: application + interview + kind + subject.
An application that already exists keeps its own status, history and follow-ups; the import adds
the interviews, feedback, contacts and drafts it lacks. A new application gets its history and
follow-ups as in the file. Either way the follow-up sync then brings the follow-ups in step.
"""

from __future__ import annotations

import datetime
import json
import logging
import math
import zoneinfo
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import DataError, IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.forms import country_choices
from accounts.services import user_preferences_update
from applications.models import (
    Application,
    BankQuestion,
    Contact,
    FeedbackEntry,
    Interview,
    PrepItem,
    StatusChange,
)
from applications.services import (
    application_restore,
    contact_find_or_create,
    interview_restore,
)
from core.validators import validate_year
from drafts.models import Draft, DraftTemplate
from exports import json_export as schema
from exports.problems import ImportRefused, Problem, problems_from
from followups.models import Followup
from followups.services import followup_restore, followups_sync_application

JSON_MAX_BYTES = 20 * 1024 * 1024
# Whole numbers are stored in 32-bit columns at most (positions, durations, delays).
INT_LIMIT = 2**31

log = logging.getLogger(__name__)


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
        data = json.loads(raw.decode("utf-8-sig"), parse_constant=_refuse_constant)
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
    except (ValueError, RecursionError):
        # A number with thousands of digits, NaN or Infinity, or lists nested thousands deep.
        raise ImportRefused(
            [Problem("", "", _("Not valid JSON: a value is too large or nested too deeply."))]
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


def _refuse_constant(name: str):
    raise ValueError(name)  # NaN, Infinity and -Infinity are not JSON


def _list(data: dict, key: str, path: str, problems: list[Problem]) -> list[dict]:
    value = data.get(key)
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        problems.append(Problem(path, key, _("Expected a list of objects.")))
        return []
    return value


def _text_problem(value: str) -> str | None:
    """Why a string cannot be stored (a NUL character, half a surrogate pair), or None."""
    if "\x00" in value:
        return _("The text contains a NUL character.")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return _("The text contains a character that is not valid Unicode.")
    return None


def _type_problem(field: models.Field, value: Any) -> str | None:
    """Why a JSON value cannot be the value of this model field, or None if it may be.

    Only the JSON type and the size are checked here; the field's own validation (full_clean)
    then checks the content. Checking first keeps lists, objects, booleans and huge numbers
    away from the field's parsers, which raise TypeError or OverflowError instead of a message.
    """
    if isinstance(field, models.BooleanField):
        return None if isinstance(value, bool) else _("Expected true or false.")
    if isinstance(value, list | dict):
        return _("Expected a single value, not a list or an object.")
    if isinstance(field, models.IntegerField):
        if isinstance(value, bool) or not isinstance(value, int):
            return _("Expected a whole number.")
        return None if -INT_LIMIT < value < INT_LIMIT else _("The number is too large.")
    if isinstance(field, models.DecimalField):
        if isinstance(value, str):
            return _text_problem(value)
        if isinstance(value, bool) or not isinstance(value, int | float):
            return _("Expected a number.")
        if not math.isfinite(value) or abs(value) >= INT_LIMIT**2:
            return _("The number is too large.")
        return None
    if not isinstance(value, str):
        return _("Expected text in quotes.")
    return _text_problem(value)


class _Importer:
    def __init__(self, user):
        self.user = user
        self.problems: list[Problem] = []
        self.result = ImportResult()
        self.contacts: dict[Any, Contact | None] = {}
        # Fields whose value fields() refused, by path: full_clean skips them, valid() fails.
        self.refused: dict[str, set[str]] = {}

    def fields(self, model, item: dict, names: list[str], path: str) -> dict[str, Any]:
        """The item's values for these fields; a value of the wrong type is a problem."""
        values = {}
        for name in names:
            value = item.get(name)
            model_field = model._meta.get_field(name)
            text = isinstance(model_field, models.CharField | models.TextField)
            if value is None or (value == "" and not text):
                continue  # an empty date or number is no value, as in a form
            problem = _type_problem(model_field, value)
            if problem:
                self.problems.append(Problem(path, name, problem))
                self.refused.setdefault(path, set()).add(name)
            else:
                values[name] = value
        return values

    def ref(self, value: Any, path: str, column: str) -> int | str | None:
        """A reference inside the file (an "id"): a number or a text, else a problem."""
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | str):
            message = _("Expected an id: a number or text in quotes.")
            self.problems.append(Problem(path, column, message))
            return None
        return value

    def valid(self, obj, path: str, exclude: list[str]) -> bool:
        refused = self.refused.get(path, set())
        exclude = [*exclude, *refused]
        try:
            obj.full_clean(exclude=exclude, validate_constraints=False)
        except ValidationError as error:
            self.problems.extend(problems_from(error, path))
            return False
        except (TypeError, ValueError, OverflowError, ArithmeticError):
            # The type checks in fields() should have stopped such a value; never a crash.
            self.problems.append(Problem(path, "", _("A value has the wrong type or size.")))
            return False
        return self.valid_dates(obj, path, exclude) and not refused

    def valid_dates(self, obj, path: str, exclude: list[str]) -> bool:
        """Dates within the years a form accepts; a time without a zone is the user's time."""
        ok = True
        for model_field in obj._meta.concrete_fields:
            if model_field.name in exclude or not isinstance(model_field, models.DateField):
                continue
            value = getattr(obj, model_field.attname)
            if not isinstance(value, datetime.date):
                continue
            try:
                validate_year(value)
            except ValidationError as error:
                self.problems.extend(Problem(path, model_field.name, m) for m in error.messages)
                ok = False
                continue
            if isinstance(value, datetime.datetime) and timezone.is_naive(value):
                setattr(obj, model_field.attname, timezone.make_aware(value, self.user.tzinfo))
        return ok

    # --- account-level lists ---------------------------------------------------------------

    def preferences(self, data: dict) -> None:
        account = data.get("account")
        if account is None:
            return
        if not isinstance(account, dict):
            self.problems.append(Problem("", "account", _("Expected an object.")))
            return
        prefs = account.get("preferences")
        if prefs is None:
            return
        if not isinstance(prefs, dict):
            self.problems.append(Problem("account", "preferences", _("Expected an object.")))
            return
        path = "account.preferences"
        user_model = get_user_model()
        values = self.fields(user_model, prefs, schema.PREFERENCE_FIELDS, path)
        if not values:
            return
        # Checked on a copy: the user object is used by everything imported after this.
        candidate = user_model.objects.get(pk=self.user.pk)
        for name, value in values.items():
            setattr(candidate, name, value)
        others = [f.name for f in self.user._meta.fields if f.name not in values]
        if not self.valid(candidate, path, others):
            return
        if "time_zone" in values and candidate.time_zone not in zoneinfo.available_timezones():
            self.problems.append(Problem(path, "time_zone", _("Choose a time zone from the list.")))
            return
        if "country" in values:
            candidate.country = candidate.country.upper()
            if candidate.country not in dict(country_choices()):
                self.problems.append(Problem(path, "country", _("Choose a country from the list.")))
                return
        # Through the same service as the preferences form: changed delays reschedule.
        user_preferences_update(
            user=self.user, **{name: getattr(candidate, name) for name in values}
        )

    def question_bank(self, data: dict) -> None:
        existing = {
            q.casefold()
            for q in BankQuestion.objects.owned_by(self.user).values_list("question", flat=True)
        }
        for i, item in enumerate(_list(data, "question_bank", "", self.problems)):
            here = f"question_bank[{i}]"
            entry = BankQuestion(
                owner=self.user, **self.fields(BankQuestion, item, schema.BANK_FIELDS, here)
            )
            if not self.valid(entry, here, ["owner"]):
                continue
            created = entry.question.casefold() not in existing
            if created:
                entry.save()
                existing.add(entry.question.casefold())
            self.result.count("question_bank", created)

    def draft_templates(self, data: dict) -> None:
        for i, item in enumerate(_list(data, "draft_templates", "", self.problems)):
            here = f"draft_templates[{i}]"
            template = DraftTemplate(
                owner=self.user, **self.fields(DraftTemplate, item, schema.TEMPLATE_FIELDS, here)
            )
            if not self.valid(template, here, ["owner"]):
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
            here = f"contacts[{i}]"
            ref = self.ref(item.get("id"), here, "id")
            contact = Contact(
                owner=self.user, **self.fields(Contact, item, schema.CONTACT_FIELDS, here)
            )
            if not self.valid(contact, here, ["owner"]):
                if ref is not None:
                    self.contacts[ref] = None  # known, but refused: no second problem for it
                continue
            details = {name: getattr(contact, name) for name in schema.CONTACT_FIELDS}
            found, created = contact_find_or_create(owner=self.user, **details)
            if ref is not None:
                self.contacts[ref] = found
            self.result.count("contacts", created)

    def contact_refs(self, refs, path: str, column: str = "contacts") -> list[Contact]:
        if refs is None:
            return []
        if not isinstance(refs, list):
            self.problems.append(Problem(path, column, _("Expected a list of contact ids.")))
            return []
        found = []
        for value in refs:
            ref = self.ref(value, path, column)
            if ref is None:
                continue
            if ref not in self.contacts:
                self.problems.append(
                    Problem(path, column, _("No contact with id %(id)s in the file.") % {"id": ref})
                )
            elif self.contacts[ref] is not None:
                found.append(self.contacts[ref])
        return found

    # --- applications and what hangs on them -----------------------------------------------

    def applications(self, data: dict) -> None:
        for i, item in enumerate(_list(data, "applications", "", self.problems)):
            self.application(item, f"applications[{i}]")

    def application(self, item: dict, path: str) -> None:
        values = self.fields(Application, item, schema.APPLICATION_FIELDS, path)
        values.pop("created_at", None)  # informational only: creation is now
        app = Application(owner=self.user, **values)
        if not self.valid(app, path, ["owner", "created_at", "updated_at"]):
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
        contacts = self.contact_refs(item.get("contacts"), path)
        if created:
            application_restore(
                application=app, history=self.history(item, path), contacts=contacts
            )
        else:
            app = existing
            if contacts:
                app.contacts.add(*contacts)
        self.result.count("applications", created)
        interviews, touched = self.interviews(app, item, path)
        self.feedback(app, item, path)
        if created:
            self.followups(app, item, path, interviews)
        self.drafts(app, item, path, interviews)
        if (created or touched) and not self.problems:
            # With a problem the import is refused anyway; the sync would only see bad data.
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
                here = f"{path}.{key}[{j}]"
                obj = model(**self.fields(model, row, names, here))
                parents = [f.name for f in model._meta.fields if f.is_relation]
                self.valid(obj, here, [*parents, "next_attempt_at", "created_at", "updated_at"])

    def history(self, item: dict, path: str) -> list[StatusChange]:
        """The recorded timeline, checked (an empty one: application_restore starts it)."""
        changes = []
        for j, row in enumerate(_list(item, "status_history", path, self.problems)):
            here = f"{path}.status_history[{j}]"
            change = StatusChange(
                owner=self.user, **self.fields(StatusChange, row, schema.STATUS_CHANGE_FIELDS, here)
            )
            if self.valid(change, here, ["owner", "application"]):
                changes.append(change)
        return changes

    def interviews(self, app: Application, item: dict, path: str) -> tuple[dict, bool]:
        by_ref: dict[Any, Interview | None] = {}
        touched = False
        existing = {i.starts_at: i for i in Interview.objects.filter(application=app)}
        for j, row in enumerate(_list(item, "interviews", path, self.problems)):
            here = f"{path}.interviews[{j}]"
            ref = self.ref(row.get("id"), here, "id")
            interview = Interview(
                owner=self.user,
                application=app,
                **self.fields(Interview, row, schema.INTERVIEW_FIELDS, here),
            )
            if not self.valid(interview, here, ["owner", "application"]):
                if ref is not None:
                    by_ref[ref] = None  # known, but refused: no second problem for it
                continue
            found = existing.get(interview.starts_at)
            interviewers = self.contact_refs(row.get("interviewers"), here, "interviewers")
            if found is None:
                interview_restore(
                    interview=interview,
                    interviewers=interviewers,
                    checklist=self.prep_items(row, here),
                )
                existing[interview.starts_at] = interview
                touched = True
            else:
                interview = found
                if interviewers:
                    interview.interviewers.add(*interviewers)
                    app.contacts.add(*interviewers)
            if ref is not None:
                by_ref[ref] = interview
            self.result.count("interviews", found is None)
        return by_ref, touched

    def prep_items(self, row: dict, path: str) -> list[PrepItem]:
        items = []
        for k, prep in enumerate(_list(row, "prep_items", path, self.problems)):
            here = f"{path}.prep_items[{k}]"
            obj = PrepItem(
                owner=self.user, **self.fields(PrepItem, prep, schema.PREP_ITEM_FIELDS, here)
            )
            if self.valid(obj, here, ["owner", "interview"]):
                items.append(obj)
        return items

    def feedback(self, app: Application, item: dict, path: str) -> None:
        for j, row in enumerate(_list(item, "feedback", path, self.problems)):
            here = f"{path}.feedback[{j}]"
            entry = FeedbackEntry(
                owner=self.user,
                application=app,
                **self.fields(FeedbackEntry, row, schema.FEEDBACK_FIELDS, here),
            )
            if not self.valid(entry, here, ["owner", "application"]):
                continue
            created = not FeedbackEntry.objects.filter(
                application=app, received_on=entry.received_on, text=entry.text
            ).exists()
            if created:
                entry.save()
            self.result.count("feedback", created)

    def _interview_ref(self, row: dict, interviews: dict, here: str) -> Interview | None:
        ref = self.ref(row.get("interview"), here, "interview")
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
                **self.fields(Followup, row, schema.FOLLOWUP_FIELDS, here),
            )
            if not self.valid(
                followup, here, ["owner", "application", "interview", "next_attempt_at"]
            ):
                continue
            if not followup_restore(followup=followup):
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
                **self.fields(Draft, row, schema.DRAFT_FIELDS, here),
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
    except (IntegrityError, DataError):
        # The checks above should leave nothing for the database to refuse; if it still does,
        # the transaction is rolled back and the user gets a message instead of an error page.
        log.exception("JSON import refused by the database")
        user.refresh_from_db()
        raise ImportRefused(
            [Problem("", "", _("The database refused a value of the file; nothing was imported."))]
        ) from None
    except ImportRefused:
        # The preferences were set on this very object before the rollback.
        user.refresh_from_db()
        raise
    return importer.result
