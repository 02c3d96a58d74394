"""Draft pages: the list, one draft (edit, regenerate, export), delete, generate, templates.

Every object comes from an owner-filtered look-up; another user's id is a 404. Writes go through
drafts.services, and exports through drafts.export.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
    StreamingHttpResponse,
)
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch
from django.utils import timezone, translation
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from applications.models import Application, Interview
from core.lookups import get_owned_or_404
from core.pagination import paginate
from core.validators import is_id
from drafts import export, queries, rendering, services
from drafts.forms import (
    DraftForm,
    DraftTemplateForm,
    GenerateForm,
    KindFilterForm,
    NewDraftForm,
    RegenerateForm,
)
from drafts.models import Draft, DraftTemplate, Kind, Language
from followups import services as followups_services
from followups.models import Followup, State

PAGE_SIZE = 50
# What a draft's pages show of it, in the query that fetches it.
DRAFT_RELATIONS = ("owner", "application", "interview", "followup")


def _language(request: HttpRequest) -> str:
    return services.language_for(request.user, translation.get_language())


def _url_or_empty(obj) -> str:
    """The object's page, or "" while the app that serves it has no such page yet."""
    try:
        return obj.get_absolute_url()
    except NoReverseMatch:
        return ""


# --- The list and the zip ------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "HEAD"])
def draft_list(request: HttpRequest) -> HttpResponse:
    form = KindFilterForm(request.GET)
    kind = form.selected_kind()
    queryset = queries.draft_list_queryset(request.user, kind=kind)
    page = paginate(request, queryset, PAGE_SIZE)
    rows = [
        (draft, bool(rendering.missing_placeholders(draft.subject + draft.body, draft.language)))
        for draft in page.object_list
    ]
    return render(
        request,
        "drafts/draft_list.html",
        {"form": form, "page_obj": page, "rows": rows, "kind": kind},
    )


def _selected_ids(request: HttpRequest) -> list[int]:
    # Checked before the query: int() also reads " 7", "-7" and "٧", and a number past 2**63
    # made SQLite raise OverflowError (a 500) in the pk__in lookup.
    values = request.POST.getlist("ids")
    if not all(is_id(value) for value in values):
        raise Http404("Not a draft id.")
    return sorted({int(value) for value in values})


@login_required
@require_POST
def export_zip(request: HttpRequest) -> HttpResponse:
    """A zip of all the user's drafts, or of the ones ticked; any id not theirs is a 404."""
    drafts = (
        Draft.objects.owned_by(request.user)
        .select_related("application", "interview")
        .only(*export.ZIP_FIELDS)
    )
    if request.POST.get("scope") != "all":
        ids = _selected_ids(request)
        if not ids:
            messages.warning(request, _("Select at least one draft to export."))
            return redirect("drafts:list")
        drafts = drafts.filter(pk__in=ids)
        if drafts.count() != len(ids):
            # Someone else's id (or a deleted one): refuse the whole request, as for one draft.
            raise Http404("No such draft.")
    elif not drafts.exists():
        messages.info(request, _("You have no drafts to export yet."))
        return redirect("drafts:list")
    now = timezone.now()
    filename = f"seuranta-drafts-{timezone.localtime(now).date().isoformat()}.zip"
    # Streamed as it is written, the drafts read in chunks: memory stays flat however many
    # drafts there are. The price: no Content-Length, and an error half-way cuts the download
    # short (the WSGI server logs the error) instead of answering 500.
    rows = drafts.order_by("application__company", "kind", "id").iterator(chunk_size=200)
    return StreamingHttpResponse(
        export.zip_chunks(rows, request.user, now),
        content_type="application/zip",
        headers={"Content-Disposition": content_disposition_header(True, filename)},
    )


def _download(data: bytes, filename: str, content_type: str) -> FileResponse:
    # FileResponse writes Content-Disposition as RFC 6266 says (filename*= when not ASCII).
    from io import BytesIO

    response = FileResponse(
        BytesIO(data), as_attachment=True, filename=filename, content_type=content_type
    )
    response["Content-Length"] = str(len(data))
    return response


# --- One draft -----------------------------------------------------------------------------------


class _MailtoRedirect(HttpResponseRedirect):
    """A redirect to the mail app: after saving, "Open in mail app" goes on to the mailto: link."""

    allowed_schemes = ["mailto"]


def _detail_context(draft: Draft, form: DraftForm, regenerate_form: RegenerateForm) -> dict:
    missing = rendering.missing_placeholders(draft.subject + "\n" + draft.body, draft.language)
    return {
        "draft": draft,
        "form": form,
        "regenerate_form": regenerate_form,
        "missing": [p.missing.get(draft.language, p.missing["en"]) for p in missing],
        "highlighted_subject": rendering.highlight_missing(draft.subject, draft.language),
        "highlighted_body": rendering.highlight_missing(draft.body, draft.language),
        "application_url": _url_or_empty(draft.application),
        "interview_url": _url_or_empty(draft.interview) if draft.interview_id else "",
        "followup": queries.followup_of_draft(draft),
    }


