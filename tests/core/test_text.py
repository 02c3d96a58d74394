"""Bidi controls a person typed (or a posting carried) never reach a one-line place: the
reminder's subject, a push or channel title, the calendar, a draft's file name."""

import pytest

from applications.models import Application
from core.text import one_line, without_bidi
from exports.calendar import feed_ics
from followups.emails import reminder_message
from followups.models import Kind
from tests.factories import followup_of_kind

BIDI = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
# "Acme<RLO>yO" reads "AcmeOy" reversed: the override turns what follows around.
SPOOFED = "Acme\u202eyO\u2066 Ab"


def test_one_line_removes_bidi_controls_and_makes_one_line_of_the_rest():
    assert one_line(f"  Acme{BIDI}\r\nOy\x00\u2028 Ab ") == "Acme Oy Ab"
    assert without_bidi(f"a{BIDI}b\nc") == "ab\nc"
    assert one_line(None) == ""


@pytest.mark.django_db
def test_a_company_with_a_right_to_left_override_reaches_no_subject_or_calendar(alice):
    followup = followup_of_kind(Kind.CALL, owner=alice)
    Application.objects.filter(pk=followup.application_id).update(
        company=SPOOFED, position=f"Engineer\u202e{BIDI}"
    )
    followup.refresh_from_db()
    message = reminder_message(followup)
    assert "Acme" in message.subject
    assert not set(BIDI) & set(message.subject)
    calendar = feed_ics(alice).decode()
    assert "Acme" in calendar
    assert not set(BIDI) & set(calendar)
