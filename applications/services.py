"""Workflows that write several rows: the status timeline and the follow-ups stay in step here.

Views and imports call these; nothing else changes an application's status or an interview's
time, so the timeline and the follow-ups cannot drift from the data.
"""

import datetime
from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from applications import documents as document_files
from applications.models import (
    CLOSED_STATUSES,
    Application,
    BankQuestion,
    Contact,
    Document,
    FeedbackEntry,
    Interview,
    InterviewOutcome,
    PrepItem,
    Status,
    StatusChange,
)
from core import undo
from core.owned import link_many
from followups.services import (
    followups_feedback_received,
    followups_sync_application,
    followups_sync_applications,
    followups_sync_obligation,
)

# The hour of the day at which a step the person dates themselves (the date applied) stands on
# the timeline: a date has no time, and noon keeps it on the same day in the user's zone.
DATED_STEP_TIME = datetime.time(12)


def _changed(*, application: Application) -> None:
    """What follows from any change to an application or its interviews, in its transaction.

    The follow-ups are brought in step (the owner's cached fragments went stale with the write
    itself, core.owned).
    """
    followups_sync_application(application=application)


def _count_changed(*, application: Application) -> None:
    """The application's date applied, status or "does not count" may have changed: the job-
    search obligation's reminder follows the count (after _changed, which locked the owner)."""
    followups_sync_obligation(owner_id=application.owner_id)


class SameCompany(Exception):
    """Open applications at the company of one about to be created: the person chooses first.

    Raised only when the caller asked (same_company_ok=False); nothing was written.
    """

    def __init__(self, applications: list[Application]):
        super().__init__(f"{len(applications)} open application(s) at this company")
        self.applications = applications
        self.company = applications[0].company


def _same_text(a: str, b: str) -> bool:
    return a.strip().casefold() == b.strip().casefold()


def applications_at_company(*, owner, company: str) -> list[Application]:
    """The owner's open applications at this company, oldest first; case and spaces aside.

    Compared in Python: SQLite's case-insensitive LIKE knows only ASCII, and "WÄRTSILÄ" is
    "Wärtsilä". Only the open ones, a few columns each.
    """
    if not company.strip():
        return []
    candidates = (
        Application.objects.owned_by(owner)
        .exclude(status__in=CLOSED_STATUSES)
        .only("id", "owner_id", "company", "position", "status")
        .order_by("id")
    )
    return [application for application in candidates if _same_text(application.company, company)]


def _one_creation_at_a_time(owner) -> None:
    """Hold the owner's row until the transaction ends.

    A look-up before a create (the same company, the same interview) is only true if no other
    request of the same person creates between the two: two tabs posting at the same moment
    take turns here, and the second finds what the first made. (PostgreSQL; SQLite's IMMEDIATE
    transactions take turns already.)
    """
    list(get_user_model().objects.select_for_update().filter(pk=owner.pk).values_list("pk"))


def default_bank_questions() -> list[str]:
    # The three questions the seed says interviewers ask most.
    return [
        _("Why do you want this particular job?"),
        _("What are your weaknesses?"),
        _("What are your salary expectations?"),
    ]


def question_bank_seed(*, user) -> None:
    if BankQuestion.objects.filter(owner=user).exists():
        return
    BankQuestion.objects.bulk_create(
        BankQuestion(owner=user, question=q, position=i)
        for i, q in enumerate(default_bank_questions())
    )


def _applied_at(application: Application, now: datetime.datetime) -> datetime.datetime | None:
    """When the applied step stands on the timeline: noon of the date applied, the user's time.

    The person's date, not the day they typed it in: the status history is their proof of
    applying. Never later than now (applied this morning, logged at nine).
    """
    if application.applied_on is None:
        return None
    moment = datetime.datetime.combine(
        application.applied_on, DATED_STEP_TIME, tzinfo=application.owner.tzinfo
    )
    return min(moment.astimezone(datetime.UTC), now)


