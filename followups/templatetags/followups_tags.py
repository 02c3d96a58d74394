"""Follow-ups drawn on the pages of the apps below (the dashboard, an application's page).

Those pages load this library instead of importing follow-up queries, so imports run downward:
applications imports nothing of follow-ups but the sync (applications.services calls
followups.services; the layers contract in pyproject.toml names that one arrow), and follow-ups
draw themselves where a page asks.
"""

from django import template
from django.utils import timezone

from followups import emails, policy, queries
from followups.models import State

register = template.Library()


@register.inclusion_tag("followups/_dashboard_section.html", takes_context=True)
def followups_dashboard(context, part: str = "due") -> dict:
    """`{% followups_dashboard "due" %}` / `{% followups_dashboard "upcoming" %}` on Today.

    "due": what is due now and reminders that could not be sent, as cards, each with its one
    action; "upcoming": the follow-ups coming up. Each part is cached per minute and per version
    of the person's data (every write of a follow-up renews it, core.owned): what is due moves
    with the clock, so a cached part is at most a minute behind it, and never behind the data.
    On a hit, no query. Its buttons submit the page's live form #followup-actions (fragments
    hold no CSRF token).
    """
    request = context["request"]
    now = timezone.now()
    return {
        "part": part,
        "request": request,
        "user": request.user,
        "followups": queries.DashboardFollowups(request.user, now),
        "minute": now.replace(second=0, microsecond=0),
        "LANGUAGE_CODE": context.get("LANGUAGE_CODE"),
        "TIME_ZONE": context.get("TIME_ZONE"),
    }


@register.inclusion_tag("followups/_gone_quiet.html", takes_context=True)
def gone_quiet(context) -> dict:
    """`{% gone_quiet %}`: Today's applications gone quiet, each with Follow up and Mark no
    response (buttons of the page's live form #followup-actions).

    Which applications have gone quiet changes with the day and with the data: cached per
    local day and data version (statuses, the preference, check-ins asked for, a reminder
    closed by the worker: every write of an owned row renews it).
    """
    request = context["request"]
    today = timezone.localdate()
    return {
        "request": request,
        "user": request.user,
        "gone_quiet": queries.GoneQuiet(request.user, today),
        "today": today,
        "LANGUAGE_CODE": context.get("LANGUAGE_CODE"),
        "TIME_ZONE": context.get("TIME_ZONE"),
    }


@register.simple_tag
def board_followups(applications) -> dict:
    """`{% board_followups board.cards as followups %}`: each card's next open follow-up.

    One query for the whole board; `{% board_followup followups application %}` draws one.
    """
    return queries.next_followups((a.pk for a in applications), timezone.now())


@register.inclusion_tag("followups/_board_followup.html")
def board_followup(followups: dict, application) -> dict:
    """`{% board_followup followups application %}`: the card's next follow-up, if any."""
    return {"followup": followups.get(application.pk), "application": application}


@register.simple_tag
def followups_of(application) -> list:
    """`{% followups_of application as followups %}`: one query, for the panel and the timeline."""
    return queries.followups_for_application(application)


@register.simple_tag
def followup_events(followups) -> list[dict]:
    """`{% followup_events followups as events %}`: timeline entries of what happened to each.

    Its reminder sent, then its end; a follow-up still open has no end yet. Each entry has `at`,
    so a page can sort them in with its own entries (`{% by_time %}` of applications_tags), and
    `followups/_timeline_entry.html` draws one.
    """
    events = []
    for followup in followups:
        if followup.notified_at:
            events.append({"at": followup.notified_at, "followup": followup, "event": "sent"})
        if followup.completed_at and not followup.is_open:
            events.append(
                {"at": followup.completed_at, "followup": followup, "event": followup.state}
            )
    return events


@register.filter
def tel_href(phone: str) -> str:
    """`href="tel:{{ phone|tel_href }}"`: the number as a dialler reads it, digits and a leading +.

    "+358 40 123 4567" is typed for people; a tel: URI with spaces is invalid HTML and some
    phones dial only up to the first space.
    """
    phone = (phone or "").strip()
    digits = "".join(char for char in phone if char.isascii() and char.isdigit())
    return ("+" + digits) if phone.startswith("+") and digits else digits


@register.filter
def web_url(url: str) -> str:
    """The URL if it is an http(s) one, else "": only those become links (a posting's URL)."""
    return emails.web_url(url or "")


@register.simple_tag(takes_context=True)
def quiet_hold(context, followup):
    """`{% quiet_hold followup as held %}`: when quiet hours hold the reminder until, or None.

    A scheduled reminder waits either at its due time, which the timing rules moved out of the
    quiet hours, or at a later next attempt, where the dispatcher held it back at night. Both
    end where the person's quiet hours end; the page says so instead of leaving a reminder
    at 08:00 unexplained. Read with the page owner's preferences (no query).
    """
    if followup.state != State.SCHEDULED:
        return None
    user = context["request"].user
    return policy.held_until(
        max(followup.due_at, followup.next_attempt_at),
        followup.kind,
        policy.Preferences.from_user(user),
    )
