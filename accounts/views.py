from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.i18n import set_language

from accounts import outbox as outbox_store
from accounts.forms import PreferencesForm, SignupForm, TimeZoneSwitchForm
from accounts.services import user_preferences_update, user_signup
from core.send_tests import Kind, SendTest, send_test_get


@login_not_required
@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect(settings.LOGIN_REDIRECT_URL)
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = user_signup(
            email=form.cleaned_data["email"],
            password=form.cleaned_data["password1"],
            display_name=form.cleaned_data.get("display_name", ""),
            language=form.cleaned_data.get("language", ""),
            time_zone=form.cleaned_data["time_zone"],
            country=form.cleaned_data["country"],
        )
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, _("Welcome to Seuranta! Start by adding an application."))
        return redirect(settings.LOGIN_REDIRECT_URL)
    return render(request, "registration/signup.html", {"form": form})


@require_http_methods(["GET", "POST"])
def preferences(request: HttpRequest) -> HttpResponse:
    form = PreferencesForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        user_preferences_update(user=request.user, **form.cleaned_data)
        messages.success(request, _("Your preferences were saved."))
        return redirect("preferences")
    return render(request, "accounts/preferences.html", {"form": form})


def _send_test_status(test: SendTest) -> dict:
    if test.kind == Kind.EMAIL:
        text = _("Sending a test email to %(email)s…") % {"email": test.subject}
    elif test.kind == Kind.BROWSER:
        text = _("Sending a test notification to %(browser)s…") % {"browser": test.subject}
    else:
        text = _("Sending a test message to “%(label)s”…") % {"label": test.subject}
    hint = ""
    if test.late:
        hint = _(
            "This takes longer than it should: the background worker may not be running. "
            "The test goes out once it runs."
        )
    return {"finished": test.finished, "text": text, "hint": hint}


@never_cache
@require_GET
def send_test(request: HttpRequest, token: str) -> HttpResponse:
    """A Send test button's page (core.send_tests): waits for the worker, then says how it
    went. Another person's test, or one too old, is a 404."""
    test = send_test_get(token, user=request.user)
    if test is None:
        return render(request, "accounts/send_test.html", {"test": None}, status=404)
    context = {"test": test, "status": _send_test_status(test)}
    return render(request, "accounts/send_test.html", context)


@never_cache
@require_GET
def send_test_status(request: HttpRequest, token: str) -> JsonResponse:
    """For the waiting page's script: whether the test is over, without rendering the page."""
    test = send_test_get(token, user=request.user)
    if test is None:
        return JsonResponse({"finished": True, "text": "", "hint": ""}, status=404)
    return JsonResponse(_send_test_status(test))


@require_POST
def time_zone_switch(request: HttpRequest) -> HttpResponse:
    """The notice's "Switch": take the time zone the browser reports, back to the same page."""
    form = TimeZoneSwitchForm(request.POST)
    if form.is_valid():
        user_preferences_update(user=request.user, time_zone=form.cleaned_data["time_zone"])
        messages.success(
            request,
            _("Your time zone is now %(zone)s.") % {"zone": form.cleaned_data["time_zone"]},
        )
    else:
        messages.error(request, _("That time zone is not one Seuranta knows; nothing changed."))
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect("preferences")


@require_POST
def language(request: HttpRequest) -> HttpResponse:
    """The navigation's language switch: the site and the saved preference (emails too).

    Django's set_language then sets the language cookie (kept after logging out) and goes
    back to the page, when that page is on this site.
    """
    code = request.POST.get("language", "")
    if code in dict(settings.LANGUAGES):
        user_preferences_update(user=request.user, language=code)
    return set_language(request)


def _outbox_enabled() -> None:
    if not settings.OUTBOX_ENABLED:
        raise Http404("The outbox is off: emails go through SMTP.")


@require_http_methods(["GET"])
def outbox(request: HttpRequest) -> HttpResponse:
    _outbox_enabled()
    emails = outbox_store.messages_for(request.user.email)
    return render(request, "accounts/outbox.html", {"emails": emails})


@require_http_methods(["GET"])
def outbox_message(request: HttpRequest, message_id: str) -> HttpResponse:
    _outbox_enabled()
    message = outbox_store.message_for(request.user.email, message_id)
    if message is None:
        raise Http404
    return render(request, "accounts/outbox_message.html", {"message": message})