def _step_at(application: Application, status: str, now: datetime.datetime) -> datetime.datetime:
    """When a status reached now is dated: the first "applied" on the date applied, else now.

    Applied again later (back from interviewing, say) is a step of its own, dated when it is taken.
    """
    if status == Status.APPLIED and (
        application.pk is None
        or not application.status_changes.filter(status=Status.APPLIED).exists()
    ):
        return _applied_at(application, now) or now
    return now


def _place_applied_step(application: Application) -> None:
    """Move the applied step of the timeline to the date applied, after that date was edited.

    The first applied step is the application's. The header's "since" moves with it while that
    step is the one that set the status (the latest step recorded).
    """
    steps = list(application.status_changes.order_by("id"))
    step = next((s for s in steps if s.status == Status.APPLIED), None)
    at = _applied_at(application, timezone.now())
    if step is None or at is None or step.changed_at == at:
        return
    step.changed_at = at
    step.save(update_fields=["changed_at"])
    if step is steps[-1] and application.status == Status.APPLIED:
        application.status_changed_at = at
        application.save(update_fields=["status_changed_at", "updated_at"])


@transaction.atomic
def application_create(
    *,
    owner,
    contacts=(),
    status_changed_at: datetime.datetime | None = None,
    same_company_ok: bool = True,
    **fields,
) -> Application:
    """A new application and the first step of its timeline.

    `status_changed_at` is when the application reached its status, for one logged after the
    fact (an import): the follow-ups count from it, so an old rejection asks for no feedback
    tomorrow. Without it the status is reached now, or, for "applied", on the date applied.

    With same_company_ok=False (a person at a form), an open application at the same company
    raises SameCompany instead: a second one is made only when the person says so.
    """
    if not same_company_ok:
        _one_creation_at_a_time(owner)
        same = applications_at_company(owner=owner, company=fields.get("company", ""))
        if same:
            raise SameCompany(same)
    application = Application(owner=owner, **fields)
    at = status_changed_at or _step_at(application, application.status, timezone.now())
    application.status_changed_at = at
    application.full_clean(exclude=["owner"])
    application.save()
    if contacts:
        application.contacts.set(contacts)
    StatusChange.objects.create(
        owner=owner, application=application, status=application.status, changed_at=at
    )
    _changed(application=application)
    _count_changed(application=application)
    return application


@transaction.atomic
def application_update(*, application: Application, contacts=None, **fields) -> Application:
    """Save edited fields; a changed status goes through application_set_status.

    A changed date applied moves the applied step of the timeline with it.
    """
    new_status = fields.pop("status", application.status)
    applied_on = application.applied_on
    for name, value in fields.items():
        setattr(application, name, value)
    application.save()
    if contacts is not None:
        application.contacts.set(contacts)
    previous = application.status
    if new_status != previous:
        _set_status(application=application, status=new_status, at=None)
        _answer_latest_interview(application, previous, new_status)
    if application.applied_on != applied_on:
        _place_applied_step(application)
    _changed(application=application)
    _count_changed(application=application)
    return application


# The interview outcome that says the same as an application status.
STATUS_OUTCOMES = {
    Status.OFFER: InterviewOutcome.OFFER,
    Status.REJECTED: InterviewOutcome.REJECTED,
}


def _answer_latest_interview(application: Application, previous: str, status: str) -> None:
    """An offer or a rejection recorded on the application answers its latest interview too.

    Only an outcome still "not known yet" is filled in. Taking the status back to one that
    contradicts it (a mistaken "Rejected") takes the outcome back too: left behind, it would
    set the status again at the next edit of the interview (_apply_outcome). Accepted and
    withdrawn follow an offer or a rejection without contradicting it.
    """
    latest = application.interviews.filter(cancelled=False).order_by("-starts_at", "-id").first()
    if latest is None:
        return
    outcome = latest.outcome
    if outcome == STATUS_OUTCOMES.get(previous) and status not in (
        Status.ACCEPTED,
        Status.WITHDRAWN,
    ):
        outcome = InterviewOutcome.PENDING
    if outcome == InterviewOutcome.PENDING and status in STATUS_OUTCOMES:
        outcome = STATUS_OUTCOMES[status]
    if outcome != latest.outcome:
        latest.outcome = outcome
        latest.save(update_fields=["outcome", "updated_at"])


