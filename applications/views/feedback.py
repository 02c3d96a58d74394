"""The feedback log of an application: add, edit and delete entries."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from applications import services
from applications.forms import FeedbackForm
from applications.models import Application, FeedbackEntry
from applications.views._common import _confirm_delete, _form_page
from core.lookups import get_owned_or_404


@require_http_methods(["GET", "POST"])
def feedback_create(request: HttpRequest, pk: int) -> HttpResponse:
    application = get_owned_or_404(request, Application, pk)
    form = FeedbackForm(request.POST or None, owner=request.user)
    if request.method == "POST" and form.is_valid():
        entry = form.save(commit=False)
        entry.owner, entry.application = request.user, application
        services.feedback_save(entry=entry)
        messages.success(request, _("The feedback was saved."))
        return redirect(application.get_absolute_url() + "#feedback")
    return _form_page(
        request,
        form,
        title=_("Add feedback: %(application)s") % {"application": application},
        cancel_url=application.get_absolute_url(),
    )


@require_http_methods(["GET", "POST"])
def feedback_update(request: HttpRequest, pk: int) -> HttpResponse:
    entry = get_owned_or_404(request, FeedbackEntry.objects.select_related("application"), pk)
    form = FeedbackForm(request.POST or None, instance=entry, owner=request.user)
    if request.method == "POST" and form.is_valid():
        services.feedback_save(entry=form.save(commit=False))
        messages.success(request, _("The feedback was saved."))
        return redirect(entry.application.get_absolute_url() + "#feedback")
    return _form_page(
        request,
        form,
        title=_("Edit feedback: %(application)s") % {"application": entry.application},
        cancel_url=entry.application.get_absolute_url(),
    )


@require_http_methods(["GET", "POST"])
def feedback_delete(request: HttpRequest, pk: int) -> HttpResponse:
    entry = get_owned_or_404(request, FeedbackEntry.objects.select_related("application"), pk)
    url = entry.application.get_absolute_url()
    return _confirm_delete(
        request,
        title=_("Delete feedback"),
        question=_("Delete this feedback for %(application)s?")
        % {"application": entry.application},
        delete=lambda: services.feedback_delete(entry=entry),
        done_message=_("The feedback was deleted."),
        success_url=url + "#feedback",
        cancel_url=url,
    )
