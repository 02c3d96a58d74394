"""The reminder email: what to do, for which company, with the advice and one-click links.

Rendered in the recipient's language and time zone, whoever's request or worker renders it.
User data goes into the templates as plain values: the HTML part is auto-escaped and the subject
is forced onto one line, so a company named "Acme\\r\\nBcc: …" stays a company name; the
person's display name stays one name in the To header, whatever it holds.
"""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from core.mail import mailbox, stable_message_id
from core.text import one_line
from followups import links
from followups.models import Followup


def web_url(url: str) -> str:
    """The URL if it is an http(s) one, else "": only those become links in an email."""
    return url if url.lower().startswith(("http://", "https://")) else ""


def reminder_context(followup: Followup, *, late: bool) -> dict:
    application = followup.application
    interview = followup.interview
    # A feedback request has no round of its own; it points at the latest interview for context.
    interviewers = list(interview.interviewers.all()) if interview is not None else []
    user = followup.owner
    return {
        "followup": followup,
        "kind": followup.kind,
        "application": application,
        "interview": interview,
        "interviewers": interviewers,
        "user_name": user.display_name,
        "time_zone_name": str(user.tzinfo),
        "late": late,
        # A job-search obligation has no application: its link is the period's report.
        "application_url": f"{settings.SITE_URL}{application.get_absolute_url()}"
        if application is not None
        else "",
        "report_url": f"{settings.SITE_URL}{reverse('insights:report')}"
        f"?period={followup.period_first.isoformat()}"
        if followup.period_first
        else "",
        # An apply-by reminder has nothing to draft: the application itself is the task.
        "draft_url": links.draft_url(followup) if followup.has_draft else "",
        "posting_url": web_url(application.posting_url) if application is not None else "",
        "done_url": links.action_url(followup, "done"),
        "snooze_url": links.action_url(followup, "snooze"),
        "unsubscribe_url": links.unsubscribe_url(user),
    }


def reminder_message(followup: Followup, *, late: bool = False, connection=None):
    """The reminder for one follow-up, ready to send (EmailMultiAlternatives)."""
    user = followup.owner
    with (
        translation.override(user.message_language),
        timezone.override(user.tzinfo),
    ):
        context = reminder_context(followup, late=late)
        subject = one_line(render_to_string("emails/reminder_subject.txt", context))
        text = render_to_string("emails/reminder.txt", context)
        html = render_to_string("emails/reminder.html", context)
    unsubscribe = context["unsubscribe_url"]
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        # The envelope goes to the address; the header also names the person, quoted by
        # core.mail so that no display name becomes other recipients.
        to=[user.email],
        connection=connection,
        headers={
            "To": mailbox(user.display_name, user.email),
            "List-Unsubscribe": f"<{unsubscribe}>",
            # followups.views.unsubscribe accepts the RFC 8058 one-click POST.
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            # RFC 3834: no out-of-office replies to a reminder.
            "Auto-Submitted": "auto-generated",
            # Lets support (and the tests) tell which follow-up an email was about.
            "X-Seuranta-Followup": str(followup.pk),
            # One reminder per follow-up and due time: a copy re-sent after a killed worker
            # has the same id (a snoozed follow-up's next reminder has a new one).
            "Message-ID": stable_message_id(
                f"reminder.{followup.pk}.{int(followup.due_at.timestamp())}",
                settings.DEFAULT_FROM_EMAIL,
            ),
        },
    )
    message.attach_alternative(html, "text/html")
    return message
