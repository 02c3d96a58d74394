"""config.urls plus /bench/ok: the baseline of the pages benchmark.

The view answers "ok" behind the same middleware as every page (session, user, preferences,
login required), so the ratio to it is what the page itself costs.
"""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from config.urls import urlpatterns as app_urlpatterns


def ok(request: HttpRequest) -> HttpResponse:
    # LoginRequiredMiddleware already refuses visitors; touching the user is the look-up every
    # page makes.
    return HttpResponse(f"ok {request.user.pk}", content_type="text/plain")


urlpatterns = [path("bench/ok", ok, name="bench_ok"), *app_urlpatterns]
