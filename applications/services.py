"""Workflows that write several rows: the status timeline and the follow-ups stay in step here.

Views and imports call these; nothing else changes an application's status or an interview's
time, so the timeline and the follow-ups cannot drift from the data.
"""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.models import (
    Application,
    BankQuestion,
    Contact,
    Interview,
    InterviewOutcome,
    PrepItem,
    Status,
    StatusChange,
)
from followups.services import followups_sync_application


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


@transaction.atomic
def application_create(*, owner, contacts=(), **fields) -> Application:
    now = timezone.now()
    application = Application(owner=owner, status_changed_at=now, **fields)
    application.full_clean(exclude=["owner"])
    application.save()
    if contacts:
        application.contacts.set(contacts)
    StatusChange.objects.create(
        owner=owner, application=application, status=application.status, changed_at=now
    )
    followups_sync_application(application=application)
    return application


@transaction.atomic
def application_update(*, application: Application, contacts=None, **fields) -> Application:
    """Save edited fields; a changed status goes through application_set_status."""
    new_status = fields.pop("status", application.status)
    for name, value in fields.items():
        setattr(application, name, value)
    application.save()
    if contacts is not None:
        application.contacts.set(contacts)
    if new_status != application.status:
        application_set_status(application=application, status=new_status)
    else:
        followups_sync_application(application=application)
    return application


@transaction.atomic
def application_set_status(
    *, application: Application, status: str, at: datetime.datetime | None = None
) -> Application:
    if status == application.status:
        return application
    at = at or timezone.now()
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
    followups_sync_application(application=application)
    return application


def _prepare_checklist(interview: Interview) -> None:
    questions = BankQuestion.objects.filter(owner=interview.owner).values_list(
        "question", flat=True
    )
    PrepItem.objects.bulk_create(
        PrepItem(owner=interview.owner, interview=interview, question=q, position=i)
        for i, q in enumerate(questions)
    )


def contact_find_or_create(
    *, owner, name: str, email: str = "", phone: str = "", company: str = ""
) -> Contact:
    """The owner's contact with this email (or, without one, this exact name), else a new one."""
    name, email, phone = name.strip(), email.strip().lower(), phone.strip()
    existing = None
    if email:
        existing = Contact.objects.filter(owner=owner, email__iexact=email).first()
    if existing is None:
        existing = Contact.objects.filter(owner=owner, name__iexact=name, email="").first()
    if existing is None:
        return Contact.objects.create(
            owner=owner, name=name, email=email, phone=phone, company=company
        )
    changed = False
    if phone and existing.phone != phone:
        existing.phone, changed = phone, True
    if email and not existing.email:
        existing.email, changed = email, True
    if changed:
        existing.save(update_fields=["phone", "email", "updated_at"])
    return existing


@transaction.atomic
def interview_create(*, application: Application, interviewers=(), **fields) -> Interview:
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
    followups_sync_application(application=application)
    return interview


@transaction.atomic
def interview_update(*, interview: Interview, interviewers=None, **fields) -> Interview:
    for name, value in fields.items():
        setattr(interview, name, value)
    interview.save()
    if interviewers is not None:
        interview.interviewers.set(interviewers)
        interview.application.contacts.add(*interviewers)
    _apply_outcome(interview)
    followups_sync_application(application=interview.application)
    return interview


@transaction.atomic
def interview_cancel(*, interview: Interview) -> Interview:
    if not interview.cancelled:
        interview.cancelled = True
        interview.save(update_fields=["cancelled", "updated_at"])
    followups_sync_application(application=interview.application)
    return interview


@transaction.atomic
def interview_delete(*, interview: Interview) -> None:
    application = interview.application
    interview.delete()
    followups_sync_application(application=application)


def _apply_outcome(interview: Interview) -> None:
    """An offer or a rejection recorded on an interview is the application's outcome too."""
    target = {
        InterviewOutcome.OFFER: Status.OFFER,
        InterviewOutcome.REJECTED: Status.REJECTED,
    }.get(interview.outcome)
    application = interview.application
    if (
        target
        and application.status != target
        and application.status
        not in (
            Status.ACCEPTED,
            Status.WITHDRAWN,
        )
    ):
        application_set_status(application=application, status=target)
