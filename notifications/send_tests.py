"""The worker's part of the "Send test" buttons of the Email row and of each channel.

Each runs in notifications.tasks (core.send_tests says why not in the request) and records what
the waiting page shows: the words the buttons answered with before, the channel's answer
(describe_error) or the mail server's (describe_smtp_error), never a channel's URL.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.utils import translation
from django.utils.translation import gettext as _

from core.send_tests import Kind, Level, SendTest, send_test_run
from followups.dispatch import describe_error as describe_smtp_error
from notifications.models import Channel, describe_error
from notifications.services import channel_send_test


def email_test_run(*, token: str) -> None:
    send_test_run(token=token, kind=Kind.EMAIL, send=_send_email)


def channel_test_run(*, token: str) -> None:
    send_test_run(token=token, kind=Kind.CHANNEL, send=_send_to_channel)


def _send_email(test: SendTest) -> tuple[str, str]:
    """A test email to the account's address (as it is now), through the reminders' server."""
    user = get_user_model().objects.filter(pk=test.owner_id).first()
    if user is None:
        return Level.ERROR, _("This account no longer exists")
    with translation.override(user.message_language):
        subject = _("Seuranta: test message")
        body = _("This channel works: Seuranta's reminders will arrive here.")
    try:
        send_mail(subject, body, None, [user.email])
    except Exception as exc:
        # The mail server's words, as a failed reminder shows them (never the password).
        why = describe_smtp_error(exc)
        return Level.ERROR, _("The test email could not be sent: %(why)s") % {"why": why}
    return Level.SUCCESS, _("Test email sent to %(email)s.") % {"email": user.email}


def _send_to_channel(test: SendTest) -> tuple[str, str]:
    # The owner's channel still: removed since, or never theirs, it is not sent to.
    channel = Channel.objects.filter(pk=test.target_id, owner_id=test.owner_id).first()
    if channel is None:
        return Level.ERROR, _("This channel is no longer there: it was removed.")
    failure = channel_send_test(channel=channel)
    if failure is None:
        text = _("Test message sent to “%(label)s”: the channel accepted it.")
        return Level.SUCCESS, text % {"label": channel.label}
    # The same words a failed reminder is shown with (Delivery.error_text).
    why = describe_error(failure.code, failure.status)
    text = _("The test message did not reach “%(label)s”: %(why)s")
    return Level.ERROR, text % {"label": channel.label, "why": why}
