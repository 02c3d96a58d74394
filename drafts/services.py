"""Writing drafts from the user's data: generate, regenerate, edit, and the user's templates.

Callers have already fetched every object for the logged-in user (views do it owner-filtered);
these functions trust their arguments and only write.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone

from applications.models import Application, Interview
from drafts import rendering
from drafts.builtin import builtin_template
from drafts.models import BODY_MAX, SUBJECT_MAX, Draft, DraftTemplate, Kind, Language

LANGUAGES = frozenset(Language.values)


def language_for(user, request_language: str | None = None) -> str:
    """The user's chosen language, else the page's, else English."""
    for candidate in (user.language, (request_language or "")[:2]):
        if candidate in LANGUAGES:
            return candidate
    return Language.ENGLISH


def source_interview(application: Application) -> Interview | None:
    """The interview a draft about this application talks about: the latest one that has
    started, else the next one; cancelled interviews never count."""
    interviews = application.interviews.filter(cancelled=False)
    held = interviews.filter(starts_at__lte=timezone.now()).order_by("-starts_at", "-id").first()
    return held or interviews.order_by("starts_at", "id").first()


def template_for(owner, kind: str, language: str) -> dict[str, str]:
    """The user's own template of this kind and language if they made one, else the built-in."""
    own = DraftTemplate.objects.filter(owner=owner, kind=kind, language=language).first()
    if own is not None:
        return {"subject": own.subject, "body": own.body}
    return builtin_template(kind, language)


def values_for(
    *, owner, application: Application, interview: Interview | None, language: str
) -> dict[str, str]:
    interviewers = list(interview.interviewers.all()) if interview else []
    phone = next((c.phone for c in interviewers if rendering.one_line(c.phone)), "")
    return rendering.placeholder_values(
        language=language,
        company=application.company,
        position=application.position,
        interviewer_names=[c.name for c in interviewers],
        interviewer_phone=phone,
        interview_date=(
            timezone.localtime(interview.starts_at, owner.tzinfo).date() if interview else None
        ),
        my_name=owner.display_name,
    )


def _recipient(interview: Interview | None) -> str:
    if interview is None:
        return ""
    return next((c.email for c in interview.interviewers.all() if c.email), "")


def _fit(text: str, limit: int) -> str:
    """Long company names can push a generated text over the field's limit; cut, visibly."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _fill(draft: Draft) -> None:
    """Write subject, body and recipient of the draft from its template and its data."""
    template = template_for(draft.owner, draft.kind, draft.language)
    values = values_for(
        owner=draft.owner,
        application=draft.application,
        interview=draft.interview,
        language=draft.language,
    )
    # The subject becomes a header: one line, whatever a template or a value contains.
    draft.subject = _fit(
        rendering.one_line(rendering.render(template["subject"], values)), SUBJECT_MAX
    )
    draft.body = _fit(rendering.render(template["body"], values), BODY_MAX)
    draft.recipient = _recipient(draft.interview)
    draft.edited = False


def draft_generate(
    *,
    owner,
    kind: str,
    application: Application,
    interview: Interview | None = None,
    language: str,
    followup=None,
) -> tuple[Draft, bool]:
    """The user's draft of this kind for this interview (or application), made if missing.

    Returns (draft, created). Pressing the button twice opens the same draft rather than making
    a second one; "Regenerate" is the way to start over. A follow-up's draft is the draft of its
    interview and kind, so the reminder email and the interview page lead to the same one.
    """
    if followup is not None:
        existing = Draft.objects.filter(followup=followup).first()
        if existing is not None:
            return existing, False
    if interview is None:
        interview = source_interview(application)
    existing = (
        Draft.objects.filter(owner=owner, kind=kind, application=application, interview=interview)
        .order_by("-updated_at", "-id")
        .first()
    )
    if existing is not None:
        if followup is not None and existing.followup_id is None:
            existing.followup = followup
            existing.save(update_fields=["followup", "updated_at"])
        return existing, False
    draft = Draft(
        owner=owner,
        kind=Kind(kind),
        language=language,
        application=application,
        interview=interview,
        followup=followup,
    )
    _fill(draft)
    try:
        # A savepoint: two clicks on the reminder link at once must not break the request.
        with transaction.atomic():
            draft.save()
    except IntegrityError:
        if followup is None:
            raise
        return Draft.objects.get(followup=followup), False
    return draft, True


def draft_preview(
    *, owner, kind: str, application: Application, interview: Interview | None, language: str
) -> Draft:
    """The draft as draft_generate would write it, unsaved: to read before there is one.

    Raises rendering.TemplateError when the user's own template cannot be used.
    """
    if interview is None:
        interview = source_interview(application)
    draft = Draft(
        owner=owner, kind=kind, language=language, application=application, interview=interview
    )
    _fill(draft)
    return draft


def draft_regenerate(*, draft: Draft, language: str) -> Draft:
    """Rewrite the draft from its template in this language, replacing the user's edits."""
    draft.language = language
    _fill(draft)
    draft.save()
    return draft


def draft_update(*, draft: Draft, subject: str, body: str, recipient: str | None = None) -> Draft:
    """Save the user's edits; `recipient` None keeps it (a call script has none to edit).

    Unchanged, nothing is written: saving before each download keeps the draft's date.
    """
    recipient = draft.recipient if recipient is None else recipient
    if (draft.recipient, draft.subject, draft.body) == (recipient, subject, body):
        return draft
    draft.recipient, draft.subject, draft.body = recipient, subject, body
    draft.edited = True
    draft.save()
    return draft


def draft_delete(*, draft: Draft) -> None:
    """Delete a draft; the follow-up it was written for is left as it is."""
    draft.delete()


def template_save(*, owner, kind: str, language: str, subject: str, body: str) -> DraftTemplate:
    template, _ = DraftTemplate.objects.update_or_create(
        owner=owner, kind=kind, language=language, defaults={"subject": subject, "body": body}
    )
    return template


def template_reset(*, owner, kind: str, language: str) -> bool:
    """Back to the built-in wording; True if there was an own template to remove."""
    deleted, _ = DraftTemplate.objects.filter(owner=owner, kind=kind, language=language).delete()
    return bool(deleted)


def drafts_restore(*, drafts: list[Draft]) -> None:
    """Save drafts recorded elsewhere (an export being restored) as they were, in bulk.

    The caller has checked them (full_clean) and left out those the account already has.
    """
    Draft.objects.bulk_create(drafts, batch_size=500)


def templates_restore(*, templates: list[DraftTemplate]) -> None:
    """Save the templates of an export the account has none of (its own wording wins)."""
    DraftTemplate.objects.bulk_create(templates)
