"""The job-search obligation's progress, drawn on the pages of other apps (Today, the dashboard).

A template tag rather than a context variable, so the page that shows it needs no change of its
own but one line; the count is one query, only for a person who set a target.
"""

from django import template
from django.utils import timezone

from followups import obligation

register = template.Library()


@register.inclusion_tag("insights/_obligation_progress.html", takes_context=True)
def obligation_progress(context) -> dict:
    """`{% obligation_progress %}`: "This month: 3 of 4 applications", with the days left."""
    user = context["request"].user
    return {"progress": obligation.progress_for(user, timezone.localdate())}
