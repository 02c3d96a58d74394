"""`{% drafts_for application %}` / `{% drafts_for application interview %}`: the drafts panel.

Drafts draw their own panel on the pages of the apps below them (an application, an interview),
so those pages need not import draft queries. One query, whatever the number of drafts.
"""

from django import template

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
