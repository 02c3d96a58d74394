"""Interviews: the list, logging, the detail page with its checklist, edit, cancel, delete."""

import functools

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from applications import queries, services
from applications.filters import InterviewFilter
from applications.forms import (
    InterviewForm,
    PrepItemFormSet,
    PrepQuestionForm,
    form_helper,
)
from applications.models import Application, Interview, PrepItem
from applications.views._common import (
    _confirm_delete,
    _create_once,
    _form_page,
    _says_create_another,
)
from core import undo
from core.lookups import get_owned_or_404
from core.pagination import paginate


@require_GET
def interview_list(request: HttpRequest) -> HttpResponse:
    filters = InterviewFilter(request.GET, queryset=queries.interview_list_queryset(request.user))
    context = {
        "filter_form": filters.form,
        "when": filters.when_value,
        "page_obj": paginate(request, filters.qs),
    }
    return render(request, "applications/interview_list.html", context)


def _log_interview(request: HttpRequest, form: InterviewForm, *, title: str, cancel_url: str):
    same_company = None
    if request.method == "POST" and form.is_valid():
        try:
            interview, created = _create_once(
                Interview,
                request,
                form,
                functools.partial(
                    services.interview_log,
                    owner=request.user,
                    application=form.cleaned_data.get("application"),
                    company=form.cleaned_data.get("company", ""),
                    position=form.cleaned_data.get("position", ""),
                    create_another=_says_create_another(request),
                    **form.service_fields(),
                ),
            )
        except services.SameCompany as same:
            same_company = same
        except ValidationError as error:
            # The service rolled back: nothing was created, and the form keeps what was typed.
            form.add_error(None, error.messages)
        else:
            if created:
                messages.success(request, _("The interview was logged."))
            else:
                messages.info(request, _("This interview was logged already."))
            return redirect(interview)
    return _form_page(request, form, title=title, cancel_url=cancel_url, same_company=same_company)


def _quick_path_data(request: HttpRequest):
    """The POST, with the application the person chose on the open-application notice."""
    if request.method != "POST":
        return None
    data = request.POST
    chosen = data.get("use_application")
    if chosen:
        # The form checks that it is one of the person's own applications.
        data = data.copy()
        data["application"] = chosen
        data["company"] = data["position"] = ""
    return data


@require_http_methods(["GET", "POST"])
def interview_create(request: HttpRequest) -> HttpResponse:
    """The quick path: pick an application, or type a new one, in the same form."""
    form = InterviewForm(_quick_path_data(request), owner=request.user, allow_new_application=True)
    return _log_interview(
        request,
        form,
        title=_("Log interview"),
        cancel_url=reverse("applications:dashboard"),
    )


@require_http_methods(["GET", "POST"])
def application_interview_create(request: HttpRequest, pk: int) -> HttpResponse:
    application = get_owned_or_404(request, Application, pk)
    form = InterviewForm(
        request.POST or None, owner=request.user, initial={"application": application.pk}
    )
    return _log_interview(
        request,
        form,
        title=_("Log interview"),
        cancel_url=application.get_absolute_url(),
    )


def _interview_page(request, interview, *, formset=None, question_form=None) -> HttpResponse:
    context = {
        "interview": interview,
        "application": interview.application,
        "interviewers": interview.interviewers.all(),
        "formset": formset or PrepItemFormSet(queryset=interview.prep_items.all(), prefix="prep"),
        "question_form": question_form or PrepQuestionForm(prefix="new"),
        "prep_helper": form_helper(),
    }
    return render(request, "applications/interview_detail.html", context)


