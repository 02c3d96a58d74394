"""Counting requests per client or per person: the fixed-window limits every app shares.

The cache is one store for every process (Redis, or the database cache without REDIS_URL; see
settings.CACHES). The count is a fixed window of numbered slots: each request claims the next
free one with `cache.add`, which is atomic on every backend (SET NX on Redis, the primary key in
the database cache). `cache.incr` is not: the database cache reads and then writes, so two
processes counting at once could both write the same number.

Here rather than in config/ratelimit.py (the log-in and password-reset wiring, which uses these):
the Send test buttons (core.send_tests) and the apps count with them too, and the ground floor
imports nothing above it.
"""

import hashlib
import ipaddress
import math
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def client_ip(request: HttpRequest) -> str:
    """The address of the browser, not of our reverse proxy.

    Each of the TRUSTED_PROXY_COUNT proxies in front of gunicorn appends the address it saw to
    X-Forwarded-For, so the client is that many entries from the right; anything further left
    was written by the client and can be forged.
    """
    remote = request.META.get("REMOTE_ADDR", "") or "0.0.0.0"
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= proxies:
            candidate = forwarded[-proxies]
            try:
                return str(ipaddress.ip_address(candidate))
            except ValueError:
                pass
    return remote


def hit(key: str, limit: int, timeout: int) -> int:
    """Counts one request under key: its number in the window, at most limit + 1."""
    # Hashed: addresses may hold characters that cache backends refuse in keys.
    key = "ratelimit:" + hashlib.sha256(key.encode()).hexdigest()
    over = f"{key}:{limit + 1}"
    if cache.get(over) is not None:
        return limit + 1  # already over: one read, not limit + 1 failed adds
    for number in range(1, limit + 2):
        if cache.add(f"{key}:{number}", 1, timeout):
            return number
    return limit + 1


def over_limit(key: str, limit: int, window: int) -> bool:
    """Counts one request under key in the current window of `window` seconds; True once more
    than `limit` were counted in it (the same fixed window as the password-reset limit)."""
    return hit(f"{key}:{int(time.time() // window)}", limit, window) > limit


def too_many_requests(
    request: HttpRequest, window: int, *, reason: str = "", back_url: str = ""
) -> HttpResponse:
    """The 429 page: how long until the current window of `window` seconds ends; the reason
    (why this limit) and a link back to the preferences page (`back_url`) when given."""
    retry_after = window - int(time.time()) % window
    context = {"minutes": math.ceil(retry_after / 60), "reason": reason, "back_url": back_url}
    response = render(request, "429.html", context, status=429)
    response["Retry-After"] = str(retry_after)
    return response


def refuse_over_limit(
    request: HttpRequest, key: str, limit: int, window: int, *, reason: str = "", back_url: str = ""
) -> HttpResponse | None:
    """Counts one request under key (over_limit); the 429 page once over, else None."""
    if not over_limit(key, limit, window):
        return None
    return too_many_requests(request, window, reason=reason, back_url=back_url)
