"""applications_tags: the status badge and the ISO timestamps written into <time> elements."""

import datetime
import zoneinfo

import pytest
from django.template import Context, Template
from django.utils import timezone, translation

from applications.models import Application, Status

HELSINKI = zoneinfo.ZoneInfo("Europe/Helsinki")


def render(source: str, **context) -> str:
    return Template("{% load applications_tags %}" + source).render(Context(context))


@pytest.mark.parametrize(
    "value",
    [
        datetime.datetime(2026, 3, 29, 0, 30, tzinfo=datetime.UTC),  # the night clocks move
        datetime.datetime(2026, 7, 1, 23, 59, 59, 123456, tzinfo=datetime.UTC),
        datetime.datetime(2026, 12, 31, 22, 0, tzinfo=HELSINKI),
    ],
)
def test_iso_writes_what_the_date_filter_writes_for_c_in_the_active_time_zone(value):
    with timezone.override(HELSINKI):
        assert render("{{ v|iso }}", v=value) == render("{{ v|date:'c' }}", v=value)
        assert render("{{ v|iso }}", v=value).endswith(("+02:00", "+03:00"))


def test_iso_of_a_date_is_what_y_m_d_writes():
    day = datetime.date(2026, 3, 9)
    assert render("{{ v|iso }}", v=day) == render("{{ v|date:'Y-m-d' }}", v=day) == "2026-03-09"


@pytest.mark.parametrize("value", [None, ""])
def test_iso_of_nothing_is_empty_like_the_date_filter(value):
    assert render("{{ v|iso }}", v=value) == render("{{ v|date:'c' }}", v=value) == ""


def test_the_status_badge_names_the_status_in_the_active_language():
    application = Application(status=Status.OFFER)
    with translation.override("en"):
        html = render("{% status_badge a %}", a=application)
    assert html == '<span class="badge text-bg-warning">Offer</span>'
    with translation.override("fi"):
        assert "Offer<" not in render("{% status_badge a %}", a=application)
