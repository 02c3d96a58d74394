"""Calendar (.ics and the private feed), exports (CSV, JSON) and imports (CSV, JSON).

Views stay thin: building files lives in exports.calendar / csv_export / json_export, reading
them in csv_import / json_import.
"""

from __future__ import annotations

import datetime
import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import formats, timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import (
    require_GET,
    require_http_methods,
    require_POST,
    require_safe,
)

from applications.models import Document, Interview, SalaryPeriod, Status
from applications.templatetags.applications_tags import CURRENCY_SYMBOLS
from core.lookups import get_owned_or_404
from exports import calendar, csv_export, csv_import, json_export, services, zip_export
from exports.forms import CsvUploadForm, JsonUploadForm, MappingForm
from exports.models import CalendarFeed, ImportJob, ImportKind, ImportState
from exports.problems import Problem
from exports.progress import Phase, progress_get

SESSION_UPLOAD = "exports_csv_upload"
SESSION_MAPPING = "exports_csv_mapping"
SESSION_DATE_ORDER = "exports_csv_date_order"
PREVIEW_ROWS = 10
ICS_TYPE = "text/calendar; charset=utf-8"
RECENT_IMPORTS = 5
# A job waiting longer than this gets a word about the worker perhaps not running.
QUEUED_HINT_AFTER = datetime.timedelta(seconds=30)


def _stamp() -> str:
    return timezone.localdate().isoformat()


def _attachment(response: HttpResponse, filename: str) -> HttpResponse:
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# --- Overview --------------------------------------------------------------------------------


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    recent = ImportJob.objects.owned_by(request.user).defer("payload").order_by("-created_at")
    context = {
        "has_documents": Document.objects.owned_by(request.user).exists(),
        "dialects": csv_export.DIALECTS.values(),
        "dialect": _dialect(request),
        "csv_form": CsvUploadForm(),
        # Two file fields on one page: the second one gets ids of its own.
        "json_form": JsonUploadForm(auto_id="id_json_%s"),
        "imports": recent[:RECENT_IMPORTS],
    }
    return render(request, "exports/index.html", context)


# --- Calendar --------------------------------------------------------------------------------


@require_GET
def interview_ics(request: HttpRequest, pk: int) -> HttpResponse:
    interview = get_owned_or_404(
        request,
        Interview.objects.select_related("application").prefetch_related("interviewers"),
        pk,
    )
    body = calendar.interview_ics(interview, request.user)
    name = slugify(f"{interview.application.company} {interview.starts_at:%Y-%m-%d}") or "interview"
    return _attachment(HttpResponse(body, content_type=ICS_TYPE), f"interview-{name}.ics")


def _feed_url(feed: CalendarFeed | None) -> str:
    return settings.SITE_URL + feed.get_absolute_url() if feed else ""


@require_GET
def calendar_feed(request: HttpRequest) -> HttpResponse:
    feed = CalendarFeed.objects.filter(owner=request.user).first()
    url = _feed_url(feed)
    webcal = "webcal://" + url.split("://", 1)[1] if url else ""
    return render(
        request,
        "exports/calendar_feed.html",
        {"feed": feed, "feed_url": url, "webcal_url": webcal, "past_days": calendar.FEED_PAST_DAYS},
    )


@require_POST
def calendar_feed_regenerate(request: HttpRequest) -> HttpResponse:
    _feed, created = services.calendar_feed_renew(owner=request.user)
    if not created:
        messages.success(request, _("A new feed address was made; the old one no longer works."))
    else:
        messages.success(request, _("Your calendar feed address is ready."))
    return redirect("exports:calendar_feed")


@require_POST
def calendar_feed_revoke(request: HttpRequest) -> HttpResponse:
    if services.calendar_feed_revoke(owner=request.user):
        messages.success(
            request, _("The calendar feed was turned off; its address no longer works.")
        )
    return redirect("exports:calendar_feed")


