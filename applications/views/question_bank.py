"""The question bank: the user's own questions, added, edited, deleted and reordered."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from applications import services
from applications.forms import BankQuestionForm
from applications.models import BankQuestion
from applications.views._common import _confirm_delete, _form_page
from core.lookups import get_owned_or_404


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
    question = get_owned_or_404(request, BankQuestion, pk)
    form = BankQuestionForm(request.POST or None, instance=question, owner=request.user)
    if request.method == "POST" and form.is_valid():
        services.bank_question_edit(question=question, text=form.cleaned_data["question"])
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
    question = get_owned_or_404(request, BankQuestion, pk)
    return _confirm_delete(
        request,
        title=_("Delete question"),
        question=_("Delete the question “%(question)s” from your bank?")
        % {"question": question.question},
        consequences=[_("Checklists of interviews logged earlier keep it.")],
        delete=lambda: services.bank_question_delete(question=question),
        done_message=_("The question was deleted."),
        success_url=reverse("applications:question_bank"),
        cancel_url=reverse("applications:question_bank"),
    )


@require_POST
def bank_question_move(request: HttpRequest, pk: int) -> HttpResponse:
    question = get_owned_or_404(request, BankQuestion, pk)
    offset = {"up": -1, "down": 1}.get(request.POST.get("direction", ""))
    if offset is not None:
        services.bank_question_move(question=question, offset=offset)
    return redirect("applications:question_bank")
