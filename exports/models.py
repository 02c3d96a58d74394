import secrets

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from applications.models import OwnedQuerySet

TOKEN_BYTES = 32


def new_feed_token() -> str:
    # 256 bits: the token is the only thing guarding the feed, which calendar apps fetch
    # without a session.
    return secrets.token_urlsafe(TOKEN_BYTES)


class CalendarFeed(models.Model):
    """A user's private calendar subscription URL.

    One row per user at most. Revoking deletes the row; regenerating replaces the token, so the
    old URL stops working at once.
    """

    owner = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    # The feed view looks rows up by token alone; unique gives the index it needs.
    token = models.CharField(max_length=64, unique=True, default=new_feed_token)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_fetched_at = models.DateTimeField(_("last fetched at"), null=True, blank=True)

    objects = OwnedQuerySet.as_manager()

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self) -> str:
        return f"{self.owner}"

    def get_absolute_url(self) -> str:
        return reverse("exports:calendar_feed_ics", args=[self.token])