@transaction.atomic
def application_set_status(
    *, application: Application, status: str, at: datetime.datetime | None = None
) -> Application:
    """Record a new status on the timeline (at `at`, else now; "applied" on the date applied).

    Offer and rejection answer the latest interview (_answer_latest_interview).
    """
    previous = application.status
    _set_status(application=application, status=status, at=at)
    if status != previous:
        _answer_latest_interview(application, previous, status)
        _changed(application=application)
        _count_changed(application=application)
    return application


def _set_status(*, application: Application, status: str, at: datetime.datetime | None) -> None:
    """The new status and its step of the timeline; the caller brings the rest in step."""
    if status == application.status:
        return
    at = at or _step_at(application, status, timezone.now())
    StatusChange.objects.create(
        owner=application.owner,
        application=application,
        status=status,
        previous_status=application.status,
        changed_at=at,
    )
    application.status = status
    application.status_changed_at = at
    application.save(update_fields=["status", "status_changed_at", "updated_at"])


def _prepare_checklist(interview: Interview) -> None:
    questions = BankQuestion.objects.filter(owner=interview.owner).values_list(
        "question", flat=True
    )
    PrepItem.objects.bulk_create(
        PrepItem(owner=interview.owner, interview=interview, question=q, position=i)
        for i, q in enumerate(questions)
    )


def contact_find_or_create(
    *, owner, name: str, email: str = "", phone: str = "", **details
) -> tuple[Contact, bool]:
    """(contact, created): the owner's contact with this email, or (without one) this name.

    The one matching rule for contacts, used by the interview forms and both imports: email
    case-insensitively; without an email, the same name among the contacts without one. A new
    contact gets the `details` (company, role, notes); an existing one gets the email it
    lacked, and a phone typed for it now replaces the old one.
    """
    name, email, phone = name.strip(), email.strip().lower(), phone.strip()
    existing = None
    if email:
        existing = Contact.objects.filter(owner=owner, email__iexact=email).order_by("id").first()
    else:
        existing = (
            Contact.objects.filter(owner=owner, name__iexact=name, email="").order_by("id").first()
        )
    if existing is None:
        contact = Contact(owner=owner, name=name, email=email, phone=phone, **details)
        contact.full_clean(exclude=["owner"])
        contact.save()
        return contact, True
    changed = []
    if phone and existing.phone != phone:
        existing.phone = phone
        changed.append("phone")
    if email and not existing.email:
        existing.email = email
        changed.append("email")
    if changed:
        existing.save(update_fields=[*changed, "updated_at"])
    return existing, False


def interview_same(*, application: Application, starts_at) -> Interview | None:
    """The application's live interview at this start: logged again, it is this one."""
    if starts_at is None:
        return None
    return Interview.objects.filter(
        application=application, starts_at=starts_at, cancelled=False
    ).first()


@transaction.atomic
def interview_create(*, application: Application, interviewers=(), **fields) -> Interview:
    """A new interview, its checklist and follow-ups; or the same one, if it is there already.

    The same application and start is the same interview (a second tab, the back button):
    the one already there is returned, unchanged (the constraint interview_once_per_start).
    """
    same = interview_same(application=application, starts_at=fields.get("starts_at"))
    if same is not None:
        return same
    interview = Interview(owner=application.owner, application=application, **fields)
    interview.full_clean(exclude=["owner", "application"])
    interview.save()
    if interviewers:
        interview.interviewers.set(interviewers)
        application.contacts.add(*interviewers)
    _prepare_checklist(interview)
    if application.status in (Status.SAVED, Status.APPLIED):
        application_set_status(application=application, status=Status.INTERVIEWING)
    _apply_outcome(interview)
    _changed(application=application)
    return interview


