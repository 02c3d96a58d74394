from django import template

from webpush import keys
from webpush.models import PushSubscription

register = template.Library()


@register.simple_tag(takes_context=True)
def push_browsers(context) -> list[PushSubscription]:
    """The logged-in person's notified browsers, for the preferences page's list."""
    return list(PushSubscription.objects.filter(owner=context["request"].user))


@register.simple_tag
def push_application_server_key() -> str:
    return keys.application_server_key()
