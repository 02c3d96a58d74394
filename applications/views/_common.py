"""What the page modules of applications share: create once, the form and delete pages.

The owner-filtered look-up and pagination are core.lookups and core.pagination.
"""

from collections.abc import Callable

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render


def _created_by(model, request: HttpRequest, form):
    """The row that this very form (its submission key) created already, or None."""
    key = form.cleaned_data.get("submission_key")
    if key is None:
        return None
    return model.objects.filter(owner=request.user, submission_key=key).first()


def _create_once(model, request: HttpRequest, form, create: Callable):
    """(row, created): create(submission_key=…) the row, unless this form did so already.

    `create` returns (row, created) itself: a service may find that the row is there already
    from another form (the same interview, logged from the back button's fresh form).

    A double click or a reload posts the same form twice; the second POST gets the first one's
    row. Two POSTs at the same moment both pass the look-up, but the unique
    (owner, submission_key) constraint lets only one insert through: the other one's
    transaction rolls back (the service is atomic) and it finds the winner's row.
    """
    existing = _created_by(model, request, form)
    if existing is not None:
        return existing, False
    try:
        # Its own block (a savepoint if a caller holds a transaction): on PostgreSQL the
        # connection stays usable for the look-up after the error.
        with transaction.atomic():
            return create(submission_key=form.cleaned_data.get("submission_key"))
    except IntegrityError:
        existing = _created_by(model, request, form)
        if existing is None:
            raise
        return existing, False


def _says_create_another(request: HttpRequest) -> bool:
    """The person chose "Create another" on the notice of an open application at the company."""
    return request.POST.get("create_another") == "1"


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