def interview_start_taken(*, interview: Interview, starts_at) -> bool:
    """Another live interview of the application starts then (interview_once_per_start)."""
    return (
        starts_at is not None
        and Interview.objects.filter(
            application_id=interview.application_id, starts_at=starts_at, cancelled=False
        )
        .exclude(pk=interview.pk)
        .exists()
    )


@transaction.atomic
def interview_update(*, interview: Interview, interviewers=None, **fields) -> Interview:
    """Change an interview; refused (ValidationError on starts_at) when it would start, live,
    at the moment another live interview of its application starts: the form says so first,
    and every other caller gets the same rule instead of the constraint's IntegrityError."""
    live = not fields.get("cancelled", interview.cancelled)
    starts_at = fields.get("starts_at", interview.starts_at)
    if live and interview_start_taken(interview=interview, starts_at=starts_at):
        raise ValidationError(
            {"starts_at": _("This application has another interview starting at that time.")}
        )
    # As stored, not as the caller's object may already say: clearing an outcome undoes it.
    previous_outcome = (
        Interview.objects.filter(pk=interview.pk).values_list("outcome", flat=True).first()
    )
    for name, value in fields.items():
        setattr(interview, name, value)
    interview.save()
    if interviewers is not None:
        interview.interviewers.set(interviewers)
        interview.application.contacts.add(*interviewers)
    _apply_outcome(interview, previous_outcome=previous_outcome)
    _changed(application=interview.application)
    return interview


@transaction.atomic
def interview_cancel(*, interview: Interview) -> Interview:
    if not interview.cancelled:
        interview.cancelled = True
        interview.save(update_fields=["cancelled", "updated_at"])
    _changed(application=interview.application)
    return interview


def interview_undo_record(*, interview: Interview) -> dict:
    """What interview_cancel_undo needs (JSON-ready): the moment of the cancel's own write."""
    return {"updated_at": interview.updated_at.isoformat()}


@transaction.atomic
def interview_cancel_undo(*, interview: Interview, record: dict) -> Interview:
    """Take a cancel back (record: core.undo's): the interview is live again, and the sync
    re-opens the follow-ups the cancel had cancelled, at their times.

    Refused (undo.UndoRefused) when too late, after another change to the interview, or when
    another live interview of the application now starts at the same time.
    """
    row = Interview.objects.select_for_update().filter(pk=interview.pk).first()
    if row is None:
        raise undo.UndoRefused(_("The interview was deleted, so nothing was undone."))
    if undo.expired(record, timezone.now()):
        raise undo.UndoRefused(_("It is too late to undo that; edit the interview instead."))
    if not row.cancelled or row.updated_at.isoformat() != record["updated_at"]:
        raise undo.UndoRefused(_("The interview has changed since, so nothing was undone."))
    if interview_same(application=interview.application, starts_at=row.starts_at) is not None:
        raise undo.UndoRefused(_("This application has another interview starting at that time."))
    row.cancelled = False
    row.save(update_fields=["cancelled", "updated_at"])
    interview.cancelled, interview.updated_at = row.cancelled, row.updated_at
    _changed(application=interview.application)
    return interview


@transaction.atomic
def interview_delete(*, interview: Interview) -> None:
    application = interview.application
    interview.delete()
    _changed(application=application)


OUTCOME_STATUSES = {
    InterviewOutcome.OFFER: Status.OFFER,
    InterviewOutcome.REJECTED: Status.REJECTED,
}


