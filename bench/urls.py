"""config.urls plus two bench-only views: /bench/ok, the baseline of the pages benchmark, and
/bench/cold/<page>, the page as it is drawn right after a change.

Both answer behind the same middleware as every page (session, user, preferences, login
required), so the ratio to /bench/ok is what the page itself costs.
"""

from django.http import Http404, HttpRequest, HttpResponse
from django.urls import Resolver404, path, re_path, resolve

from accounts.models import User
from config.urls import urlpatterns as app_urlpatterns


def ok(request: HttpRequest) -> HttpResponse:
    # LoginRequiredMiddleware already refuses visitors; touching the user is the look-up every
    # page makes.
    return HttpResponse(f"ok {request.user.pk}", content_type="text/plain")


def cold(request: HttpRequest, page: str) -> HttpResponse:
    """The page `/<page>` right after a change of the person's data (issue 20's "cold" visit):
    the owner's data version renewed as every write renews it, so none of their cached
    fragments serves, then the page's own view. The one UPDATE is part of what is measured:
    a person sees the page after the write that caused it."""
    User.data_changed(request.user.pk)
    request.user.refresh_from_db(fields=["data_version"])
    try:
        match = resolve(f"/{page}")
    except Resolver404 as exc:
        raise Http404(page) from exc
    return match.func(request, *match.args, **match.kwargs)


urlpatterns = [
    path("bench/ok", ok, name="bench_ok"),
    re_path(r"^bench/cold/(?P<page>.*)$", cold, name="bench_cold"),
    *app_urlpatterns,
]
