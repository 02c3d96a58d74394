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
- draft: application + interview + kind + subject;
- document: application + kind + file name + date sent + size.
An application that already exists keeps its own status, history and follow-ups; the import adds
the interviews, feedback, contacts and drafts it lacks. A new application gets its history and
follow-ups as in the file. Either way the follow-up sync then brings the follow-ups in step.

The zip export (exports.zip_export) is data.json with the documents' files beside it. Its files
are checked as an upload is (documents.detect: type by content, size), within caps on the zip
itself (entries, sizes once inflated, names that are plain relative paths) before anything is
read; a plain JSON export still imports, without the files (they are counted as skipped). Files
are written to the storage as their rows are, inside the transaction, and taken out again if it
rolls back: a failed import leaves no file behind.

Fast by design, for accounts of ten thousand applications: every row is checked first, with
nothing written, against the account's natural keys read up front in a few queries; then the
rows are written in bulk through the services, model by model in dependency order, a chunk of
applications at a time, each chunk's follow-ups synced together.
"""

from __future__ import annotations

import datetime
import io
import json
import logging
import math
import posixpath
import zipfile
import zoneinfo
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import DataError, IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.forms import country_choices
from accounts.services import user_preferences_update
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
from applications.services import (
    application_contacts_add,
    applications_restore,
    bank_questions_restore,
    contacts_find_or_create,
    documents_restore,
    feedback_restore,
    interview_interviewers_add,
    interviews_restore,
)
from core import safezip
from core.validators import validate_year
from drafts.models import Draft, DraftTemplate
from drafts.services import drafts_restore, templates_restore
from exports import json_export as schema
from exports.problems import ImportRefused, Problem, problems_from
from exports.progress import Phase
from followups.models import Followup
from followups.services import (
    followup_restore_keys,
    followups_restore,
    followups_sync_applications,
)

JSON_MAX_BYTES = settings.JSON_IMPORT_MAX_BYTES
# The zip export: data.json, and each document's file at the path its entry names.
ZIP_DATA = "data.json"
# Documents in one import, and the bytes of all of them once inflated; a zip holds at most a
# directory entry or two per document besides.
MAX_DOCUMENTS = 5000
ZIP_MAX_ENTRIES = 3 * MAX_DOCUMENTS + 10
# Whole numbers are stored in 32-bit columns at most (positions, durations, delays).
INT_LIMIT = 2**31

log = logging.getLogger(__name__)


@dataclass
class ImportResult:
    created: dict[str, int] = field(default_factory=dict)
    existing: dict[str, int] = field(default_factory=dict)
    # Rows the file lists but cannot restore: documents in a JSON without their files.
    skipped: dict[str, int] = field(default_factory=dict)

    def skip(self, kind: str) -> None:
        self.skipped[kind] = self.skipped.get(kind, 0) + 1

    def count(self, kind: str, created: bool) -> None:
        target = self.created if created else self.existing
        target[kind] = target.get(kind, 0) + 1


def documents_max_bytes() -> int:
    # PDF, DOCX and ODT are compressed already: in a zip they take about their own size. Four
    # times the upload's limit leaves room for text documents, which deflate well.
    return 4 * settings.IMPORT_MAX_BYTES


@dataclass
class Upload:
    """An uploaded export: its data, and the zip its documents are in (None for a JSON)."""

    data: dict[str, Any]
    archive: zipfile.ZipFile | None = None


def _refused(message: str) -> ImportRefused:
    return ImportRefused([Problem("", "", message)])


def parse_upload(raw: bytes) -> Upload:
    """A JSON export, or a zip export with its documents, read as far as its data; the
    documents' files are checked with the rest, by import_account. ImportRefused says why not."""
    if not safezip.looks_like_zip(raw[:4]):
        return Upload(parse(raw))
    if len(raw) > settings.IMPORT_MAX_BYTES:
        raise _refused(
            _("The file is larger than %(mb)d MB.") % {"mb": settings.IMPORT_MAX_BYTES >> 20}
        )
    try:
        archive = safezip.open_zip(io.BytesIO(raw), max_entries=ZIP_MAX_ENTRIES)
    except safezip.UnsafeZip as error:
        log.info("Refused an import zip: %s", error)
        raise _refused(_("The zip archive is damaged or holds too many files.")) from None
    infos = archive.infolist()
    names = [info.filename for info in infos]
    unsafe = next((name for name in names if not safezip.safe_member_name(name)), None)
    if unsafe is not None:
        raise _refused(
            _("The zip holds a file at “%(name)s”, a place no export uses.")
            % {"name": unsafe[:200]}
        )
    if len(set(names)) != len(names):
        raise _refused(_("The zip holds two files of the same name."))
    # As the entries state their sizes; read_entry holds each to its own.
    if sum(i.file_size for i in infos if i.filename != ZIP_DATA) > documents_max_bytes():
        raise _refused(
            _("Unpacked, the documents in the zip would be larger than %(mb)d MB.")
            % {"mb": documents_max_bytes() >> 20}
        )
    if ZIP_DATA not in names:
        raise _refused(_("The zip has no data.json: it is not a Seuranta export."))
    try:
        raw_data = safezip.read_entry(archive, archive.getinfo(ZIP_DATA), max_bytes=JSON_MAX_BYTES)
    except safezip.UnsafeZip:
        raise _refused(
            _("The data.json in the zip is damaged or larger than %(mb)d MB.")
            % {"mb": JSON_MAX_BYTES >> 20}
        ) from None
    return Upload(parse(raw_data), archive)


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
        # abs() first: math.isfinite() of a whole number with hundreds of digits overflows.
        if abs(value) >= INT_LIMIT**2 or not math.isfinite(value):
            return _("The number is too large.")
        return None
    if not isinstance(value, str):
        return _("Expected text in quotes.")
    return _text_problem(value)