def _apply_outcome(interview: Interview, previous_outcome: str | None = None) -> None:
    """An offer or a rejection recorded on an interview is the application's outcome too.

    Taking the outcome back (a mistaken click, or "not known yet" after all) takes the status
    back to interviewing, and the follow-up sync then cancels the feedback request it had
    scheduled, but only while nothing else has decided the status since: the status is still
    the one this outcome set, it was the last change of the timeline, and no other interview
    of the application records the same outcome.
    """
    target = OUTCOME_STATUSES.get(interview.outcome)
    application = interview.application
    if target:
        if application.status != target and application.status not in (
            Status.ACCEPTED,
            Status.WITHDRAWN,
        ):
            # The interview said it; the caller brings the rest in step.
            _set_status(application=application, status=target, at=None)
        return
    undone = OUTCOME_STATUSES.get(previous_outcome)
    if undone is None or application.status != undone:
        return
    latest = application.status_changes.order_by("-changed_at", "-id").first()
    if latest is None or latest.status != undone:
        return
    others = Interview.objects.filter(
        application=application, cancelled=False, outcome=previous_outcome
    ).exclude(pk=interview.pk)
    if others.exists():
        return
    _set_status(application=application, status=Status.INTERVIEWING, at=None)


def _interviewers_with_new(
    *, owner, company: str, interviewers, new_interviewers: list[dict]
) -> list[Contact]:
    """The chosen contacts plus the people typed in (name, email, phone), found or created.

    One contact per person: a row naming a chosen contact, or two rows with one email, add it
    once (contact_find_or_create finds the one the earlier row created).
    """
    interviewers = list(interviewers)
    if any(contact.owner_id != owner.pk for contact in interviewers):
        raise ValueError("An interviewer must be one of the owner's contacts.")
    for person in new_interviewers:
        if not person.get("name", "").strip():
            continue
        contact, _created = contact_find_or_create(
            owner=owner,
            name=person["name"],
            email=person.get("email", ""),
            phone=person.get("phone", ""),
            company=company,
        )
        if contact not in interviewers:
            interviewers.append(contact)
    return interviewers


@transaction.atomic
def interview_log(
    *,
    owner,
    application: Application | None = None,
    company: str = "",
    position: str = "",
    interviewers=(),
    new_interviewers: list[dict] = (),
    create_another: bool = False,
    **fields,
) -> tuple[Interview, bool]:
    """(interview, created): log an interview in one step, with its application if needed.

    Without an application, company and position name it (the dashboard's quick path):
    - an open application at that company with a live interview at that start: that is this
      interview (logged already, from another form);
    - else the one open application at that company and position is the one meant;
    - else, with any open application at that company, SameCompany asks the person first,
      unless they said `create_another`; otherwise a new application is created.
    With an application, its live interview at that start is this one. All or nothing: if any
    part fails, no application, contact or interview remains.
    """
    _one_creation_at_a_time(owner)
    if application is None:
        same_company = applications_at_company(owner=owner, company=company)
        for candidate in same_company:
            same = interview_same(application=candidate, starts_at=fields.get("starts_at"))
            if same is not None:
                return same, False
        same_position = [a for a in same_company if _same_text(a.position, position)]
        if len(same_position) == 1 and not create_another:
            application = same_position[0]
        else:
            application = application_create(
                owner=owner,
                company=company.strip(),
                position=position.strip(),
                same_company_ok=create_another,
            )
    elif application.owner_id != owner.pk:
        raise ValueError("The application belongs to another user.")
    same = interview_same(application=application, starts_at=fields.get("starts_at"))
    if same is not None:
        return same, False
    interviewers = _interviewers_with_new(
        owner=owner,
        company=application.company,
        interviewers=interviewers,
        new_interviewers=list(new_interviewers),
    )
    return interview_create(application=application, interviewers=interviewers, **fields), True