@require_http_methods(["GET", "POST"])
def interview_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The interview, and its preparation checklist, whose answers are saved here."""
    interview = get_owned_or_404(request, Interview.objects.select_related("application"), pk)
    formset = PrepItemFormSet(
        request.POST or None, queryset=interview.prep_items.all(), prefix="prep"
    )
    if request.method == "POST" and formset.is_valid():
        services.prep_items_save(formset=formset)
        messages.success(request, _("Your preparation was saved."))
        return redirect(interview)
    return _interview_page(request, interview, formset=formset)


@require_POST
def prep_item_create(request: HttpRequest, pk: int) -> HttpResponse:
    """Add a question to this interview's checklist, after the others."""
    interview = get_owned_or_404(request, Interview.objects.select_related("application"), pk)
    form = PrepQuestionForm(request.POST, prefix="new")
    if not form.is_valid():
        return _interview_page(request, interview, question_form=form)
    services.prep_item_add(interview=interview, question=form.cleaned_data["question"])
    messages.success(request, _("The question was added to the checklist."))
    return redirect(f"{interview.get_absolute_url()}#prep-heading")


@require_POST
def prep_item_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Take a question (and its answer) off one interview's checklist; the bank keeps it."""
    item = get_owned_or_404(request, PrepItem.objects.select_related("interview"), pk)
    interview = item.interview
    # The Remove button posts the checklist's own form: keep the answers typed on the page.
    answers = PrepItemFormSet(request.POST, queryset=interview.prep_items.all(), prefix="prep")
    services.prep_item_remove(item=item, answers=answers)
    messages.success(request, _("The question was removed from the checklist."))
    return redirect(f"{interview.get_absolute_url()}#prep-heading")


@require_http_methods(["GET", "POST"])
def interview_update(request: HttpRequest, pk: int) -> HttpResponse:
    interview = get_owned_or_404(request, Interview.objects.select_related("application"), pk)
    form = InterviewForm(request.POST or None, instance=interview, owner=request.user)
    if request.method == "POST" and form.is_valid():
        services.interview_edit(interview=interview, **form.service_fields())
        messages.success(request, _("The interview was saved."))
        return redirect(interview)
    return _form_page(
        request,
        form,
        title=_("Edit interview: %(application)s") % {"application": interview.application},
        cancel_url=interview.get_absolute_url(),
    )


@require_POST
def interview_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    interview = get_owned_or_404(request, Interview.objects.select_related("application"), pk)
    was_cancelled = interview.cancelled
    services.interview_cancel(interview=interview)
    text = _("The interview was marked as cancelled.")
    if was_cancelled:
        messages.success(request, text)
    else:
        undo.offer(
            request,
            kind="interview",
            pk=interview.pk,
            record=services.interview_undo_record(interview=interview),
            url=reverse("applications:interview_cancel_undo", args=[interview.pk]),
            text=text,
        )
    return redirect(interview)


@require_POST
def interview_cancel_undo(request: HttpRequest, pk: int) -> HttpResponse:
    """The Undo of the message after Cancel: the interview, and its follow-ups, back."""
    interview = get_owned_or_404(request, Interview.objects.select_related("application"), pk)
    record = undo.take(request, kind="interview", pk=interview.pk)
    if record is None:
        messages.info(request, _("There is nothing to undo: it was undone already."))
        return redirect(interview)
    try:
        services.interview_cancel_undo(interview=interview, record=record)
    except undo.UndoRefused as exc:
        messages.info(request, str(exc))
    else:
        messages.success(request, _("Undone: the interview is back, with its follow-ups."))
    return redirect(interview)


@require_http_methods(["GET", "POST"])
def interview_delete(request: HttpRequest, pk: int) -> HttpResponse:
    interview = get_owned_or_404(request, Interview.objects.select_related("application"), pk)
    application = interview.application
    return _confirm_delete(
        request,
        title=_("Delete interview"),
        question=_("Delete the interview for %(application)s?") % {"application": application},
        consequences=[_("Its preparation answers and reflection are deleted with it.")],
        delete=lambda: services.interview_delete(interview=interview),
        done_message=_("The interview was deleted."),
        success_url=application.get_absolute_url(),
        cancel_url=interview.get_absolute_url(),
    )
