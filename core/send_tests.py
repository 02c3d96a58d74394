"""The "Send test" buttons of the preferences page: the worker sends, a page waits for the answer.

Each button (the email row's, a channel's, a browser's) sends one message over the network and
may wait up to EMAIL_TIMEOUT, CHANNELS_SEND_TIMEOUT or WEBPUSH_TIMEOUT for the other end's
answer: far too long to hold one of the few web processes (core.pending says why). So the
button's view queues a task (send_test_queue) and goes to a page that waits for the answer
(accounts.views.send_test); the task, in the worker, sends and records what the person reads
there (send_test_run): the same words a reminder's delivery is described with.

The kinds' own parts are notifications.send_tests (email, channels) and webpush.send_tests
(browsers); this module is below both, so that neither imports the other.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable

from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from core.pending import Pending, State, Store
from core.ratelimit import refuse_over_limit

# The waiting page keeps its answer this long (a reload or the Back button still shows it).
SEND_TEST_SECONDS = 60 * 60
# Tests a person may send a minute, all buttons together: each is a message to someone's phone
# or inbox and up to a few seconds of a worker, and ten is more than any check needs.
SEND_TEST_LIMIT = 10
SEND_TEST_WINDOW = 60


class Kind:
    EMAIL = "email"
    CHANNEL = "channel"
    BROWSER = "browser"


# Where each kind's row is on the preferences page.
_SECTIONS = {Kind.EMAIL: "#channels", Kind.CHANNEL: "#channels", Kind.BROWSER: "#push"}


class Level:
    """How it went, as the colour of the page's alert (Bootstrap's, as the flash messages)."""

    SUCCESS = "success"
    WARNING = "warning"
    ERROR = "danger"


@dataclasses.dataclass
class SendTest(Pending):
    kind: str
    # The channel's or the browser's id (the email row has none): the task looks it up again,
    # for the owner, when it runs.
    target_id: int | None
    # What the waiting page names: the channel's label, the address, the browser.
    subject: str
    level: str = ""
    text: str = ""

    @property
    def back_url(self) -> str:
        return reverse("preferences") + _SECTIONS.get(self.kind, "")


_store = Store(SendTest, prefix="send-test", seconds=SEND_TEST_SECONDS)


def send_test_queue(
    request: HttpRequest, *, kind: str, target_id: int | None, subject: str, task
) -> HttpResponse:
    """A Send test button's answer: the test queued (`task`, called with its token) and a
    redirect to the page that waits for it; the 429 page past SEND_TEST_LIMIT."""
    back_url = reverse("preferences") + _SECTIONS[kind]
    refused = refuse_over_limit(
        request,
        f"send-test:user:{request.user.pk}",
        SEND_TEST_LIMIT,
        SEND_TEST_WINDOW,
        reason=_("Seuranta sends at most %(count)s test messages a minute.")
        % {"count": SEND_TEST_LIMIT},
        back_url=back_url,
    )
    if refused:
        return refused
    test = _store.create(owner_id=request.user.pk, kind=kind, target_id=target_id, subject=subject)
    # robust: a broker that cannot be reached leaves the test waiting (its page says the worker
    # may not be running) instead of an error page.
    transaction.on_commit(functools.partial(task.delay, test.token), robust=True)
    return redirect("send_test", token=test.token)


def send_test_get(token: str, *, user) -> SendTest | None:
    """The test if it is this person's; else None (its page is a 404)."""
    return _store.get(token, user=user)


def send_test_run(*, token: str, kind: str, send: Callable[[SendTest], tuple[str, str]]) -> None:
    """The worker's part, once per test: `send(test)` sends it and says how it went, as
    (Level, text), in the language of the page that queued it.

    `send` looks the target up again for test.owner_id: it may have been removed (or the
    account deleted) since the button was pressed.
    """
    test = _store.start(token)
    if test is None or test.kind != kind:
        return  # expired, or a second delivery of the task
    with translation.override(test.language):
        try:
            test.level, test.text = send(test)
        except Exception:
            # The page says so rather than waiting for ever; the worker's log has the rest.
            test.state, test.level = State.FAILED, Level.ERROR
            test.text = _("The test could not be sent: something went wrong on the server.")
            _store.save(test)
            raise
    test.state = State.DONE
    _store.save(test)
