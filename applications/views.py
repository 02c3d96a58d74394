"""Pages for applications, interviews, contacts, the feedback log and the question bank.

Every object is fetched through `_owned`, so another user's id is a 404. Writes that touch the
status or an interview go through applications.services; the views only validate and redirect.
"""

import datetime
from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.db.models import Case, Count, F, IntegerField, Min, Q, QuerySet, Value, When
from django.db.models.functions import Lower
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from applications import services
from applications.forms import (
    ApplicationFilterForm,
    ApplicationForm,
    BankQuestionForm,
    ContactFilterForm,
    ContactForm,
    FeedbackForm,
    InterviewFilterForm,
    InterviewForm,
    PrepItemFormSet,
    StatusForm,
    form_helper,
)
from applications.models import (
    Application,
    BankQuestion,
    Contact,
    FeedbackEntry,
    Interview,
    Status,
    StatusChange,
)
from drafts.queries import drafts_for_application, drafts_for_interview

PER_PAGE = 25
UPCOMING_DAYS = 14
RECENT_ACTIVITY = 10


def _owned(model, request: HttpRequest, pk: int, queryset: QuerySet | None = None):
    """The user's row with this id, or 404: the one way views look objects up."""
    queryset = queryset if queryset is not None else model.objects.all()
    return get_object_or_404(queryset.filter(owner=request.user), pk=pk)


def _page(request: HttpRequest, queryset) -> Page:
    # get_page turns "abc", "-1" and huge numbers into the first or last page instead of an error.
    return Paginator(queryset, PER_PAGE).get_page(request.GET.get("page"))


def _form_page(request: HttpRequest, form, *, title: str, cancel_url: str, **extra) -> HttpResponse:
    context = {"form": form, "title": title, "cancel_url": cancel_url, **extra}
    return render(request, "applications/form_page.html", context)


def _confirm_delete(
    request: HttpRequest,
    *,
    title: str,
    question: str,
    delete: Callable[[], None],
    done_message: str,
    success_url: str,
    cancel_url: str,
    consequences: list[str] = (),
) -> HttpResponse:
    """GET asks; POST deletes. Nothing is deleted by following a link."""
    if request.method == "POST":
        delete()
        messages.success(request, done_message)
        return redirect(success_url)
    context = {
        "title": title,
        "question": question,
        "consequences": consequences,
        "cancel_url": cancel_url,
    }
    return render(request, "applications/confirm_delete.html", context)


def _followups_dashboard(user, now: datetime.datetime) -> dict:
    # The follow-up engine is a separate app; the dashboard works without it.
    try:
        from followups.queries import dashboard_followups
    except ImportError:
        return {}
    return dashboard_followups(user, now)


def _followups_for(application: Application) -> list:
    try:
        from followups.queries import followups_for_application
    except ImportError:
        return []
    return followups_for_application(application)


# Dashboard


@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    user, now = request.user, timezone.now()
    # "The next 14 days" as the user counts them: from the start of their today, so that an
    # interview earlier today still shows, to the end of the fourteenth day.
    tz = timezone.get_current_timezone()
    today = timezone.localdate(now, tz)
    start = datetime.datetime.combine(today, datetime.time.min, tzinfo=tz)
    end = datetime.datetime.combine(
        today + datetime.timedelta(days=UPCOMING_DAYS + 1), datetime.time.min, tzinfo=tz
    )
    upcoming = (
        Interview.objects.owned_by(user)
        .filter(cancelled=False, starts_at__gte=start, starts_at__lt=end)
        .select_related("application")
        .order_by("starts_at", "id")
    )
    counts = dict(
        Application.objects.owned_by(user).order_by().values_list("status").annotate(Count("id"))
    )
    status_counts = [(value, label, counts.get(value, 0)) for value, label in Status.choices]
    recent = (
        StatusChange.objects.owned_by(user)
        .select_related("application")
        .order_by("-changed_at", "-id")[:RECENT_ACTIVITY]
    )
    context = {
        "upcoming": upcoming,
        "upcoming_days": UPCOMING_DAYS,
        "status_counts": status_counts,
        "application_total": sum(counts.values()),
        "recent": recent,
        **_followups_dashboard(user, now),
    }
    return render(request, "applications/dashboard.html", context)


# Applications

