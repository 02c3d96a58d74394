"""iCalendar (.ics) for interviews and follow-ups: one interview as a download, or a user's feed.

Each item keeps one UID for life (`interview-<id>@seuranta`, `followup-<id>@seuranta`) and a
SEQUENCE that grows with every save, so a calendar that imported or subscribed to it replaces the
old copy instead of adding a second one.

Cancelled items: the feed leaves them out (a subscribed calendar mirrors the feed, so they
disappear on its next refresh); a single interview's download says STATUS:CANCELLED, so that
importing it again over an earlier copy marks that copy cancelled.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
import zoneinfo
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.urls import NoReverseMatch
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from icalendar import Alarm, Calendar, Event

from applications.models import Interview
from core.text import without_bidi
from followups.models import Followup, Kind, State, short_day

PRODID = "-//Seuranta//Seuranta//EN"
UID_DOMAIN = "seuranta"
FOLLOWUP_EVENT_MINUTES = 15
# The feed: what is coming, and the last month so that a recent interview stays visible.
FEED_PAST_DAYS = 30
FEED_FOLLOWUP_STATES = [State.SCHEDULED, State.NOTIFIED]
UTC = datetime.UTC


def interview_uid(interview_id: int) -> str:
    return f"interview-{interview_id}@{UID_DOMAIN}"


def followup_uid(followup_id: int) -> str:
    return f"followup-{followup_id}@{UID_DOMAIN}"


def _sequence(created_at: datetime.datetime, updated_at: datetime.datetime) -> int:
    # Seconds between creation and the last save: 0 at first, larger after every later save,
    # which is all RFC 5545 asks of SEQUENCE. No counter column needed.
    return max(0, int((updated_at - created_at).total_seconds()))


def _local(value: datetime.datetime, tz: zoneinfo.ZoneInfo) -> datetime.datetime:
    # In the user's zone, written with TZID (and a VTIMEZONE) so that the calendar shows the
    # wall-clock time the user typed; a user on UTC gets plain "Z" times.
    if getattr(tz, "key", "") in ("UTC", "Etc/UTC"):
        return value.astimezone(UTC)
    return value.astimezone(tz)


# Control characters (C0, DEL, C1), surrogates and the Unicode line and paragraph separators.
_UNSAFE_CATEGORIES = {"Cc", "Cs", "Zl", "Zp"}
_SPACES = re.compile(r"\s+")


def _text(value: object) -> str:
    """A user's value as one line of calendar text: no control character ever reaches the file.

    A CR/LF in a property the calendar library does not escape (a URL) would end the line and
    start a property of the user's choosing; elsewhere it breaks the lines we lay out. Each such
    character becomes a space; bidi controls (core.text) go, as in every one-line place.
    """
    text = "".join(
        " " if unicodedata.category(char) in _UNSAFE_CATEGORIES else char
        for char in without_bidi(str(value))
    )
    return _SPACES.sub(" ", text).strip()


_is_url = URLValidator(schemes=["http", "https"])


def _meeting_url(location: str) -> str:
    """The location as a URL property, only if all of it is one clean http(s) URL."""
    if location != location.strip() or _text(location) != location:
        return ""
    try:
        _is_url(location)
    except ValidationError:
        return ""
    return location


def _absolute(obj) -> str:
    try:
        return settings.SITE_URL + obj.get_absolute_url()
    except NoReverseMatch:
        # The page is not mounted (yet): the event is still useful without a link.
        return ""


def _new_calendar(name: str) -> Calendar:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    return cal


def _finish(cal: Calendar, moments: list[datetime.datetime]) -> bytes:
    # VTIMEZONE definitions only for the years the events span, not 1970–2038.
    if moments:
        first = min(moments).date() - datetime.timedelta(days=366)
        last = max(moments).date() + datetime.timedelta(days=366)
        cal.add_missing_timezones(first_date=first, last_date=last)
    return cal.to_ical()


def _interviewer_line(contact) -> str:
    parts = [contact.name, contact.role, contact.email, contact.phone]
    return ", ".join(text for text in map(_text, parts) if text)


def interview_event(interview: Interview, tz: zoneinfo.ZoneInfo, now: datetime.datetime) -> Event:
    application = interview.application
    names = {"position": _text(application.position), "company": _text(application.company)}
    event = Event()
    event.add("uid", interview_uid(interview.pk))
    event.add("dtstamp", now.astimezone(UTC))
    event.add("dtstart", _local(interview.starts_at, tz))
    event.add("dtend", _local(interview.ends_at, tz))
    event.add("summary", _("Interview: %(position)s – %(company)s") % names)
    lines = [
        _("Application: %(position)s at %(company)s") % names,
        _("Kind: %(kind)s") % {"kind": interview.get_kind_display()},
        _("Duration: %(minutes)d minutes") % {"minutes": interview.duration_minutes},
    ]
    interviewers = list(interview.interviewers.all())
    if interviewers:
        lines.append(_("Interviewers:"))
        lines.extend(f"- {_interviewer_line(c)}" for c in interviewers)
    location = _text(interview.location)
    if location:
        lines.append(_("Place or meeting link: %(location)s") % {"location": location})
        event.add("location", location)
        # Anything else (a street address, or a link with something around or inside it)
        # stays LOCATION text only.
        url = _meeting_url(interview.location)
        if url:
            event.add("url", url)
    link = _absolute(application)
    if link:
        lines.append(_("In Seuranta: %(url)s") % {"url": link})
    event.add("description", "\n".join(lines))
    event.add("status", "CANCELLED" if interview.cancelled else "CONFIRMED")
    event.add("sequence", _sequence(interview.created_at, interview.updated_at))
    event.add("last-modified", interview.updated_at.astimezone(UTC))
    event.add("created", interview.created_at.astimezone(UTC))
    event.add("transp", "OPAQUE")
    return event


def _followup_summary(followup: Followup) -> str:
    if followup.is_obligation:
        # About the person's review period, not an application.
        return _("Job-search obligation: %(text)s.") % {"text": followup.obligation_text}
    application = followup.application
    values = {"company": _text(application.company), "position": _text(application.position)}
    if followup.kind == Kind.THANK_YOU:
        return _("Send a thank-you note to %(company)s (%(position)s)") % values
    if followup.kind == Kind.CALL:
        return _("Call %(company)s about %(position)s") % values
    if followup.kind == Kind.CHECK_IN:
        return _("Check in with %(company)s about %(position)s") % values
    if followup.kind == Kind.APPLY_BY:
        deadline = short_day(application.apply_by) if application.apply_by else ""
        return _("Apply to %(company)s (%(position)s) by %(deadline)s") % {
            **values,
            "deadline": deadline,
        }
    return _("Ask %(company)s for feedback (%(position)s)") % values


def followup_event(followup: Followup, tz: zoneinfo.ZoneInfo, now: datetime.datetime) -> Event:
    summary = _followup_summary(followup)
    event = Event()
    event.add("uid", followup_uid(followup.pk))
    event.add("dtstamp", now.astimezone(UTC))
    event.add("dtstart", _local(followup.due_at, tz))
    event.add(
        "dtend",
        _local(followup.due_at + datetime.timedelta(minutes=FOLLOWUP_EVENT_MINUTES), tz),
    )
    event.add("summary", summary)
    lines = [followup.get_kind_display()]
    link = _absolute(followup)
    if link:
        lines.append(_("In Seuranta: %(url)s") % {"url": link})
    event.add("description", "\n".join(lines))
    event.add("sequence", _sequence(followup.created_at, followup.updated_at))
    event.add("last-modified", followup.updated_at.astimezone(UTC))
    event.add("created", followup.created_at.astimezone(UTC))
    # A to-do, not a meeting: it does not make the user look busy.
    event.add("transp", "TRANSPARENT")
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", summary)
    alarm.add("trigger", datetime.timedelta(0))
    event.add_component(alarm)
    return event


def _interviews_with_relations(queryset) -> Iterable[Interview]:
    return queryset.select_related("application").prefetch_related("interviewers")


def interview_ics(interview: Interview, user, now: datetime.datetime | None = None) -> bytes:
    now = now or timezone.now()
    cal = _new_calendar(_("Interview"))
    cal.add("method", "PUBLISH")
    cal.add_component(interview_event(interview, user.tzinfo, now))
    return _finish(cal, [interview.starts_at])


def feed_ics(user, now: datetime.datetime | None = None) -> bytes:
    """The user's feed in a fixed number of queries: interviews, their interviewers, follow-ups."""
    now = now or timezone.now()
    since = now - datetime.timedelta(days=FEED_PAST_DAYS)
    tz = user.tzinfo
    interviews = _interviews_with_relations(
        Interview.objects.owned_by(user).filter(cancelled=False, starts_at__gte=since)
    )
    followups = (
        Followup.objects.owned_by(user)
        .filter(state__in=FEED_FOLLOWUP_STATES, due_at__gte=since)
        .select_related("application")
    )
    cal = _new_calendar(_("Seuranta"))
    moments = []
    for interview in interviews:
        cal.add_component(interview_event(interview, tz, now))
        moments.append(interview.starts_at)
    for followup in followups:
        cal.add_component(followup_event(followup, tz, now))
        moments.append(followup.due_at)
    return _finish(cal, moments)


def activate_owner_language(user):
    """A context manager: the feed is fetched without a session, so speak the owner's language."""
    return translation.override(user.message_language)
