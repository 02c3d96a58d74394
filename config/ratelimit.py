"""Brute-force protection for logging in and for password-reset emails.

Log-in: django-axes records failed attempts in the database. It locks out a (username, IP)
pair after AXES_FAILURE_LIMIT failures and a whole IP after LOGIN_IP_FAILURE_LIMIT failures
(higher, because an office or a mobile carrier puts many people behind one address), both for
AXES_COOLOFF_TIME. Axes knows a single limit, so LoginAttemptsHandler puts the per-IP count on the
same scale.

Password reset: each request sends an email, so requests are counted in the cache per client IP
and per submitted address (PASSWORD_RESET_RATE_LIMIT an hour each) before the view runs, with
the fixed-window counters of core.ratelimit (which says why they are atomic).
"""

import math
import time
from collections.abc import Callable

from axes.backends import AxesStandaloneBackend
from axes.handlers.database import AxesDatabaseHandler
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from core.mail import normalize_email
from core.ratelimit import client_ip, hit, too_many_requests


def login_username(request: HttpRequest, credentials: dict | None) -> str:
    """The account an attempt was for, as the lockout counts it: Alice@X and alice@x are one."""
    value = (credentials or {}).get("username")
    if value is None:
        value = request.POST.get("username", "")
    # The column holds 255 characters; the form already refuses longer addresses.
    return normalize_email(str(value))[:255]


class LoginAttemptsHandler(AxesDatabaseHandler):
    """Failures are counted per (username, IP) and per IP, each against its own limit."""

    def get_failures(self, request, credentials=None) -> int:
        # AXES_LOCKOUT_PARAMETERS is [[username, ip_address], ip_address], in that order.
        per_pair, per_ip = (
            attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            for attempts in self.get_user_attempts(request, credentials)
        )
        if per_ip >= settings.LOGIN_IP_FAILURE_LIMIT:
            return max(per_pair, settings.AXES_FAILURE_LIMIT)
        return per_pair


class LoginLockoutBackend(AxesStandaloneBackend):
    """Axes' backend, except that a call without a request (the test client's `login()`, a
    management command) authenticates normally instead of raising: there is no client to lock
    out, and every web log-in passes its request."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None, credentials: dict | None
) -> HttpResponse:
    minutes = math.ceil(settings.AXES_COOLOFF_TIME.total_seconds() / 60)
    return render(request, "lockout.html", {"minutes": minutes}, status=429)


class PasswordResetRateLimitMiddleware:
    """Refuses a password-reset POST over the limit with 429, before any email is sent."""

    view_name = "password_reset"
    window = 3600

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        if request.method != "POST" or request.resolver_match.view_name != self.view_name:
            return None
        limit = settings.PASSWORD_RESET_RATE_LIMIT
        email = normalize_email(request.POST.get("email", ""))
        keys = [f"ip:{client_ip(request)}"]
        if email:
            keys.append(f"email:{email}")
        window = int(time.time() // self.window)
        # Count every key first, so that one over its limit does not spare the others.
        counts = [hit(f"{self.view_name}:{key}:{window}", limit, self.window) for key in keys]
        if max(counts) <= limit:
            return None
        return too_many_requests(request, self.window)