STATUS_ORDER = Case(
    *(When(status=value, then=Value(i)) for i, value in enumerate(Status.values)),
    output_field=IntegerField(),
)
APPLICATION_ORDERINGS = {
    "updated": ["-updated_at", "-id"],
    "company": [Lower("company"), Lower("position"), "id"],
    "applied": [F("applied_on").desc(nulls_last=True), "-id"],
    "status": [STATUS_ORDER, "-updated_at", "-id"],
}


@require_GET
def application_list(request: HttpRequest) -> HttpResponse:
    form = ApplicationFilterForm(request.GET)
    q, status = form.value("q").strip(), form.value("status")
    sort = form.value("sort", "updated")
    applications = Application.objects.owned_by(request.user)
    if q:
        applications = applications.filter(Q(company__icontains=q) | Q(position__icontains=q))
    if status:
        applications = applications.filter(status=status)
    # Counted in the same query, so a page costs the same whatever it shows.
    live = Q(interviews__cancelled=False)
    applications = applications.annotate(
        interview_count=Count("interviews", filter=live),
        next_interview_at=Min(
            "interviews__starts_at", filter=live & Q(interviews__starts_at__gte=timezone.now())
        ),
    ).order_by(*APPLICATION_ORDERINGS[sort])
    context = {
        "filter_form": form,
        "filter_helper": form_helper(),
        "page_obj": _page(request, applications),
        "filtered": bool(q or status),
    }
    return render(request, "applications/application_list.html", context)


@require_GET
def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    application = _owned(Application, request, pk)
    interviews = list(
        application.interviews.prefetch_related("interviewers").order_by("starts_at", "id")
    )
    changes = list(application.status_changes.order_by("changed_at", "id"))
    timeline = sorted(
        [{"at": change.changed_at, "change": change} for change in changes]
        + [{"at": interview.starts_at, "interview": interview} for interview in interviews],
        key=lambda entry: entry["at"],
    )
    context = {
        "application": application,
        "contacts": application.contacts.all(),
        "interviews": interviews,
        "feedback_entries": application.feedback_entries.all(),
        "timeline": timeline,
        "status_form": StatusForm(initial={"status": application.status}),
        "followups": _followups_for(application),
        "drafts": drafts_for_application(application),
    }
    return render(request, "applications/application_detail.html", context)


@require_http_methods(["GET", "POST"])
def application_create(request: HttpRequest) -> HttpResponse:
    form = ApplicationForm(request.POST or None, owner=request.user)
    if request.method == "POST" and form.is_valid():
        application = services.application_create(
            owner=request.user,
            contacts=form.cleaned_data.get("contacts") or (),
            **form.service_fields(),
        )
        messages.success(request, _("The application was saved."))
        return redirect(application)
    return _form_page(
        request,
        form,
        title=_("New application"),
        cancel_url=reverse("applications:application_list"),
    )


@require_http_methods(["GET", "POST"])
def application_update(request: HttpRequest, pk: int) -> HttpResponse:
    application = _owned(Application, request, pk)
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
    application = _owned(Application, request, pk)
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
    application = _owned(Application, request, pk)
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


# Interviews


@require_GET
def interview_list(request: HttpRequest) -> HttpResponse:
    form = InterviewFilterForm(request.GET)
    when = form.value("when", "upcoming")
    interviews = (
        Interview.objects.owned_by(request.user)
        .select_related("application")
        .prefetch_related("interviewers")
    )
    now = timezone.now()
    if when == "upcoming":
        interviews = interviews.filter(starts_at__gte=now).order_by("starts_at", "id")
    elif when == "past":
        interviews = interviews.filter(starts_at__lt=now).order_by("-starts_at", "-id")
    else:
        interviews = interviews.order_by("-starts_at", "-id")
    context = {
        "filter_form": form,
        "filter_helper": form_helper(),
        "when": when,
        "page_obj": _page(request, interviews),
    }
    return render(request, "applications/interview_list.html", context)


def _log_interview(request: HttpRequest, form: InterviewForm, *, title: str, cancel_url: str):
    if request.method == "POST" and form.is_valid():
        try:
            interview = services.interview_log(
                owner=request.user,
                application=form.cleaned_data.get("application"),
                company=form.cleaned_data.get("company", ""),
                position=form.cleaned_data.get("position", ""),
                **form.service_fields(),
            )
        except ValidationError as error:
            # The service rolled back: nothing was created, and the form keeps what was typed.
            form.add_error(None, error.messages)
        else:
            messages.success(request, _("The interview was logged."))
            return redirect(interview)
    return _form_page(request, form, title=title, cancel_url=cancel_url)


