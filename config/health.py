"""/healthz: is this web process able to serve? For load balancers and monitoring.

It checks the two things every page and every reminder depend on: the database and the broker
(Redis PING; for the filesystem transport, that its folders exist and are writable). The answer
names the failing part but never says why: an exception text can hold a host name or a password
from a URL, so details go to the log only.
"""

import logging
import os
from urllib.parse import urlparse

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)

TIMEOUT_SECONDS = 2


def check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def check_broker() -> None:
    url = settings.CELERY_BROKER_URL
    scheme = urlparse(url).scheme
    if scheme in ("redis", "rediss"):
        import redis

        client = redis.Redis.from_url(
            url, socket_connect_timeout=TIMEOUT_SECONDS, socket_timeout=TIMEOUT_SECONDS
        )
        try:
            client.ping()
        finally:
            client.close()
    elif scheme == "filesystem":
        options = settings.CELERY_BROKER_TRANSPORT_OPTIONS
        for key in ("data_folder_in", "data_folder_out", "control_folder"):
            folder = options[key]
            if not os.path.isdir(folder) or not os.access(folder, os.W_OK | os.X_OK):
                raise OSError(f"broker folder {key} is missing or not writable")
    else:
        raise ValueError(f"no health check for broker scheme {scheme!r}")


CHECKS = {"database": check_database, "broker": check_broker}


@login_not_required
@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    report = {}
    for name, check in CHECKS.items():
        try:
            check()
        except Exception:
            logger.exception("Health check failed: %s", name)
            report[name] = "error"
        else:
            report[name] = "ok"
    healthy = all(value == "ok" for value in report.values())
    return JsonResponse(
        {"status": "ok" if healthy else "error", **report}, status=200 if healthy else 503
    )
