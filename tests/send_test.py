"""Pressing a "Send test" button of the preferences page, with the worker's part run for real.

The button queues a Celery task and redirects to the page that waits for it (core.send_tests).
run_jobs() makes Celery run the task in this process when the request commits, through the
task's own `delay`, so a test sees what the person sees once the worker has answered.
"""

import re

from tests.exports.jobs import run_jobs

WAITING_PAGE = re.compile(r"^/accounts/preferences/test/(?P<token>[0-9a-f]{32})/$")


def press_send_test(client, url: str):
    """Posts to a Send test button's URL with the worker run at once; the waiting page's answer
    (which shows the outcome, the task having run)."""
    with run_jobs():
        response = client.post(url)
    assert response.status_code == 302, response.status_code
    assert WAITING_PAGE.match(response["Location"]), response["Location"]
    return client.get(response["Location"])


def queue_send_test(client, url: str) -> str:
    """Posts to a Send test button's URL with no worker running: the waiting test's token."""
    response = client.post(url)
    assert response.status_code == 302, response.status_code
    return WAITING_PAGE.match(response["Location"])["token"]
