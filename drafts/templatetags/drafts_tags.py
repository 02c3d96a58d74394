"""`{% drafts_for application %}` / `{% drafts_for application interview %}`: the drafts panel.

Drafts draw their own panel on the pages of the apps below them (an application, an interview),
so those pages need not import draft queries. One query, whatever the number of drafts.
"""

from django import template
from django.urls import reverse
from django.utils import translation

from drafts import queries as drafts_queries
from drafts import rendering, services
from drafts.models import Kind
from drafts.queries import drafts_for_application, drafts_for_interview

register = template.Library()


@register.inclusion_tag("drafts/_drafts_for.html")
def drafts_for(application, interview=None) -> dict:
    drafts = (
        drafts_for_interview(interview)
        if interview is not None
        else drafts_for_application(application)
    )
    # The inclusion tag passes the page's csrf_token on to the three generate forms.
    return {"application": application, "interview": interview, "drafts": drafts}


@register.inclusion_tag("drafts/_followup_draft.html", takes_context=True)
def followup_draft(context, followup) -> dict:
    """`{% followup_draft followup %}`: the draft of a follow-up, on the follow-up's page.

    A call's script is shown in full, to read with the phone in hand: the saved draft, or before
    there is one the script as it would be written (nothing is saved on a GET). Other kinds link
    to their draft.
    """
    draft = drafts_queries.draft_of_followup(followup)
    script = draft
    if draft is None and followup.kind == Kind.CALL:
        language = services.language_for(context["request"].user, translation.get_language())
        try:
            script = services.draft_preview(
                owner=followup.owner,
                kind=Kind.CALL,
                application=followup.application,
                interview=followup.interview,
                language=language,
            )
        except rendering.TemplateError:
            script = None  # The user's template is broken; the link below shows why.
    return {
        "followup": followup,
        "draft": draft,
        "script": script if followup.kind == Kind.CALL else None,
        "kind_label": Kind(followup.kind).label,
        "url": draft.get_absolute_url()
        if draft
        else reverse("drafts:for_followup", args=[followup.pk]),
    }