@dataclass
class _InterviewPlan:
    interview: Interview
    interviewers: list[int]  # indexes into _Importer.people
    checklist: list[PrepItem]


@dataclass
class _ApplicationPlan:
    """What the import writes for one application of the file (or of several equal ones)."""

    application: Application  # not saved yet when `created`
    created: bool
    listed: bool = False  # in _Importer.plans, to be written
    history: list[StatusChange] = field(default_factory=list)
    contacts: list[int] = field(default_factory=list)  # indexes into _Importer.people
    interviews: list[_InterviewPlan] = field(default_factory=list)
    # Interviewers the file adds to interviews the account already has.
    interviewer_links: list[tuple[Interview, int]] = field(default_factory=list)
    feedback: list[FeedbackEntry] = field(default_factory=list)
    followups: list[Followup] = field(default_factory=list)
    drafts: list[Draft] = field(default_factory=list)
    # New documents, each with the zip entry holding its file.
    documents: list[tuple[Document, zipfile.ZipInfo]] = field(default_factory=list)
    # Interviews by start (the account's and the file's), feedback and drafts already planned
    # or stored: the natural keys of the application's rows.
    interviews_by_start: dict = field(default_factory=dict)
    feedback_keys: set = field(default_factory=set)
    draft_keys: set = field(default_factory=set)
    document_keys: set = field(default_factory=set)
    # Interview references of the file, for the follow-ups and drafts of this application.
    constraint_keys: set = field(default_factory=set)


# Applications written (and their follow-ups synced) per step of the progress bar.
WRITE_CHUNK = 1000
# Applications checked per update of the progress bar.
CHECK_REPORT_EVERY = 500


def _interview_key(interview: Interview):
    # A saved interview by id; a planned one by the object itself (unsaved models do not hash).
    return interview.pk if interview.pk is not None else ("new", id(interview))


