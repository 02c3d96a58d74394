"""The worker's part of a browser's "Send test" button (webpush.tasks; core.send_tests says why
not in the request): one push of the test notification, and what its push service answered."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _

from core.send_tests import Kind, Level, SendTest, send_test_run
from webpush.models import PushSubscription
from webpush.sender import PushFailed, PushGone, push_send, trial_payload


def browser_test_run(*, token: str) -> None:
    send_test_run(token=token, kind=Kind.BROWSER, send=_push)


def _push(test: SendTest) -> tuple[str, str]:
    # The owner's browser still: removed since, or never theirs, it is not pushed to.
    subscription = PushSubscription.objects.filter(pk=test.target_id, owner_id=test.owner_id)
    subscription = subscription.first()
    owner = get_user_model().objects.filter(pk=test.owner_id).first()
    if subscription is None or owner is None:
        return Level.ERROR, _("This browser is no longer in your list: it was removed.")
    label = subscription.label
    try:
        push_send(subscription=subscription, payload=trial_payload(owner), ttl=60)
    except PushGone:
        text = _("%(browser)s has stopped accepting notifications, so it was removed.")
        return Level.WARNING, text % {"browser": label}
    except PushFailed as error:
        if error.retryable:
            text = _("The push service of %(browser)s could not be reached; try again later.")
        else:
            text = _("The push service of %(browser)s refused the notification (%(status)s).")
        return Level.ERROR, text % {"browser": label, "status": error.status or "-"}
    text = _("Sent: a notification should appear on %(browser)s.")
    return Level.SUCCESS, text % {"browser": label}
