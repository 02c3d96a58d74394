"""Applications: the list, a detail page with its timeline, create, edit, delete and status."""

import functools

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from applications import queries, services
from applications.filters import ACTIVE_STATUSES, ApplicationFilter
from applications.forms import ApplicationForm, StatusForm
from applications.models import Application
from applications.postings import captures
from applications.views._common import (
    _confirm_delete,
    _create_once,
    _form_page,
    _says_create_another,
)
from core.lookups import get_owned_or_404
from core.pagination import paginate


@require_GET
def application_list(request: HttpRequest) -> HttpResponse:
    filters = ApplicationFilter(
        request.GET, queryset=queries.application_list_queryset(request.user)
    )
    preset = request.GET.copy()
    preset.pop("page", None)
    preset.setlist("status", ACTIVE_STATUSES)
    context = {
        "filter_form": filters.form,
        "all_active_url": f"{request.path}?{preset.urlencode()}",
        "page_obj": paginate(request, filters.qs),
        "filtered": filters.filtered,
        # The rows are cached per day (templates/applications/application_list.html).
        "today": timezone.localdate(),
    }
    return render(request, "applications/application_list.html", context)


class _DetailSections:
    """An application page's own sections, each queried only when the page draws it.

    The template caches them per version of the person's data (User.data_version), so a
    repeated visit queries only what is drawn live: the follow-ups and the drafts.
    """

    def __init__(self, application):
        self.application = application

    @functools.cached_property
    def interviews(self) -> list:
        return list(
            self.application.interviews.prefetch_related("interviewers").order_by("starts_at", "id")
        )

    @functools.cached_property
    def timeline(self) -> list[dict]:
        # The application's own steps; the template sorts in those of its follow-ups, which
        # that app draws itself (followups_tags).
        changes = self.application.status_changes.order_by("changed_at", "id")
        return sorted(
            [{"at": change.changed_at, "change": change} for change in changes]
            + [
                {"at": interview.starts_at, "interview": interview} for interview in self.interviews
            ],
            key=lambda entry: entry["at"],
        )

    @functools.cached_property
    def contacts(self) -> list:
        return list(self.application.contacts.all())

    @functools.cached_property
    def feedback_entries(self) -> list:
        return list(self.application.feedback_entries.all())

    @functools.cached_property
    def documents(self) -> list:
        return list(self.application.documents.all())


@require_GET
def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    application = get_owned_or_404(request, Application, pk)
    context = {
        "application": application,
        "sections": _DetailSections(application),
        "status_form": StatusForm(initial={"status": application.status}),
        # The follow-ups panel says "overdue" by the day: its cache key has the day.
        "today": timezone.localdate(),
    }
    return render(request, "applications/application_detail.html", context)


@require_http_methods(["GET", "POST"])
def application_create(request: HttpRequest) -> HttpResponse:
    # ?capture=: a posting captured from its URL or by the bookmarklet fills the form in.
    capture_token = request.GET.get("capture")
    capture = captures.capture_get(capture_token, user=request.user) if capture_token else None
    form = ApplicationForm(
        request.POST or None, owner=request.user, initial=capture.initial() if capture else None
    )
    if capture is not None:
        # The capture is the form's identity: saved twice, from any copy of it, it is one row.
        form.fields["submission_key"].initial = capture.submission_key
    same_company = None
    if request.method == "POST" and form.is_valid():

        def create(**kwargs):
            return services.application_create(**kwargs), True

        try:
            application, created = _create_once(
                Application,
                request,
                form,
                functools.partial(
                    create,
                    owner=request.user,
                    contacts=form.cleaned_data.get("contacts") or (),
                    same_company_ok=_says_create_another(request),
                    **form.service_fields(),
                ),
            )
        except services.SameCompany as same:
            same_company = same
        else:
            if created:
                messages.success(request, _("The application was saved."))
            else:
                messages.info(request, _("This application was saved already."))
            return redirect(application)
    return _form_page(
        request,
        form,
        title=_("New application"),
        cancel_url=reverse("applications:application_list"),
        same_company=same_company,
        capture=capture,
        capture_missing=bool(capture_token) and capture is None,
        offer_capture=True,
    )


@require_http_methods(["GET", "POST"])
def application_update(request: HttpRequest, pk: int) -> HttpResponse:
    application = get_owned_or_404(request, Application, pk)
    form = ApplicationForm(request.POST or None, instance=application, owner=request.user)
    if request.method == "POST" and form.is_valid():
        services.application_update(
            application=application,
            contacts=form.cleaned_data["contacts"] if "contacts" in form.fields else None,
            **form.service_fields(),
        )
        messages.success(request, _("The application was saved."))
        return redirect(application)
    return _form_page(
        request,
        form,
        title=_("Edit application: %(application)s") % {"application": application},
        cancel_url=application.get_absolute_url(),
    )


@require_http_methods(["GET", "POST"])
def application_delete(request: HttpRequest, pk: int) -> HttpResponse:
    application = get_owned_or_404(request, Application, pk)
    return _confirm_delete(
        request,
        title=_("Delete application"),
        question=_("Delete the application %(application)s?") % {"application": application},
        consequences=[
            _("Its interviews, timeline, feedback and follow-ups are deleted with it."),
            _("Its contacts stay in your contacts."),
        ],
        delete=lambda: services.application_delete(application=application),
        done_message=_("The application was deleted."),
        success_url=reverse("applications:application_list"),
        cancel_url=application.get_absolute_url(),
    )


@require_POST
def application_status(request: HttpRequest, pk: int) -> HttpResponse:
    application = get_owned_or_404(request, Application, pk)
    form = StatusForm(request.POST)
    if form.is_valid():
        if form.cleaned_data["status"] != application.status:
            services.application_set_status(
                application=application, status=form.cleaned_data["status"]
            )
            messages.success(
                request,
                _("The status is now “%(status)s”.") % {"status": application.get_status_display()},
            )
    else:
        messages.error(request, _("Choose a status from the list."))
    return redirect(application)
