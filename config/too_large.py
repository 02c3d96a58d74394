"""The page shown for an upload larger than the proxy lets through (HTTP 413).

nginx refuses a body over client_max_body_size before Django reads it, and shows this page
instead of its own bare one (deploy/nginx-seuranta.conf: error_page 413), so that the person
reads, in their language, how large a file may be. Uploads that reach Django are never refused
this way: their forms say so next to the field (core.uploads keeps even a huge one from
filling the disk first).
"""

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe


@login_not_required
@never_cache
@require_safe  # nginx turns the refused POST into a GET of this page
def upload_too_large(request: HttpRequest) -> HttpResponse:
    context = {
        "document_mb": settings.DOCUMENT_MAX_BYTES >> 20,
        "json_mb": settings.JSON_IMPORT_MAX_BYTES >> 20,
        "zip_mb": settings.IMPORT_MAX_BYTES >> 20,
    }
    return render(request, "413.html", context, status=413)
