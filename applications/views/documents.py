"""Documents of an application: attach, download (the owner only) and delete."""

import functools

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from applications import documents, services
from applications.forms import DocumentForm
from applications.models import Application, Document
from applications.views._common import _confirm_delete, _create_once, _form_page
from core.lookups import get_owned_or_404


@require_http_methods(["GET", "POST"])
def document_create(request: HttpRequest, pk: int) -> HttpResponse:
    application = get_owned_or_404(request, Application, pk)
    form = DocumentForm(request.POST or None, request.FILES or None, owner=request.user)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["upload"]

        def create(**kwargs):
            return services.document_attach(**kwargs), True

        try:
            _document, created = _create_once(
                Document,
                request,
                form,
                functools.partial(
                    create,
                    application=application,
                    file=upload,
                    name=upload.name,
                    kind=form.cleaned_data["kind"],
                    label=form.cleaned_data["label"],
                    sent_on=form.cleaned_data["sent_on"],
                ),
            )
        except documents.DocumentRefused as refused:
            form.add_error("upload", refused)
        else:
            if created:
                messages.success(request, _("The document was attached."))
            else:
                messages.info(request, _("This document was attached already."))
            return redirect(application.get_absolute_url() + "#documents")
    return _form_page(
        request,
        form,
        title=_("Attach a document: %(application)s") % {"application": application},
        cancel_url=application.get_absolute_url() + "#documents",
    )


@never_cache
@require_GET
def document_download(request: HttpRequest, pk: int) -> FileResponse:
    """The file as it was sent, to its owner only, always as a download.

    Never shown inline: a document is the person's own file, and a text file opened by the
    browser could be read as HTML (nosniff, a fixed type and "attachment" rule that out).
    """
    document = get_owned_or_404(request, Document, pk)
    try:
        file = document.file.open("rb")
    except FileNotFoundError:
        raise Http404("The document's file is missing from the storage.") from None
    response = FileResponse(
        file,
        as_attachment=True,
        filename=documents.download_name(document.original_name, document.content_type),
        content_type=document.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    # The download is the person's own data: no shared cache keeps it.
    response["Cache-Control"] = "private, no-store"
    return response


@require_http_methods(["GET", "POST"])
def document_delete(request: HttpRequest, pk: int) -> HttpResponse:
    document = get_owned_or_404(request, Document.objects.select_related("application"), pk)
    url = document.application.get_absolute_url()
    return _confirm_delete(
        request,
        title=_("Delete document"),
        question=_("Delete the document %(name)s of %(application)s?")
        % {"name": document.original_name, "application": document.application},
        consequences=[_("Its file is deleted too; download it first to keep a copy.")],
        delete=lambda: services.document_delete(document=document),
        done_message=_("The document was deleted."),
        success_url=url + "#documents",
        cancel_url=url + "#documents",
    )
