"""The reminder as a channel message: short, plain text, in the person's language and zone.

The action and the company (the reminder email's subject line), the interviewer's phone for a
call, when it is due and the signed "Mark done" link. Every value typed by a person is cut to
one line, so that a name cannot add lines of its own (a fake "Mark done:" under it).
"""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext

from core.text import one_line
from followups.emails import reminder_context
from followups.models import Followup
from notifications.sending import Message


def reminder(followup: Followup) -> Message:
    """The message for one follow-up's reminder (interviewers prefetched saves a query)."""
    user = followup.owner
    with translation.override(user.message_language), timezone.override(user.tzinfo):
        context = reminder_context(followup, late=False)
        context["interviewers"] = [
            {"name": one_line(person.name), "phone": one_line(person.phone or "")}
            for person in context["interviewers"]
        ]
        title = one_line(render_to_string("emails/reminder_subject.txt", context))
        context["action"] = one_line(render_to_string("notifications/_action.txt", context))
        body = render_to_string("notifications/reminder.txt", context).strip()
    return Message(title=title, body=body)


def channel_test_message(user) -> Message:
    """What "Send test" sends: says where it comes from and that reminders will come this way."""
    with translation.override(user.message_language):
        return Message(
            title=gettext("Seuranta: test message"),
            body=gettext("This channel works: Seuranta's reminders will arrive here."),
        )