@transaction.atomic
def interview_edit(
    *,
    interview: Interview,
    interviewers=(),
    new_interviewers: list[dict] = (),
    **fields,
) -> Interview:
    """Save an edited interview; typed interviewers are found or created as in interview_log."""
    interviewers = _interviewers_with_new(
        owner=interview.owner,
        company=interview.application.company,
        interviewers=interviewers,
        new_interviewers=list(new_interviewers),
    )
    return interview_update(interview=interview, interviewers=interviewers, **fields)


@transaction.atomic
def bank_question_move(*, question: BankQuestion, offset: int) -> None:
    """Move a question of the bank one place up (-1) or down (+1), renumbering the bank."""
    questions = list(BankQuestion.objects.filter(owner=question.owner).order_by("position", "id"))
    index = next(i for i, q in enumerate(questions) if q.pk == question.pk)
    target = index + offset
    if not 0 <= target < len(questions):
        return
    questions[index], questions[target] = questions[target], questions[index]
    for position, item in enumerate(questions):
        item.position = position
    BankQuestion.objects.bulk_update(questions, ["position"])


def bank_question_add(*, owner, question: str) -> BankQuestion:
    last = BankQuestion.objects.filter(owner=owner).order_by("-position").first()
    return BankQuestion.objects.create(
        owner=owner, question=question, position=(last.position + 1) if last else 0
    )


def bank_question_edit(*, question: BankQuestion, text: str) -> BankQuestion:
    """Reword a question of the bank; checklists copied from it earlier keep their wording."""
    question.question = text
    question.save(update_fields=["question"])
    return question


def bank_question_delete(*, question: BankQuestion) -> None:
    """Take a question out of the bank; checklists of interviews logged earlier keep it."""
    question.delete()


@transaction.atomic
def prep_items_save(*, formset) -> None:
    """Save an interview's checklist form (answers and ticks): every answer or none."""
    formset.save()


@transaction.atomic
def prep_item_add(*, interview: Interview, question: str) -> PrepItem:
    """Add a question to one interview's checklist, after the others (the bank is unchanged)."""
    last = (
        PrepItem.objects.filter(interview=interview)
        .order_by("-position")
        .values_list("position", flat=True)
        .first()
    )
    return PrepItem.objects.create(
        owner_id=interview.owner_id,
        interview=interview,
        question=question,
        position=0 if last is None else last + 1,
    )


@transaction.atomic
def prep_item_remove(*, item: PrepItem, answers=None) -> None:
    """Take a question (and its answer) off its interview's checklist; the bank keeps it.

    `answers`, the checklist form posted with the Remove button, is saved first when valid, so
    that what was typed on the page is not lost.
    """
    if answers is not None and answers.is_valid():
        answers.save()
    item.delete()


@transaction.atomic
def application_delete(*, application: Application) -> None:
    """Delete an application with its interviews, timeline, feedback and follow-ups."""
    application.delete()
    followups_sync_obligation(owner_id=application.owner_id)


def document_attach(
    *,
    application: Application,
    file: File,
    name: str,
    kind: str,
    label: str = "",
    sent_on: datetime.date | None = None,
    submission_key=None,
) -> Document:
    """Keep a file sent with an application, checked by its content, under a random name.

    DocumentRefused (a ValidationError with the person's message) when it is not a PDF, DOCX,
    ODT or text document, is empty or too large, or its name says another type: nothing is
    stored then. `sent_on` defaults to today in the owner's time zone.

    The file is stored first, then the row; a row that cannot be written (the same form posted
    twice) takes its file back out. Not for a caller's longer transaction: one rolled back
    after this returns would leave the file behind (the import keeps its own list instead).
    """
    detected = document_files.detect(file)
    original_name = document_files.clean_name(name)
    document_files.check_name(original_name, detected)
    file.seek(0, 2)
    owner = application.owner
    document = Document(
        owner=owner,
        application=application,
        kind=kind,
        label=label.strip(),
        original_name=original_name,
        content_type=detected.content_type,
        size=file.tell(),
        sent_on=sent_on or timezone.localdate(timezone=owner.tzinfo),
        submission_key=submission_key,
    )
    file.seek(0)
    document.full_clean(exclude=["owner", "application", "file"], validate_constraints=False)
    document.file.save(original_name, file, save=False)
    try:
        _document_insert(document)
    except BaseException:
        document.file.delete(save=False)
        raise
    return document


