"""The one way a view fetches a row by id: the user's own, or 404."""

from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from core.validators import is_id


def get_owned_or_404(request: HttpRequest, rows: type[Model] | QuerySet, pk):
    """The row with this id if the logged-in user owns it; 404 otherwise.

    `rows` is a model or a queryset (for select_related and the like). Another user's id is a 404,
    never a 403, so the answer tells nothing about whether the id exists. A value that is no id at
    all (from a form or a query string) is a 404 before it reaches a query.
    """
    if not is_id(pk):
        raise Http404("Not an id.")
    queryset = rows if isinstance(rows, QuerySet) else rows._default_manager.all()
    return get_object_or_404(queryset.filter(owner=request.user), pk=pk)
