"""Contacts: the list, a detail page, create, edit and delete."""

from django.contrib import messages
from django.db import transaction
from django.db.models import Count, Q
from django.db.models.functions import Lower
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from applications import services
from applications.forms import ContactFilterForm, ContactForm
from applications.forms._common import is_id
from applications.models import Application, Contact
from applications.views._common import _confirm_delete, _form_page, _owned, _page


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
    return int(value) if is_id(value) else None


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
        # The contact and its applications: one transaction (requests are not atomic).
        with transaction.atomic():
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
        with transaction.atomic():
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