@transaction.atomic
def _document_insert(document: Document) -> None:
    document.save()


@transaction.atomic
def document_delete(*, document: Document) -> None:
    """Delete a document; its file leaves the storage once this commits (documents.py)."""
    document.delete()


@transaction.atomic
def contact_save(*, form) -> Contact:
    """Save a contact form (the contact and the applications it is linked to)."""
    contact = form.save()
    return contact


@transaction.atomic
def feedback_save(*, entry: FeedbackEntry) -> FeedbackEntry:
    """Save a new or edited entry of an application's feedback log.

    The feedback answers the request for it: a feedback follow-up still open is done.
    """
    entry.save()
    followups_feedback_received(application=entry.application)
    return entry


@transaction.atomic
def feedback_delete(*, entry: FeedbackEntry) -> None:
    entry.delete()


@transaction.atomic
def contact_delete(*, contact: Contact) -> None:
    """Delete a contact; the interviews they took part in stay, without them."""
    application_ids = set(
        Interview.objects.filter(interviewers=contact).values_list("application_id", flat=True)
    )
    contact.delete()
    # Drafts name the interviewer: the follow-ups of those applications must not name this one.
    for application in Application.objects.filter(pk__in=application_ids):
        _changed(application=application)


# --- Bulk, for imports ---------------------------------------------------------------------------
# The imports check every row first (full_clean, reporting each problem with its place in the
# file), then write through these in dependency order: contacts, applications, interviews, their
# rows, then the follow-up sync. A few INSERTs per batch instead of a few queries per row.

BULK_BATCH = 500


def contacts_find_or_create(*, owner, people: list[dict]) -> list[tuple[Contact, bool]]:
    """contact_find_or_create for many people at once: the same matching rule, in bulk.

    `people` are dicts of contact_find_or_create's arguments, already checked by the caller.
    A person matches the owner's contacts and those made for earlier people in the list, as if
    contact_find_or_create had been called for each in turn. One (contact, created) each.
    """
    by_email: dict[str, Contact] = {}
    by_name: dict[str, Contact] = {}
    for contact in Contact.objects.filter(owner=owner).order_by("-id"):
        # Descending, so that the oldest of equal ones is kept, as .order_by("id").first().
        if contact.email:
            by_email[contact.email.casefold()] = contact
        else:
            by_name[contact.name.casefold()] = contact
    found: list[tuple[Contact, bool]] = []
    new: list[Contact] = []
    changed: dict[int, Contact] = {}
    now = timezone.now()
    for person in people:
        details = dict(person)
        name = details.pop("name", "").strip()
        email = details.pop("email", "").strip().lower()
        phone = details.pop("phone", "").strip()
        existing = by_email.get(email.casefold()) if email else by_name.get(name.casefold())
        if existing is None:
            contact = Contact(owner=owner, name=name, email=email, phone=phone, **details)
            new.append(contact)
            if email:
                by_email[email.casefold()] = contact
            else:
                by_name[name.casefold()] = contact
            found.append((contact, True))
            continue
        if phone and existing.phone != phone:
            existing.phone = phone
            if existing.pk is not None:
                existing.updated_at = now
                changed[existing.pk] = existing
        found.append((existing, False))
    Contact.objects.bulk_create(new, batch_size=BULK_BATCH)
    if changed:
        Contact.objects.bulk_update(
            changed.values(), ["phone", "updated_at"], batch_size=BULK_BATCH
        )
    return found


def application_contacts_add(*, links) -> None:
    """Link (application, contact) pairs; pairs already linked stay as they are."""
    link_many(Application.contacts, links, batch_size=BULK_BATCH)