class _Importer:
    """First `check`: every row validated against the account's natural keys, read up front
    in a few queries, nothing written. Then `write`: bulk through the services, in dependency
    order, a chunk of applications at a time.
    """

    def __init__(self, user, report=None, archive: zipfile.ZipFile | None = None):
        self.user = user
        self.archive = archive
        # What the documents of the file add up to so far, against MAX_DOCUMENTS and
        # documents_max_bytes(); past either, the rest of them are not read.
        self.document_count = 0
        self.document_bytes = 0
        self.documents_over = False
        # Storage names of the files written so far: taken out again if the import rolls back.
        self.stored: list[str] = []
        self.report = report or (lambda phase, done, total: None)
        self.problems: list[Problem] = []
        self.result = ImportResult()
        # The file's contacts, by its ids: an index into self.people, or None when refused.
        self.contacts: dict[Any, int | None] = {}
        self.people: list[dict[str, Any]] = []
        # Fields whose value fields() refused, by path: full_clean skips them, valid() fails.
        self.refused: dict[str, set[str]] = {}
        self.preference_values: dict[str, Any] = {}
        self.bank: list[BankQuestion] = []
        self.templates: list[DraftTemplate] = []
        self.plans: list[_ApplicationPlan] = []

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
            # No unique or constraint checks: each would be a query per row. The natural keys
            # are compared in memory, and the database refuses anything else in the transaction.
            obj.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
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

    # --- Checking: no writes -----------------------------------------------------------------

    def check(self, data: dict, *, take_preferences: bool) -> None:
        if take_preferences:
            self.preferences(data)
        self.question_bank(data)
        self.draft_templates(data)
        self.contacts_list(data)
        self.applications(data)

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
        self.preference_values = {name: getattr(candidate, name) for name in values}

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
                self.bank.append(entry)
                existing.add(entry.question.casefold())
            self.result.count("question_bank", created)

    def draft_templates(self, data: dict) -> None:
        # The account's own wording wins over the file's.
        existing = set(DraftTemplate.objects.owned_by(self.user).values_list("kind", "language"))
        for i, item in enumerate(_list(data, "draft_templates", "", self.problems)):
            here = f"draft_templates[{i}]"
            template = DraftTemplate(
                owner=self.user, **self.fields(DraftTemplate, item, schema.TEMPLATE_FIELDS, here)
            )
            if not self.valid(template, here, ["owner"]):
                continue
            key = (template.kind, template.language)
            created = key not in existing
            if created:
                self.templates.append(template)
                existing.add(key)
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
            if ref is not None:
                self.contacts[ref] = len(self.people)
            self.people.append({name: getattr(contact, name) for name in schema.CONTACT_FIELDS})

    def contact_refs(self, refs, path: str, column: str = "contacts") -> list[int]:
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

    def applications(self, data: dict) -> None:
        items = _list(data, "applications", "", self.problems)
        self.load_account()
        total = len(items)
        for i, item in enumerate(items):
            if i % CHECK_REPORT_EVERY == 0:
                self.report(Phase.CHECKING, i, total)
            self.application(item, f"applications[{i}]")
        self.report(Phase.CHECKING, total, total)

    def load_account(self) -> None:
        """The natural keys of the account's applications and their rows, in a few queries."""
        owned = {"owner": self.user}
        self.by_key: dict[tuple, _ApplicationPlan] = {}
        existing: dict[int, _ApplicationPlan] = {}
        for app in (
            Application.objects.filter(**owned)
            .only("id", "owner_id", "company", "position", "applied_on")
            .order_by("-id")  # the oldest of equal ones wins, as .order_by("id").first()
        ):
            plan = _ApplicationPlan(application=app, created=False)
            self.by_key[self._key(app)] = plan
            existing[app.pk] = plan
        if not existing:
            return
        for interview in Interview.objects.filter(**owned).only(
            "id", "application_id", "starts_at"
        ):
            plan = existing.get(interview.application_id)
            if plan is not None:
                plan.interviews_by_start[interview.starts_at] = interview
        for app_id, received_on, text in FeedbackEntry.objects.filter(**owned).values_list(
            "application_id", "received_on", "text"
        ):
            if app_id in existing:
                existing[app_id].feedback_keys.add((received_on, text))
        for app_id, interview_id, kind, subject in Draft.objects.filter(**owned).values_list(
            "application_id", "interview_id", "kind", "subject"
        ):
            if app_id in existing:
                existing[app_id].draft_keys.add((interview_id, kind, subject))
        for app_id, *key in Document.objects.filter(**owned).values_list(
            "application_id", "kind", "original_name", "sent_on", "size"
        ):
            if app_id in existing:
                existing[app_id].document_keys.add(tuple(key))

    @staticmethod
    def _key(app: Application) -> tuple:
        return (app.company.casefold(), app.position.casefold(), app.applied_on)

    def application(self, item: dict, path: str) -> None:
        values = self.fields(Application, item, schema.APPLICATION_FIELDS, path)
        values.pop("created_at", None)  # informational only: creation is now
        app = Application(owner=self.user, **values)
        if not self.valid(app, path, ["owner", "created_at", "updated_at"]):
            self.check_children(item, path)
            return
        contacts = self.contact_refs(item.get("contacts"), path)
        plan = self.by_key.get(self._key(app))
        # An application of the file equal to one before it is that one, as it would be if
        # the first had been saved already.
        created = plan is None
        if created:
            plan = _ApplicationPlan(application=app, created=True)
            plan.history = self.history(item, path)
            self.by_key[self._key(app)] = plan
        if not plan.listed:
            plan.listed = True
            self.plans.append(plan)
        plan.contacts += contacts
        self.result.count("applications", created)
        interviews = self.interviews(plan, item, path)
        self.feedback(plan, item, path)
        if created:
            self.followups(plan, item, path, interviews)
        self.drafts(plan, item, path, interviews)
        self.documents(plan, item, path)

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
        """The recorded timeline, checked (an empty one: applications_restore starts it)."""
        changes = []
        for j, row in enumerate(_list(item, "status_history", path, self.problems)):
            here = f"{path}.status_history[{j}]"
            change = StatusChange(
                owner=self.user, **self.fields(StatusChange, row, schema.STATUS_CHANGE_FIELDS, here)
            )
            if self.valid(change, here, ["owner", "application"]):
                changes.append(change)
        return changes

    def interviews(self, plan: _ApplicationPlan, item: dict, path: str) -> dict:
        by_ref: dict[Any, Interview | None] = {}
        for j, row in enumerate(_list(item, "interviews", path, self.problems)):
            here = f"{path}.interviews[{j}]"
            ref = self.ref(row.get("id"), here, "id")
            interview = Interview(
                owner=self.user,
                application=plan.application,
                **self.fields(Interview, row, schema.INTERVIEW_FIELDS, here),
            )
            if not self.valid(interview, here, ["owner", "application"]):
                if ref is not None:
                    by_ref[ref] = None  # known, but refused: no second problem for it
                continue
            found = plan.interviews_by_start.get(interview.starts_at)
            interviewers = self.contact_refs(row.get("interviewers"), here, "interviewers")
            if found is None:
                plan.interviews.append(
                    _InterviewPlan(interview, interviewers, self.prep_items(row, here))
                )
                plan.interviews_by_start[interview.starts_at] = interview
            else:
                interview = found
                plan.interviewer_links += [(interview, index) for index in interviewers]
            if ref is not None:
                by_ref[ref] = interview
            self.result.count("interviews", found is None)
        return by_ref

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

    def feedback(self, plan: _ApplicationPlan, item: dict, path: str) -> None:
        for j, row in enumerate(_list(item, "feedback", path, self.problems)):
            here = f"{path}.feedback[{j}]"
            entry = FeedbackEntry(
                owner=self.user,
                application=plan.application,
                **self.fields(FeedbackEntry, row, schema.FEEDBACK_FIELDS, here),
            )
            if not self.valid(entry, here, ["owner", "application"]):
                continue
            key = (entry.received_on, entry.text)
            created = key not in plan.feedback_keys
            if created:
                plan.feedback.append(entry)
                plan.feedback_keys.add(key)
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

    def followups(self, plan: _ApplicationPlan, item: dict, path: str, interviews: dict) -> None:
        for j, row in enumerate(_list(item, "followups", path, self.problems)):
            here = f"{path}.followups[{j}]"
            interview = self._interview_ref(row, interviews, here)
            followup = Followup(
                owner=self.user,
                application=plan.application,
                interview=interview,
                **self.fields(Followup, row, schema.FOLLOWUP_FIELDS, here),
            )
            if not self.valid(
                followup, here, ["owner", "application", "interview", "next_attempt_at"]
            ):
                continue
            interview_key = None if interview is None else _interview_key(interview)
            keys = followup_restore_keys(followup, interview_key)
            if plan.constraint_keys.intersection(keys):
                self.problems.append(
                    Problem(here, "kind", _("A second follow-up of this kind is not allowed."))
                )
                continue
            plan.constraint_keys.update(keys)
            plan.followups.append(followup)
            self.result.count("followups", True)

    def drafts(self, plan: _ApplicationPlan, item: dict, path: str, interviews: dict) -> None:
        for j, row in enumerate(_list(item, "drafts", path, self.problems)):
            here = f"{path}.drafts[{j}]"
            interview = self._interview_ref(row, interviews, here)
            draft = Draft(
                owner=self.user,
                application=plan.application,
                interview=interview,
                **self.fields(Draft, row, schema.DRAFT_FIELDS, here),
            )
            if not self.valid(draft, here, ["owner", "application", "interview", "followup"]):
                continue
            interview_key = None if interview is None else _interview_key(interview)
            key = (interview_key, draft.kind, draft.subject)
            created = key not in plan.draft_keys
            if created:
                plan.drafts.append(draft)
                plan.draft_keys.add(key)
            self.result.count("drafts", created)

    def documents(self, plan: _ApplicationPlan, item: dict, path: str) -> None:
        for j, row in enumerate(_list(item, "documents", path, self.problems)):
            here = f"{path}.documents[{j}]"
            values = self.fields(Document, row, schema.DOCUMENT_IMPORT_FIELDS, here)
            file = row.get("file")
            name = values.get("original_name") or (
                posixpath.basename(file) if isinstance(file, str) else ""
            )
            document = Document(
                owner=self.user,
                application=plan.application,
                **{**values, "original_name": document_files.clean_name(name)},
            )
            exclude = ["owner", "application", "file", "content_type", "size", "submission_key"]
            if not self.valid(document, here, exclude):
                continue
            if self.archive is None:
                self.result.skip("documents")  # a JSON without the files
                continue
            found = self.document_file(document, file, here)
            if found is None:
                continue
            key = (document.kind, document.original_name, document.sent_on, document.size)
            created = key not in plan.document_keys
            if created:
                plan.documents.append((document, found))
                plan.document_keys.add(key)
            self.result.count("documents", created)

    def document_file(self, document: Document, file: Any, here: str) -> zipfile.ZipInfo | None:
        """The zip entry of a document's file, checked as an upload is; None after a problem.

        Sets the document's detected type and size. The bytes are read and let go: the write
        reads them again, so that one document at a time is in memory.
        """
        if self.documents_over:
            return None
        try:
            info = self.archive.getinfo(file) if isinstance(file, str) else None
        except KeyError:
            info = None
        if info is None or info.is_dir():
            self.problems.append(
                Problem(here, "file", _("The zip has no file at the place this document names."))
            )
            return None
        self.document_count += 1
        self.document_bytes += info.file_size
        if self.document_count > MAX_DOCUMENTS or self.document_bytes > documents_max_bytes():
            self.documents_over = True
            self.problems.append(
                Problem(
                    here,
                    "file",
                    _("The zip holds more than %(count)d documents or %(mb)d MB of them.")
                    % {"count": MAX_DOCUMENTS, "mb": documents_max_bytes() >> 20},
                )
            )
            return None
        try:
            data = safezip.read_entry(self.archive, info, max_bytes=document_files.max_bytes())
            detected = document_files.detect(io.BytesIO(data))
            document_files.check_name(document.original_name, detected)
        except safezip.UnsafeZip:
            message = _("The file is damaged or larger than %(limit)s.") % {
                "limit": document_files.size_text(document_files.max_bytes())
            }
            self.problems.append(Problem(here, "file", message))
            return None
        except document_files.DocumentRefused as refused:
            self.problems.extend(Problem(here, "file", m) for m in refused.messages)
            return None
        document.content_type, document.size = detected.content_type, len(data)
        return info

    def document_contents(
        self, plans: list[_ApplicationPlan]
    ) -> Iterator[tuple[Document, ContentFile]]:
        for plan in plans:
            for document, info in plan.documents:
                data = safezip.read_entry(self.archive, info, max_bytes=document_files.max_bytes())
                yield document, ContentFile(data)

    # --- Writing: through the services, in bulk ----------------------------------------------

    def write(self) -> None:
        if self.preference_values:
            # Through the same service as the preferences form: changed delays reschedule.
            user_preferences_update(user=self.user, **self.preference_values)
        bank_questions_restore(questions=self.bank)
        templates_restore(templates=self.templates)
        found = contacts_find_or_create(owner=self.user, people=self.people)
        for _contact, created in found:
            self.result.count("contacts", created)
        contacts = [contact for contact, _created in found]
        total = len(self.plans)
        self.report(Phase.SAVING, 0, total)
        for start in range(0, total, WRITE_CHUNK):
            self.write_chunk(self.plans[start : start + WRITE_CHUNK], contacts)
            self.report(Phase.SAVING, min(start + WRITE_CHUNK, total), total)

    def write_chunk(self, plans: list[_ApplicationPlan], contacts: list[Contact]) -> None:
        def people(indexes: list[int]) -> list[Contact]:
            return [contacts[i] for i in indexes]

        new = [p for p in plans if p.created]
        applications_restore(entries=[(p.application, p.history, people(p.contacts)) for p in new])
        application_contacts_add(
            links=[
                (p.application.pk, contacts[i].pk)
                for p in plans
                if not p.created
                for i in p.contacts
            ]
        )
        interviews_restore(
            entries=[
                (i.interview, people(i.interviewers), i.checklist)
                for p in plans
                for i in p.interviews
            ]
        )
        interview_interviewers_add(
            links=[(interview, contacts[i]) for p in plans for interview, i in p.interviewer_links]
        )
        feedback_restore(entries=[entry for p in plans for entry in p.feedback])
        followups_restore(followups=[followup for p in plans for followup in p.followups])
        drafts_restore(drafts=[draft for p in plans for draft in p.drafts])
        documents_restore(entries=self.document_contents(plans), stored=self.stored)
        followups_sync_applications(
            application_ids=[p.application.pk for p in plans if p.created or p.interviews]
        )


