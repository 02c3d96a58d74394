"""Capturing a posting: from its URL (fetched by the worker), or from the browser (bookmarklet).

Both end on the new-application form, prefilled from a capture (applications.postings.captures);
only the form's own Save, with its CSRF token, writes anything.

Why the worker fetches: a fetch may take up to five seconds, and gunicorn runs a few synchronous
processes (WEB_CONCURRENCY, 2 by default, one request at a time each). Fetching in the request
would take one of them from everyone else for that long; two people capturing at once would stall
the whole site. The web process queues the fetch and answers at once with a page that waits for
it (the same pattern as the import jobs).
"""

from __future__ import annotations

import functools

from django.contrib.auth.decorators import login_not_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from applications.forms.postings import URL_MAX, PostingUrlForm
from applications.postings import captures
from applications.postings.bookmarklet import bookmarklet_code, bookmarklet_href
from applications.postings.extract import MAX_JSONLD_CHARS, posting_from_parts
from core import untrusted_json
from core.ratelimit import client_ip, refuse_over_limit

# Fetches a person may ask for per hour: enough for a busy evening of searching, too few for
# the server to be used to probe other sites.
FETCH_LIMIT = 60
# Bookmarklet captures per client address per hour: the endpoint takes posts from anyone.
PAGE_LIMIT = 120
LIMIT_WINDOW = 60 * 60
TITLE_MAX = 1000
SELECTION_MAX = 50_000
META_MAX = 20_000


def _create_url(capture: captures.Capture) -> str:
    return f"{reverse('applications:application_create')}?capture={capture.token}"


@require_http_methods(["GET", "POST"])
def posting_from_url(request: HttpRequest) -> HttpResponse:
    """The posting's address; POST queues the fetch and goes to the page that waits for it."""
    form = PostingUrlForm(
        request.POST or None, initial={"posting_url": request.GET.get("url", "")[:URL_MAX]}
    )
    if request.method == "POST" and form.is_valid():
        refused = refuse_over_limit(
            request, f"posting-fetch:user:{request.user.pk}", FETCH_LIMIT, LIMIT_WINDOW
        )
        if refused:
            return refused
        capture = captures.capture_create(
            owner_id=request.user.pk, url=form.cleaned_data["posting_url"]
        )
        from applications.tasks import fetch_posting

        # robust: a broker that cannot be reached leaves the capture waiting (the page says
        # so, and offers the form by hand) instead of an error page.
        transaction.on_commit(functools.partial(fetch_posting.delay, capture.token), robust=True)
        return redirect("applications:posting_fetch", token=capture.token)
    return render(request, "applications/posting_from_url.html", {"form": form})


def _status(capture: captures.Capture) -> dict:
    hint = ""
    if capture.late:
        hint = _(
            "This takes longer than it should: the background worker may not be running. "
            "You can fill in the form by hand."
        )
    return {"finished": capture.finished, "text": _("Reading the posting…"), "hint": hint}


@never_cache
@require_GET
def posting_fetch(request: HttpRequest, token: str) -> HttpResponse:
    """Waits for the worker's fetch: then the prefilled form, or the address again with why."""
    capture = captures.capture_get(token, user=request.user)
    if capture is None:
        return _expired(request)
    if capture.state == captures.State.DONE:
        return redirect(_create_url(capture))
    if capture.state == captures.State.FAILED:
        form = PostingUrlForm({"posting_url": capture.url})
        if form.is_valid():
            form.add_error("posting_url", capture.error)
        context = {"form": form, "by_hand_url": _create_url(capture)}
        return render(request, "applications/posting_from_url.html", context)
    context = {"capture": capture, "status": _status(capture), "by_hand_url": _create_url(capture)}
    return render(request, "applications/posting_fetch.html", context)


@never_cache
@require_GET
def posting_fetch_status(request: HttpRequest, token: str) -> JsonResponse:
    """For the waiting page's script: whether the fetch is over, without rendering the page."""
    capture = captures.capture_get(token, user=request.user)
    if capture is None:
        return JsonResponse({"finished": True, "text": "", "hint": ""})
    return JsonResponse(_status(capture))


def _expired(request: HttpRequest) -> HttpResponse:
    form = PostingUrlForm()
    context = {
        "form": form,
        "expired": _(
            "This captured posting is no longer here: captures are kept for a few hours. "
            "Add it again."
        ),
    }
    return render(request, "applications/posting_from_url.html", context, status=404)


def _posted_url(value: str) -> str:
    """The page's address if it is a web address short enough to keep, else ""."""
    if not value.lower().startswith(("http://", "https://")):
        return ""  # a file: or about: page has no address worth keeping
    # Tracking parameters make some addresses long: without them they may fit.
    for candidate in (value, value.split("#")[0], value.split("#")[0].split("?")[0]):
        if len(candidate) <= URL_MAX:
            form = PostingUrlForm({"posting_url": candidate})
            return form.cleaned_data["posting_url"] if form.is_valid() else ""
    return ""


def _posted_meta(value: str) -> dict[str, str]:
    try:
        meta = untrusted_json.loads(value[:META_MAX]) if value else {}
    except ValueError:
        return {}
    return meta if isinstance(meta, dict) else {}


# The bookmarklet posts from the posting's own page, another site: no CSRF token can come with
# it, and the browser sends no session cookie with a cross-site POST either. Exempt, because this
# view writes nothing: it keeps what the browser sent under a new random token and redirects to
# the new-application form, which needs the person logged in (after a log-in that brings them
# back) and saves only on its own POST, CSRF-checked. A forged post could at most prefill a form
# for the person to look at, which a link with ?url= can do as well.
@csrf_exempt
@login_not_required
@require_POST
def posting_from_page(request: HttpRequest) -> HttpResponse:
    refused = refuse_over_limit(
        request, f"posting-page:ip:{client_ip(request)}", PAGE_LIMIT, LIMIT_WINDOW
    )
    if refused:
        return refused
    jsonld, size = [], 0
    for text in request.POST.getlist("jsonld"):
        size += len(text)
        if size > MAX_JSONLD_CHARS:
            break
        jsonld.append(text)
    url = _posted_url(request.POST.get("url", "").strip())
    posting = posting_from_parts(
        url=url,
        title=request.POST.get("title", "")[:TITLE_MAX],
        jsonld=jsonld,
        meta=_posted_meta(request.POST.get("meta", "")),
        selection=request.POST.get("selection", "")[:SELECTION_MAX],
    )
    capture = captures.capture_create(
        owner_id=request.user.pk if request.user.is_authenticated else None,
        url=url,
        state=captures.State.DONE,
        fields=posting.initial(),
        notes=posting.notes,
    )
    # 303: the browser follows with a GET, a top-level navigation to this site, which carries
    # the session cookie (SameSite=Lax) that the cross-site POST did not.
    return HttpResponseRedirect(_create_url(capture), status=303)


@require_GET
def bookmarklet(request: HttpRequest) -> HttpResponse:
    """How to install the "Save to Seuranta" bookmarklet, and the bookmarklet itself."""
    endpoint = request.build_absolute_uri(reverse("applications:posting_from_page"))
    context = {"href": bookmarklet_href(endpoint), "code": bookmarklet_code(endpoint)}
    return render(request, "applications/bookmarklet.html", context)