def _missing_in(draft: Draft) -> set[str]:
    return {
        name
        for name, text in (("subject", draft.subject), ("body", draft.body))
        if rendering.missing_placeholders(text, draft.language)
    }


def _draft_form(draft: Draft, data=None) -> DraftForm:
    initial = {"recipient": draft.recipient, "subject": draft.subject, "body": draft.body}
    return DraftForm(data, initial=initial, missing_in=_missing_in(draft), kind=draft.kind)


# What the draft page's export buttons ask for after saving: each is a submit button of the
# edit form, so what is downloaded, printed or opened is what is on the screen, edits included.
_THEN = {
    "eml": lambda draft: redirect("drafts:export_eml", draft.pk),
    "txt": lambda draft: redirect("drafts:export_txt", draft.pk),
    "print": lambda draft: redirect("drafts:print", draft.pk),
    "mailto": lambda draft: _MailtoRedirect(export.mailto_url(draft)),
}
# A call script is read on the phone: printed or copied, never emailed.
_NOT_FOR_CALLS = {"eml", "mailto"}


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def draft_detail(request: HttpRequest, pk: int) -> HttpResponse:
    draft = get_owned_or_404(request, Draft.objects.select_related(*DRAFT_RELATIONS), pk)
    form = _draft_form(draft, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        services.draft_update(draft=draft, **form.cleaned_data)
        then = request.POST.get("then", "")
        if then in _THEN and not (draft.kind == Kind.CALL and then in _NOT_FOR_CALLS):
            return _THEN[then](draft)
        messages.success(request, _("Draft saved."))
        return redirect(draft)
    regenerate_form = RegenerateForm(initial={"language": draft.language}, edited=draft.edited)
    return render(
        request,
        "drafts/draft_detail.html",
        _detail_context(draft, form, regenerate_form),
    )


@login_required
@require_POST
def draft_regenerate(request: HttpRequest, pk: int) -> HttpResponse:
    draft = get_owned_or_404(request, Draft.objects.select_related(*DRAFT_RELATIONS), pk)
    regenerate_form = RegenerateForm(request.POST, edited=draft.edited)
    if not regenerate_form.is_valid():
        return render(
            request,
            "drafts/draft_detail.html",
            _detail_context(draft, _draft_form(draft), regenerate_form),
        )
    try:
        services.draft_regenerate(draft=draft, language=regenerate_form.cleaned_data["language"])
    except rendering.TemplateError as error:
        messages.error(request, _("Your template cannot be used: %(error)s") % {"error": error})
        return redirect(draft)
    messages.success(request, _("Draft written again from its template."))
    return redirect(draft)


@login_required
@require_POST
def draft_mark_sent(request: HttpRequest, pk: int) -> HttpResponse:
    """ "Mark as sent" on an email draft: the follow-up it carries out is done."""
    draft = get_owned_or_404(request, Draft.objects.select_related(*DRAFT_RELATIONS), pk)
    followup = queries.followup_of_draft(draft)
    if followup is None or followup.state == State.DONE:
        messages.info(request, _("Nothing was waiting for this email; nothing was changed."))
        return redirect(draft)
    try:
        followups_services.followup_mark_done(followup=followup)
    except followups_services.FollowupActionError as error:
        messages.error(request, str(error))
        return redirect(draft)
    messages.success(
        request,
        _("Marked as sent: the follow-up “%(kind)s” is done.")
        % {"kind": followup.get_kind_display()},
    )
    return redirect(draft)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def draft_delete(request: HttpRequest, pk: int) -> HttpResponse:
    draft = get_owned_or_404(request, Draft.objects.select_related(*DRAFT_RELATIONS), pk)
    if request.method == "POST":
        services.draft_delete(draft=draft)
        messages.success(request, _("Draft deleted."))
        return redirect("drafts:list")
    return render(request, "drafts/draft_confirm_delete.html", {"draft": draft})


@login_required
@require_http_methods(["GET", "HEAD"])
def draft_print(request: HttpRequest, pk: int) -> HttpResponse:
    draft = get_owned_or_404(request, Draft.objects.select_related(*DRAFT_RELATIONS), pk)
    return render(request, "drafts/draft_print.html", {"draft": draft})


@login_required
@require_http_methods(["GET", "HEAD"])
def export_eml(request: HttpRequest, pk: int) -> HttpResponse:
    draft = get_owned_or_404(request, Draft.objects.select_related(*DRAFT_RELATIONS), pk)
    return _download(export.eml_bytes(draft), f"{export.file_stem(draft)}.eml", "message/rfc822")


@login_required
@require_http_methods(["GET", "HEAD"])
def export_txt(request: HttpRequest, pk: int) -> HttpResponse:
    draft = get_owned_or_404(request, Draft.objects.select_related(*DRAFT_RELATIONS), pk)
    return _download(
        export.txt_bytes(draft), f"{export.file_stem(draft)}.txt", "text/plain; charset=utf-8"
    )


# --- Making drafts -------------------------------------------------------------------------------


def _generate(request: HttpRequest, **kwargs) -> HttpResponse:
    try:
        draft, created = services.draft_generate(owner=request.user, **kwargs)
    except rendering.TemplateError as error:
        messages.error(request, _("Your template cannot be used: %(error)s") % {"error": error})
        return redirect("drafts:templates")
    if not created:
        messages.info(request, _("You already have this draft: here it is."))
    return redirect(draft)


@login_required
@require_http_methods(["GET", "HEAD"])
def draft_new(request: HttpRequest) -> HttpResponse:
    """Choose what to write about: an application (from a list) or the one in the query string.

    The same buttons as on the application and interview pages, for a start from the drafts list
    or a plain link (?application=<id> or ?interview=<id>).
    """
    form = NewDraftForm(request.GET, user=request.user)
    application = interview = None
    if "interview" in request.GET or "application" in request.GET:
        if not form.is_valid():
            raise Http404("No such application or interview.")
        interview_id = form.cleaned_data.get("interview")
        if interview_id:
            interview = get_owned_or_404(
                request, Interview.objects.select_related("application"), interview_id
            )
            application = interview.application
        else:
            application = form.cleaned_data["application"]
    else:
        form = NewDraftForm(user=request.user)
    drafts = None
    if interview is not None:
        drafts = queries.drafts_for_interview(interview)
    elif application is not None:
        drafts = queries.drafts_for_application(application)
    return render(
        request,
        "drafts/draft_new.html",
        {"form": form, "application": application, "interview": interview, "drafts": drafts},
    )


@login_required
@require_POST
def draft_generate(request: HttpRequest) -> HttpResponse:
    """The "Thank-you email", "Request feedback" and "Call script" buttons."""
    form = GenerateForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("That draft could not be made: the request was incomplete."))
        return redirect("drafts:list")
    interview = None
    if form.cleaned_data["interview"]:
        interview = get_owned_or_404(
            request, Interview.objects.select_related("application"), form.cleaned_data["interview"]
        )
        application = interview.application
    else:
        application = get_owned_or_404(request, Application, form.cleaned_data["application"])
    return _generate(
        request,
        kind=form.cleaned_data["kind"],
        application=application,
        interview=interview,
        language=form.cleaned_data["language"] or _language(request),
    )