@require_http_methods(["GET", "POST"])
def interview_create(request: HttpRequest) -> HttpResponse:
    """The quick path: pick an application, or type a new one, in the same form."""
    form = InterviewForm(request.POST or None, owner=request.user, allow_new_application=True)
    return _log_interview(
        request,
        form,
        title=_("Log interview"),
        cancel_url=reverse("applications:dashboard"),
    )


@require_http_methods(["GET", "POST"])
def application_interview_create(request: HttpRequest, pk: int) -> HttpResponse:
    application = _owned(Application, request, pk)
    form = InterviewForm(
        request.POST or None, owner=request.user, initial={"application": application.pk}
    )
    return _log_interview(
        request,
        form,
        title=_("Log interview"),
        cancel_url=application.get_absolute_url(),
    )


@require_http_methods(["GET", "POST"])
def interview_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The interview, and its preparation checklist, whose answers are saved here."""
    interview = _owned(Interview, request, pk, Interview.objects.select_related("application"))
    formset = PrepItemFormSet(
        request.POST or None, queryset=interview.prep_items.all(), prefix="prep"
    )
    if request.method == "POST" and formset.is_valid():
        formset.save()
        messages.success(request, _("Your preparation was saved."))
        return redirect(interview)
    context = {
        "interview": interview,
        "application": interview.application,
        "interviewers": interview.interviewers.all(),
        "formset": formset,
        "prep_helper": form_helper(),
        "drafts": drafts_for_interview(interview),
    }
    return render(request, "applications/interview_detail.html", context)


@require_http_methods(["GET", "POST"])
def interview_update(request: HttpRequest, pk: int) -> HttpResponse:
    interview = _owned(Interview, request, pk, Interview.objects.select_related("application"))
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
    interview = _owned(Interview, request, pk, Interview.objects.select_related("application"))
    services.interview_cancel(interview=interview)
    messages.success(request, _("The interview was marked as cancelled."))
    return redirect(interview)


@require_http_methods(["GET", "POST"])
def interview_delete(request: HttpRequest, pk: int) -> HttpResponse:
    interview = _owned(Interview, request, pk, Interview.objects.select_related("application"))
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


# Feedback log


@require_http_methods(["GET", "POST"])
def feedback_create(request: HttpRequest, pk: int) -> HttpResponse:
    application = _owned(Application, request, pk)
    form = FeedbackForm(request.POST or None, owner=request.user)
    if request.method == "POST" and form.is_valid():
        entry = form.save(commit=False)
        entry.owner, entry.application = request.user, application
        entry.save()
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
    entry = _owned(FeedbackEntry, request, pk, FeedbackEntry.objects.select_related("application"))
    form = FeedbackForm(request.POST or None, instance=entry, owner=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
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
    entry = _owned(FeedbackEntry, request, pk, FeedbackEntry.objects.select_related("application"))
    url = entry.application.get_absolute_url()
    return _confirm_delete(
        request,
        title=_("Delete feedback"),
        question=_("Delete this feedback for %(application)s?")
        % {"application": entry.application},
        delete=entry.delete,
        done_message=_("The feedback was deleted."),
        success_url=url + "#feedback",
        cancel_url=url,
    )


# Contacts


@require_GET
def contact_list(request: HttpRequest) -> HttpResponse:
    form = ContactFilterForm(request.GET)
    q = form.value("q").strip()
    contacts = Contact.objects.owned_by(request.user)
    if q:
        contacts = contacts.filter(
            Q(name__icontains=q) | Q(company__icontains=q) | Q(email__icontains=q)
        )
    contacts = contacts.annotate(
        application_count=Count("applications", distinct=True),
        interview_count=Count("interviews", distinct=True),
    ).order_by(Lower("name"), "id")
    context = {
        "filter_form": form,
        "filter_helper": form_helper(),
        "page_obj": _page(request, contacts),
        "filtered": bool(q),
    }
    return render(request, "applications/contact_list.html", context)


@require_GET
def contact_detail(request: HttpRequest, pk: int) -> HttpResponse:
    contact = _owned(Contact, request, pk)
    context = {
        "contact": contact,
        "applications": contact.applications.order_by("-updated_at", "-id"),
        "interviews": contact.interviews.select_related("application").order_by("-starts_at"),
    }
    return render(request, "applications/contact_detail.html", context)


def _int_param(request: HttpRequest, name: str) -> int | None:
    """A numeric id from the query string, or None for anything else."""
    value = request.GET.get(name, "")
    return int(value) if value.isascii() and value.isdigit() and len(value) < 19 else None


@require_http_methods(["GET", "POST"])
def contact_create(request: HttpRequest) -> HttpResponse:
    initial = {}
    application_id = _int_param(request, "application")
    if application_id is not None:
        # Preselected only if it is the user's; the form's choices are the user's rows anyway.
        initial["applications"] = list(
            Application.objects.owned_by(request.user)
            .filter(pk=application_id)
            .values_list("pk", flat=True)
        )
    form = ContactForm(request.POST or None, owner=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        contact = form.save()
        messages.success(request, _("The contact was saved."))
        return redirect(contact)
    return _form_page(
        request, form, title=_("New contact"), cancel_url=reverse("applications:contact_list")
    )


@require_http_methods(["GET", "POST"])
def contact_update(request: HttpRequest, pk: int) -> HttpResponse:
    contact = _owned(Contact, request, pk)
    form = ContactForm(request.POST or None, instance=contact, owner=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The contact was saved."))
        return redirect(contact)
    return _form_page(
        request,
        form,
        title=_("Edit contact: %(name)s") % {"name": contact.name},
        cancel_url=contact.get_absolute_url(),
    )


@require_http_methods(["GET", "POST"])
def contact_delete(request: HttpRequest, pk: int) -> HttpResponse:
    contact = _owned(Contact, request, pk)
    return _confirm_delete(
        request,
        title=_("Delete contact"),
        question=_("Delete the contact %(name)s?") % {"name": contact.name},
        consequences=[_("Applications and interviews stay; they no longer list this person.")],
        delete=lambda: services.contact_delete(contact=contact),
        done_message=_("The contact was deleted."),
        success_url=reverse("applications:contact_list"),
        cancel_url=contact.get_absolute_url(),
    )


# Question bank


@require_http_methods(["GET", "POST"])
def question_bank(request: HttpRequest) -> HttpResponse:
    """The user's own questions: each new interview's checklist starts as a copy of them."""
    form = BankQuestionForm(request.POST or None, owner=request.user)
    if request.method == "POST" and form.is_valid():
        services.bank_question_add(owner=request.user, question=form.cleaned_data["question"])
        messages.success(request, _("The question was added."))
        return redirect("applications:question_bank")
    context = {
        "questions": BankQuestion.objects.owned_by(request.user).order_by("position", "id"),
        "form": form,
    }
    return render(request, "applications/question_bank.html", context)


@require_http_methods(["GET", "POST"])
def bank_question_update(request: HttpRequest, pk: int) -> HttpResponse:
    question = _owned(BankQuestion, request, pk)
    form = BankQuestionForm(request.POST or None, instance=question, owner=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The question was saved."))
        return redirect("applications:question_bank")
    return _form_page(
        request,
        form,
        title=_("Edit question"),
        cancel_url=reverse("applications:question_bank"),
    )


@require_http_methods(["GET", "POST"])
def bank_question_delete(request: HttpRequest, pk: int) -> HttpResponse:
    question = _owned(BankQuestion, request, pk)
    return _confirm_delete(
        request,
        title=_("Delete question"),
        question=_("Delete the question “%(question)s” from your bank?")
        % {"question": question.question},
        consequences=[_("Checklists of interviews logged earlier keep it.")],
        delete=question.delete,
        done_message=_("The question was deleted."),
        success_url=reverse("applications:question_bank"),
        cancel_url=reverse("applications:question_bank"),
    )


@require_POST
def bank_question_move(request: HttpRequest, pk: int) -> HttpResponse:
    question = _owned(BankQuestion, request, pk)
    offset = {"up": -1, "down": 1}.get(request.POST.get("direction", ""))
    if offset is not None:
        services.bank_question_move(question=question, offset=offset)
    return redirect("applications:question_bank")
