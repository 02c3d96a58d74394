from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET

from insights import charts, queries


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
    return render(request, "insights/insights.html", context)
