from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET

from exports import csv_export
from followups import obligation
from insights import charts, queries, report


def _percent(rate: float | None) -> str:
    if rate is None:
        return "–"
    return _("%(value)s %%") % {"value": formats.number_format(rate * 100, 0)}


def _days(value: float | None) -> str:
    if value is None:
        return "–"
    return formats.number_format(value, 0 if value == int(value) else 1)


@require_GET
def insights(request: HttpRequest) -> HttpResponse:
    data = queries.insights_for(request.user)
    stage_labels = {"applied": _("Applied"), "interview": _("Interview"), "offer": _("Offer")}
    funnel, funnel_width, funnel_height = charts.funnel_bars(
        [(stage_labels[key], value) for key, value in data.funnel]
    )
    week_labels = [formats.date_format(w.start, "SHORT_DATE_FORMAT") for w in data.weeks]
    weeks, weeks_width, weeks_height, baseline = charts.week_bars(
        [
            (label, w.applications, w.interviews)
            for label, w in zip(week_labels, data.weeks, strict=True)
        ]
    )
    week_rows = [
        {"label": label, "applications": w.applications, "interviews": w.interviews}
        for label, w in zip(week_labels, data.weeks, strict=True)
    ]
    context = {
        "data": data,
        "response_rate": _percent(data.response_rate),
        "on_time_rate": _percent(data.on_time_rate),
        "days_to_response": _days(data.median_days_to_response),
        "days_to_outcome": _days(data.median_days_interview_to_outcome),
        "funnel": funnel,
        "funnel_width": funnel_width,
        "funnel_height": funnel_height,
        "funnel_summary": ", ".join(f"{b.label}: {b.value}" for b in funnel),
        "weeks": weeks,
        # Day and month only: a whole date is wider than a week's slot, and the labels ran into
        # each other (the table below the chart keeps the full dates).
        "week_labels": [
            {
                "label": formats.date_format(w.start, pgettext("day and month on a chart", "n/j")),
                "x": i * charts.WEEK_SLOT + charts.WEEK_SLOT / 2 - 3,
            }
            for i, w in enumerate(data.weeks)
        ],
        "week_rows": week_rows,
        "weeks_width": weeks_width,
        "weeks_height": weeks_height,
        "baseline": baseline,
        "label_y": baseline + 16,
        "weeks_summary": "; ".join(
            _("week of %(week)s: %(apps)d applications, %(interviews)d interviews")
            % {"week": r["label"], "apps": r["applications"], "interviews": r["interviews"]}
            for r in week_rows
        ),
    }
    context["obligation_periods"] = obligation.past_progress(request.user, timezone.localdate())
    return render(request, "insights/insights.html", context)


# --- The job-search report -----------------------------------------------------------------------


def _report_context(request: HttpRequest) -> dict:
    today = timezone.localdate()
    period = obligation.period_from(request.GET.get("period"), request.user, today)
    return {
        "period": period,
        "periods": obligation.picker_periods(request.user, today),
        "headers": report.headers(),
        "rows": report.rows(request.user, period),
        "person": request.user.display_name or request.user.email,
        "dialects": csv_export.DIALECTS.values(),
        "dialect": csv_export.dialect_for(request.GET.get("dialect"), request.LANGUAGE_CODE),
        "pdf_available": pdf_available(),
    }


def _filename(period, extension: str) -> str:
    return f"job-search-report-{period.first.isoformat()}.{extension}"


@require_GET
def job_search_report(request: HttpRequest) -> HttpResponse:
    """The person's applications of one review period, to print or download and hand in."""
    return render(request, "insights/report.html", _report_context(request))


@require_GET
def job_search_report_csv(request: HttpRequest) -> HttpResponse:
    context = _report_context(request)
    lines = csv_export.csv_lines(
        context["headers"], report.csv_rows(context["rows"]), context["dialect"]
    )
    response = HttpResponse("".join(lines), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="{_filename(context["period"], "csv")}"'
    )
    return response


def pdf_available() -> bool:
    """Whether WeasyPrint and the Pango library it draws text with are installed."""
    try:
        import weasyprint  # noqa: F401
    except (ImportError, OSError):
        return False
    return True


@require_GET
def job_search_report_pdf(request: HttpRequest) -> HttpResponse:
    context = _report_context(request)
    if not context["pdf_available"]:
        # The page itself prints as one clean page per period (its print style sheet).
        messages.info(request, _("A PDF cannot be made on this server: print the page instead."))
        return redirect(f"{reverse('insights:report')}?period={context['period'].first}")
    import weasyprint

    html = render_to_string("insights/report_pdf.html", context, request=request)
    pdf = weasyprint.HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="{_filename(context["period"], "pdf")}"'
    )
    return response