@login_not_required
@never_cache
@require_safe  # some calendar apps check the feed with HEAD first
def calendar_feed_ics(request: HttpRequest, token: str) -> HttpResponse:
    """The feed calendar apps subscribe to: found by its secret token alone, no session."""
    feed = CalendarFeed.objects.select_related("owner").filter(token=token).first()
    if feed is None or not feed.owner.is_active:
        raise Http404
    services.calendar_feed_fetched(feed=feed)
    with calendar.activate_owner_language(feed.owner):
        body = calendar.feed_ics(feed.owner)
    response = HttpResponse(body, content_type=ICS_TYPE)
    response["Content-Disposition"] = 'inline; filename="seuranta.ics"'
    return response


# --- Export ----------------------------------------------------------------------------------


def _csv_response(lines, filename: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    return _attachment(response, filename)


def _dialect(request: HttpRequest) -> csv_export.Dialect:
    return csv_export.dialect_for(request.GET.get("dialect"), request.LANGUAGE_CODE)


@require_GET
def applications_csv(request: HttpRequest) -> StreamingHttpResponse:
    dialect = _dialect(request)
    lines = csv_export.csv_lines(
        csv_export.application_headers(),
        csv_export.application_rows(request.user, dialect),
        dialect,
    )
    return _csv_response(lines, f"seuranta-applications-{_stamp()}.csv")


@require_GET
def history_csv(request: HttpRequest) -> StreamingHttpResponse:
    lines = csv_export.csv_lines(
        csv_export.history_headers(), csv_export.history_rows(request.user), _dialect(request)
    )
    return _csv_response(lines, f"seuranta-status-history-{_stamp()}.csv")


@require_GET
def account_json(request: HttpRequest) -> HttpResponse:
    data = json_export.export_account(request.user)
    body = json.dumps(data, ensure_ascii=False, indent=1)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    return _attachment(response, f"seuranta-export-{_stamp()}.json")


@require_GET
def account_zip(request: HttpRequest) -> StreamingHttpResponse:
    """The JSON export and every document's file, in one zip sent as it is written."""
    response = StreamingHttpResponse(
        zip_export.export_chunks(request.user), content_type="application/zip"
    )
    response["Cache-Control"] = "private, no-store"
    return _attachment(response, f"seuranta-export-{_stamp()}.zip")


# --- Import: JSON ----------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def import_json(request: HttpRequest) -> HttpResponse:
    """The upload only: the import itself is a job the worker runs (import_job shows it)."""
    form = JsonUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        job = services.import_job_create(
            owner=request.user,
            kind=ImportKind.JSON,
            payload=upload.read(),
            filename=upload.name,
            options={"take_preferences": form.cleaned_data["take_preferences"]},
        )
        return redirect(job)
    status = 400 if form.errors else 200
    return render(request, "exports/import_json.html", {"form": form}, status=status)


# --- Import jobs -----------------------------------------------------------------------------


def _get_import_job_for_user(request: HttpRequest, pk: int) -> ImportJob:
    """The import job with this id if it belongs to the logged-in user; 404 for anyone else."""
    return get_owned_or_404(request, ImportJob.objects.defer("payload"), pk)


def _number(value: int) -> str:
    # Grouped by a no-break space, as "3 200 of 10 000" reads in English and Finnish alike.
    return f"{value:,}".replace(",", "\u00a0")


def _job_status(job: ImportJob) -> dict:
    """What the job page and its polling script show: a line of text and the bar."""
    now = timezone.now()
    progress = progress_get(job.pk) if job.state == ImportState.RUNNING else None
    done, total = (progress.done, progress.total) if progress else (job.done, job.total)
    hint = ""
    interrupted = job.is_interrupted(now)
    if interrupted and not job.tries_left:
        # The periodic pass marks it failed with this message (services.import_jobs_resume);
        # said here already in case that pass has not run yet.
        text = _("The import was interrupted; nothing was imported. Please try again.")
        finished = True
    elif job.state == ImportState.QUEUED or interrupted:
        # Its worker died: it waits for another to take it over, from the start.
        text = _("Waiting for the background worker to start the import…")
        waiting_since = job.created_at if not interrupted else job.claimed_until or job.started_at
        if now - waiting_since > QUEUED_HINT_AFTER:
            hint = _(
                "If this does not change, the background worker may not be running: the "
                "import starts as soon as it runs."
            )
        finished = False
    elif job.state == ImportState.RUNNING:
        if progress is None or not progress.total:
            text = _("Importing…")
        elif progress.phase == Phase.CHECKING:
            text = _("Checking the file… %(done)s of %(total)s") % {
                "done": _number(done),
                "total": _number(total),
            }
        else:
            text = _("Importing… %(done)s of %(total)s") % {
                "done": _number(done),
                "total": _number(total),
            }
        finished = False
    elif job.state == ImportState.DONE:
        count = job.imported_applications
        text = ngettext(
            "Imported %(count)s application.", "Imported %(count)s applications.", count
        ) % {"count": _number(count)}
        finished = True
    else:
        text = _("Nothing was imported.")
        finished = True
    return {
        "state": job.state,
        "finished": finished,
        "done": done,
        "total": total,
        "percent": min(100, done * 100 // total) if total else 0,
        "text": text,
        "hint": hint,
    }


def _job_problems(job: ImportJob) -> list[Problem]:
    if job.is_interrupted(timezone.now()):
        return []
    return [Problem(*problem) for problem in job.problems]


def _job_summary(job: ImportJob) -> str:
    created = sum(job.result.get("created", {}).values())
    existing = sum(job.result.get("existing", {}).values())
    summary = _("%(created)d items added, %(existing)d already there.") % {
        "created": created,
        "existing": existing,
    }
    skipped = job.result.get("skipped", {}).get("documents", 0)
    if skipped:
        summary += " " + ngettext(
            "%(count)d document was not imported: its file comes only in the zip export.",
            "%(count)d documents were not imported: their files come only in the zip export.",
            skipped,
        ) % {"count": skipped}
    return summary


@require_GET
def import_job(request: HttpRequest, pk: int) -> HttpResponse:
    job = _get_import_job_for_user(request, pk)
    context = {
        "job": job,
        "status": _job_status(job),
        "problems": _job_problems(job),
        "summary": _job_summary(job) if job.state == ImportState.DONE else "",
    }
    return render(request, "exports/import_job.html", context)


@never_cache
@require_GET
def import_job_status(request: HttpRequest, pk: int) -> JsonResponse:
    """For the job page's script: the same line and bar, without rendering the page."""
    return JsonResponse(_job_status(_get_import_job_for_user(request, pk)))


# --- Import: CSV -----------------------------------------------------------------------------


def _upload_from_session(request: HttpRequest) -> csv_import.Upload | None:
    data = request.session.get(SESSION_UPLOAD)
    return csv_import.Upload.from_session(data) if data else None


def _forget_upload(request: HttpRequest) -> None:
    request.session.pop(SESSION_UPLOAD, None)
    request.session.pop(SESSION_MAPPING, None)
    request.session.pop(SESSION_DATE_ORDER, None)


@require_http_methods(["GET", "POST"])
def import_csv(request: HttpRequest) -> HttpResponse:
    """Step 1: upload. The decoded text waits in the session (size-limited) for the next steps."""
    form = CsvUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            if upload.size > csv_import.MAX_BYTES:
                raise csv_import.too_big()
            parsed = csv_import.read_upload(upload.name, upload.read())
        except csv_import.UploadRefused as error:
            form.add_error("file", str(error))
        else:
            _forget_upload(request)
            request.session[SESSION_UPLOAD] = parsed.as_session()
            return redirect("exports:import_csv_map")
    status = 400 if form.errors else 200
    return render(request, "exports/import_csv_upload.html", {"form": form}, status=status)


def _delimiter_name(delimiter: str) -> str:
    return {",": _("comma"), ";": _("semicolon"), "\t": _("tab")}.get(delimiter, delimiter)


@require_http_methods(["GET", "POST"])
def import_csv_map(request: HttpRequest) -> HttpResponse:
    """Step 2: which column holds which field (guessed), then step 3: the checked preview."""
    upload = _upload_from_session(request)
    if upload is None:
        messages.info(request, _("Choose a file to import first."))
        return redirect("exports:import_csv")
    headers, rows = upload.table()
    slashed, known_order = csv_import.slash_date_order(rows)
    ask = slashed and known_order is None
    if request.method == "POST":
        form = MappingForm(request.POST, headers=headers, ask_date_order=ask)
        if form.is_valid():
            mapping = form.mapping()
            date_order = form.chosen_date_order() if ask else known_order or csv_import.DAY_FIRST
            request.session[SESSION_MAPPING] = mapping
            request.session[SESSION_DATE_ORDER] = date_order
            return _preview(request, upload, headers, rows, mapping, date_order)
    else:
        guessed = csv_import.guess_mapping(headers)
        initial = {k: ("" if v is None else str(v)) for k, v in guessed.items()}
        if ask and request.session.get(SESSION_DATE_ORDER):
            initial[MappingForm.DATE_ORDER] = request.session[SESSION_DATE_ORDER]
        form = MappingForm(initial=initial, headers=headers, ask_date_order=ask)
    context = {
        "form": form,
        "upload": upload,
        "headers": headers,
        "sample": [row + [""] * (len(headers) - len(row)) for row in rows[:5]],
        "row_count": len(rows),
        "delimiter_name": _delimiter_name(upload.delimiter),
        "ask_date_order": ask,
    }
    return render(
        request, "exports/import_csv_map.html", context, status=400 if form.errors else 200
    )


def _shown(key: str, values: dict) -> str:
    """A checked value as the application's pages show it: words, not codes."""
    value = values.get(key)
    if value is None or value == "":
        return ""
    if key == "status":
        return str(Status(value).label)
    if key in csv_import.PERIOD_FIELDS:
        return str(SalaryPeriod(value).label)
    if key in csv_import.AMOUNT_FIELDS:
        currency = values.get(f"{key}_currency") or "EUR"
        number = formats.number_format(value, decimal_pos=2, force_grouping=True)
        return f"{number}\u00a0{CURRENCY_SYMBOLS.get(currency, currency)}"
    if key in csv_import.DATE_FIELDS:
        return formats.date_format(value, "SHORT_DATE_FORMAT")
    return str(value)


def _preview(request, upload, headers, rows, mapping, date_order) -> HttpResponse:
    checked = csv_import.check_rows(
        user=request.user, headers=headers, rows=rows, mapping=mapping, date_order=date_order
    )
    problems = checked.problems
    fields = [t for t in csv_import.TARGETS if mapping.get(t.key) is not None]
    preview = []
    for row in checked.rows[:PREVIEW_ROWS]:
        values = {**row.values}
        values["contact_names"] = "; ".join(name for name, _email in row.contacts)
        values["contact_emails"] = "; ".join(email for _name, email in row.contacts if email)
        preview.append(
            {
                "row": row.row,
                "cells": [_shown(t.key, values) for t in fields],
                "duplicate": row.duplicate,
            }
        )
    context = {
        "upload": upload,
        "fields": fields,
        "preview": preview,
        "problems": problems,
        "new_count": len(checked.new_rows),
        "duplicate_count": len(checked.rows) - len(checked.new_rows),
    }
    return render(
        request, "exports/import_csv_preview.html", context, status=400 if problems else 200
    )


@require_POST
def import_csv_confirm(request: HttpRequest) -> HttpResponse:
    """Step 4: the worker imports everything, or nothing and says why (import_job shows it)."""
    upload = _upload_from_session(request)
    mapping = request.session.get(SESSION_MAPPING)
    if upload is None or mapping is None:
        messages.info(request, _("Choose a file to import first."))
        return redirect("exports:import_csv")
    job = services.import_job_create(
        owner=request.user,
        kind=ImportKind.CSV,
        payload=upload.text.encode("utf-8"),
        filename=upload.name,
        options={
            "delimiter": upload.delimiter,
            "encoding": upload.encoding,
            "mapping": mapping,
            "date_order": request.session.get(SESSION_DATE_ORDER) or csv_import.DAY_FIRST,
        },
    )
    _forget_upload(request)
    return redirect(job)


@require_POST
def import_csv_cancel(request: HttpRequest) -> HttpResponse:
    _forget_upload(request)
    return redirect("exports:index")
