"""Pagination of every list page; templates/_pagination.html draws its links."""

from django.core.paginator import Page, Paginator
from django.http import HttpRequest

PER_PAGE = 25


def paginate(request: HttpRequest, queryset, per_page: int = PER_PAGE) -> Page:
    # get_page turns "abc", "-1" and huge numbers into the first or last page instead of an error.
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))
