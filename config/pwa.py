"""The service worker, served at the site's root.

A service worker controls only the pages under the URL it is served from, so static/js/sw.js (in
/static/) is served here at /sw.js as well, uncached so that a new version reaches browsers on
their next visit. The file is read from the static sources, as collectstatic would copy it.
"""

from django.contrib.auth.decorators import login_not_required
from django.contrib.staticfiles import finders
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe


@login_not_required
@require_safe
@never_cache
def service_worker(request: HttpRequest) -> HttpResponse:
    path = finders.find("js/sw.js")
    if not path:
        raise Http404("no service worker")
    with open(path, encoding="utf-8") as source:
        response = HttpResponse(source.read(), content_type="text/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/"
    return response
