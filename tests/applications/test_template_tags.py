"""applications_tags: the status badge and the timeline's order."""

import datetime
import zoneinfo

from django.template import Context, Template
from django.utils import translation

from applications.models import Application, Status

HELSINKI = zoneinfo.ZoneInfo("Europe/Helsinki")


def render(source: str, **context) -> str:
    return Template("{% load applications_tags %}" + source).render(Context(context))


def test_by_time_sorts_entries_of_several_lists_and_keeps_their_order_at_the_same_moment():
    at = datetime.datetime(2026, 3, 9, 10, 0, tzinfo=HELSINKI)
    later = at + datetime.timedelta(hours=1)
    own = [{"at": at, "name": "change"}, {"at": later, "name": "interview"}]
    other = [{"at": at, "name": "reminder"}]
    rendered = render(
        "{% by_time own other as entries %}{% for e in entries %}{{ e.name }} {% endfor %}",
        own=own,
        other=other,
    )
    assert rendered == "change reminder interview "


def test_the_status_badge_names_the_status_in_the_active_language():
    application = Application(status=Status.OFFER)
    with translation.override("en"):
        html = render("{% status_badge a %}", a=application)
    assert html == '<span class="badge text-bg-warning">Offer</span>'
    with translation.override("fi"):
        assert "Offer<" not in render("{% status_badge a %}", a=application)