def interview_interviewers_add(*, links) -> None:
    """Link (interview, contact) pairs, and each contact to the interview's application too."""
    links = list(links)
    link_many(
        Interview.interviewers,
        ((interview.pk, contact.pk) for interview, contact in links),
        batch_size=BULK_BATCH,
    )
    application_contacts_add(
        links=[(interview.application_id, contact.pk) for interview, contact in links]
    )


def applications_restore(*, entries: list[tuple[Application, list[StatusChange], list]]) -> None:
    """Save applications recorded elsewhere (an export being restored), as they were.

    (application, history, contacts) each. Unlike application_create, nothing is derived: the
    timeline is the recorded one (or, when the record has none, its first step).

    The caller restores the interviews next and then brings the follow-ups in step with
    followups_sync_applications, once.
    """
    applications = [application for application, _history, _contacts in entries]
    Application.objects.bulk_create(applications, batch_size=BULK_BATCH)
    changes = []
    for application, history, _contacts in entries:
        if not history:
            history = [
                StatusChange(status=application.status, changed_at=application.status_changed_at)
            ]
        for change in history:
            change.owner_id = application.owner_id
            change.application = application
        changes += history
    StatusChange.objects.bulk_create(changes, batch_size=BULK_BATCH)
    application_contacts_add(
        links=[
            (application.pk, contact.pk)
            for application, _history, contacts in entries
            for contact in contacts
        ]
    )


def applications_create(
    *, entries: list[tuple[Application, list]], now: datetime.datetime | None = None
) -> None:
    """application_create for many checked applications: (application, contacts) each.

    Each gets the first step of its timeline at its status_changed_at (now when unset) and its
    follow-ups from the same sync, a chunk of applications at a time.
    """
    now = now or timezone.now()
    for application, _contacts in entries:
        application.status_changed_at = application.status_changed_at or now
    applications_restore(entries=[(application, [], contacts) for application, contacts in entries])
    followups_sync_applications(application_ids=[application.pk for application, _c in entries])


def interviews_restore(*, entries: list[tuple[Interview, list, list[PrepItem]]]) -> None:
    """Save interviews recorded elsewhere (an export), each with its own checklist, as they were.

    (interview, interviewers, checklist) each. Unlike interview_create, the application's status
    is left as recorded and the checklist is the recorded one, not the question bank's.
    """
    interviews = [interview for interview, _i, _c in entries]
    Interview.objects.bulk_create(interviews, batch_size=BULK_BATCH)
    items = []
    for interview, _interviewers, checklist in entries:
        for item in checklist:
            item.owner_id = interview.owner_id
            item.interview = interview
        items += checklist
    PrepItem.objects.bulk_create(items, batch_size=BULK_BATCH)
    interview_interviewers_add(
        links=[
            (interview, contact)
            for interview, interviewers, _checklist in entries
            for contact in interviewers
        ]
    )


def feedback_restore(*, entries: list[FeedbackEntry]) -> None:
    FeedbackEntry.objects.bulk_create(entries, batch_size=BULK_BATCH)


def bank_questions_restore(*, questions: list[BankQuestion]) -> None:
    BankQuestion.objects.bulk_create(questions, batch_size=BULK_BATCH)


def documents_restore(*, entries: Iterable[tuple[Document, File]], stored: list[str]) -> None:
    """Save documents recorded elsewhere (an export's zip) with their files, as they were.

    The caller checked each file already (documents.detect). `entries` may be a generator: one
    file is in hand at a time. Each file's storage name is added to `stored` as soon as it is
    written, so that the caller, whose transaction may still roll back, can take them out again.
    """
    rows = []
    for document, file in entries:
        document.file.save(document.original_name, file, save=False)
        stored.append(document.file.name)
        rows.append(document)
    Document.objects.bulk_create(rows, batch_size=BULK_BATCH)