def import_account(
    *,
    user,
    data: dict[str, Any],
    take_preferences: bool = False,
    report=None,
    archive: zipfile.ZipFile | None = None,
    before_commit=None,
) -> ImportResult:
    """Import a parsed export into `user`'s account, all or nothing (ImportRefused on problems).

    The account's name and preferences stay as they are unless `take_preferences`. `report`,
    if given, is called as report(phase, done, total) as the applications are checked and saved.
    `archive` is the zip export the data came from (parse_upload): its documents' files are
    restored with their rows; without it, the documents the data lists are skipped.
    `before_commit`, if given, is called with the result as the last step of the import's
    transaction: what it writes commits with the import, and an exception it raises rolls the
    import back.
    """
    importer = _Importer(user, report, archive)
    importer.check(data, take_preferences=take_preferences)
    if importer.problems:
        raise ImportRefused(importer.problems)
    try:
        with transaction.atomic():
            importer.write()
            if before_commit is not None:
                before_commit(importer.result)
    except (IntegrityError, DataError):
        # The checks above should leave nothing for the database to refuse; if it still does,
        # the transaction is rolled back and the user gets a message instead of an error page.
        log.exception("JSON import refused by the database")
        _rolled_back(user, importer.stored)
        raise ImportRefused(
            [Problem("", "", _("The database refused a value of the file; nothing was imported."))]
        ) from None
    except BaseException:
        _rolled_back(user, importer.stored)
        raise
    return importer.result


def _rolled_back(user, stored: list[str]) -> None:
    """After a rollback: the files written for rows that are gone leave the storage, and the
    user object forgets the preferences set on it before the rollback."""
    for name in stored:
        try:
            default_storage.delete(name)
        except Exception:
            log.exception("Could not remove %s after a failed import", name)
    user.refresh_from_db()