@login_required
@require_http_methods(["GET", "HEAD"])
def draft_for_followup(request: HttpRequest, followup_id: int) -> HttpResponse:
    """The "draft" link of a reminder email: the follow-up's draft, written on first open.

    A GET that may write one row: the link has to work from an email client, and opening it twice
    finds the same draft. Mail scanners have no session, so they only reach the log-in page.
    """
    followup = get_owned_or_404(
        request,
        # Only kinds with something to write: a job-search obligation has no application to
        # write to, an apply-by reminder no message (drafts.models.Kind lists the others).
        Followup.objects.filter(kind__in=Kind.values).select_related("application", "interview"),
        followup_id,
    )
    return _generate(
        request,
        kind=Kind(followup.kind),
        application=followup.application,
        interview=followup.interview,
        language=_language(request),
        followup=followup,
    )


# --- The user's templates ------------------------------------------------------------------------


def _kind_and_language(kind: str, language: str) -> tuple[Kind, str]:
    if kind not in Kind.values or language not in Language.values:
        raise Http404("No such template.")
    return Kind(kind), language


@login_required
@require_http_methods(["GET", "HEAD"])
def template_list(request: HttpRequest) -> HttpResponse:
    own = {(t.kind, t.language): t for t in DraftTemplate.objects.owned_by(request.user)}
    rows = [
        (kind, code, name, own.get((kind.value, code)))
        for kind in Kind
        for code, name in Language.choices
    ]
    return render(request, "drafts/template_list.html", {"rows": rows})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def template_edit(request: HttpRequest, kind: str, language: str) -> HttpResponse:
    kind, language = _kind_and_language(kind, language)
    own = DraftTemplate.objects.owned_by(request.user).filter(kind=kind, language=language).first()
    if request.method == "POST":
        form = DraftTemplateForm(request.POST)
        if form.is_valid():
            services.template_save(
                owner=request.user, kind=kind, language=language, **form.cleaned_data
            )
            messages.success(request, _("Your template is saved; new drafts use it."))
            return redirect("drafts:templates")
    else:
        form = DraftTemplateForm(initial=services.template_for(request.user, kind, language))
    return render(
        request,
        "drafts/template_edit.html",
        {
            "form": form,
            "kind": kind,
            "language": language,
            "language_name": Language(language).label,
            "own": own,
            "placeholders": rendering.PLACEHOLDERS,
        },
    )


@login_required
@require_POST
def template_reset(request: HttpRequest, kind: str, language: str) -> HttpResponse:
    kind, language = _kind_and_language(kind, language)
    if services.template_reset(owner=request.user, kind=kind, language=language):
        messages.success(request, _("Back to the built-in template."))
    return redirect("drafts:templates")
