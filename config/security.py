"""Security headers that Django's SecurityMiddleware does not set: Content-Security-Policy and
Permissions-Policy.

Django 5.2 has no CSP support of its own and the policy is one fixed string, so a few lines here
replace a dependency. The policy (settings.CONTENT_SECURITY_POLICY) allows scripts and styles only
from our own origin: every script is a static file, and no template may use an inline `<script>`,
an `on…=` handler or a `style=` attribute (tests/test_security_headers.py checks the templates).
"""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse


def build_policy(directives: dict[str, str]) -> str:
    return "; ".join(f"{name} {value}".strip() for name, value in directives.items())


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response
        self.policy = build_policy(settings.CONTENT_SECURITY_POLICY)
        self.per_view = {
            name: build_policy({**settings.CONTENT_SECURITY_POLICY, **extra})
            for name, extra in settings.CONTENT_SECURITY_POLICY_PER_VIEW.items()
        }
        self.permissions = settings.PERMISSIONS_POLICY

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if settings.DEBUG and response.status_code in (404, 500):
            # Django's debug error pages are built from inline styles and scripts.
            return response
        match = getattr(request, "resolver_match", None)
        policy = self.per_view.get(match.view_name, self.policy) if match else self.policy
        # setdefault: a view that needs its own policy can still set the header itself.
        response.headers.setdefault("Content-Security-Policy", policy)
        if self.permissions:
            response.headers.setdefault("Permissions-Policy", self.permissions)
        return response
