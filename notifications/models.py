"""Notification channels (Apprise URLs) and the delivery of each reminder to each of them.

A reminder reaches the person by email (followups.dispatch) and, once per target, by each
notification channel they have turned on and each browser subscribed to push: one Delivery row
per (follow-up, target, due time), claimed and recorded under the same lease rules as the email
(notifications.dispatch). A morning digest (followups.digest) reaches them the same way, one
Delivery row per (digest, target).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from django.views.decorators.debug import sensitive_variables

from core.leases import Claimable
from core.owned import LEASE_FIELDS, OwnedModel
from notifications import channel_urls, crypto

# The purpose channel URLs are encrypted under (notifications.crypto derives a key per purpose).
URL_PURPOSE = "notifications.channel-url"


class Channel(OwnedModel):
    """One place of the person's that receives reminders, given as an Apprise URL.

    The URL is a secret: stored encrypted (url_encrypted), never shown back. Pages show the
    label, the service and url_masked, all fixed when the URL is saved.
    """

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="channels"
    )
    label = models.CharField(_("label"), max_length=60)
    url_encrypted = models.TextField(editable=False)
    url_masked = models.CharField(max_length=40, editable=False)
    service = models.CharField(_("service"), max_length=40, editable=False)
    enabled = models.BooleanField(_("on"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("notification channel")
        verbose_name_plural = _("notification channels")
        ordering = ["created_at", "id"]
        indexes = [
            # notifications.targets.enabled_targets, once per dispatch batch: the channels
            # turned on of the batch's owners (owner_id IN (…) AND enabled).
            models.Index(fields=["owner", "enabled"], name="channel_owner_enabled_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.label} ({self.url_masked})"

    @sensitive_variables("url")
    def set_url(self, url: str) -> list[str]:
        """Store a new URL (channel_urls.Refused if it is not one Seuranta accepts).

        Returns the names of the fields it set, for save(update_fields=…).
        """
        checked = channel_urls.check(url)
        self.url_encrypted = crypto.encrypt(url, purpose=URL_PURPOSE)
        self.url_masked = checked.masked
        self.service = checked.service
        return ["url_encrypted", "url_masked", "service"]

    def read_url(self) -> str:
        """The URL in clear, to send with; crypto.Unreadable if the key it was stored with is
        gone. Never put it in a template, a log line or an exception."""
        return crypto.decrypt(self.url_encrypted, purpose=URL_PURPOSE)

    @property
    def needs_reentering(self) -> bool:
        """Whether the stored URL cannot be read any more (the secret key changed)."""
        try:
            self.read_url()
        except crypto.Unreadable:
            return True
        return False


class DeliveryState(models.TextChoices):
    PENDING = "pending", pgettext_lazy("a channel's delivery", "Waiting")
    SENT = "sent", pgettext_lazy("a channel's delivery", "Delivered")
    FAILED = "failed", pgettext_lazy("a channel's delivery", "Not delivered")
    # Never sent, and never will be: the channel was turned off, or the follow-up was closed
    # or moved before its turn came.
    SKIPPED = "skipped", pgettext_lazy("a channel's delivery", "Not sent")


class DeliveryError(models.TextChoices):
    """Why a channel did not take a message, as a code: Apprise's own words name the URL."""

    HTTP = "http", _("The channel answered with an error.")
    CONNECT = "connect", _("Could not connect to the channel.")
    TIMEOUT = "timeout", _("The channel did not answer in time.")
    REFUSED = "refused", _("The channel did not accept the message.")
    UNREADABLE = "unreadable", _("The channel's URL can no longer be read; enter it again.")
    ADDRESS = (
        "address",
        _(
            "The channel's server is not at a public address (it is this server, a private "
            "network or a reserved one); Seuranta sends only to public addresses."
        ),
    )
    OVERRIDES = (
        "overrides",
        _(
            "The channel's URL sets headers, the method or body fields; "
            "enter it again without them."
        ),
    )


class Delivery(OwnedModel, Claimable):
    """One reminder, or one morning digest, to one target (a channel or a browser).

    A reminder's row is created when the follow-up's reminder is dispatched; due_at is the
    follow-up's due time the reminder was for: a snoozed or rescheduled follow-up is a new
    reminder (its email goes again too), so it gets a delivery of its own, while the retries of
    one reminder find the row they made the first time. A digest's row is created when its
    email is recorded sent (followups.digest), with no due_at.
    """

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="deliveries"
    )
    # What is sent: one of the two (delivery_is_about_one).
    followup = models.ForeignKey(
        "followups.Followup",
        on_delete=models.CASCADE,
        related_name="deliveries",
        null=True,
        blank=True,
    )
    digest = models.ForeignKey(
        "followups.Digest",
        on_delete=models.CASCADE,
        related_name="deliveries",
        null=True,
        blank=True,
    )
    # The target: one of the two (delivery_has_a_target). A browser that unsubscribes, or whose
    # push service says it is gone, takes its deliveries with it.
    channel = models.ForeignKey(
        Channel, on_delete=models.CASCADE, related_name="deliveries", null=True, blank=True
    )
    subscription = models.ForeignKey(
        "webpush.PushSubscription",
        on_delete=models.CASCADE,
        related_name="deliveries",
        null=True,
        blank=True,
    )
    due_at = models.DateTimeField(null=True, blank=True)
    state = models.CharField(
        max_length=10, choices=DeliveryState.choices, default=DeliveryState.PENDING
    )
    error = models.CharField(max_length=12, choices=DeliveryError.choices, blank=True)
    # The HTTP status of an error answer.
    error_status = models.PositiveSmallIntegerField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    unshown_fields = LEASE_FIELDS

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        indexes = [
            # The channel pass's claim (notifications.dispatch._claimable through
            # core.leases.claim): state = pending AND next_attempt_at <= now ORDER BY
            # next_attempt_at, id LIMIT n; id in the index so the rows come out in that order
            # and the scan stops at the LIMIT. Partial, so that a pass with nothing to do, for an
            # instance whose people have no channels at all, reads an empty index.
            models.Index(
                fields=["next_attempt_at", "id"],
                condition=Q(state="pending"),
                name="delivery_dispatch_idx",
            ),
        ]
        constraints = [
            # Exactly once per channel: the dispatch pass inserts a follow-up's deliveries each
            # time it handles the row (a retry of the email, a pass taking over a dead worker's
            # claim) and this makes every insert after the first a no-op. Its leading column
            # also serves the follow-up page's and Today's look-ups by follow-up.
            models.UniqueConstraint(
                fields=["followup", "channel", "due_at"],
                condition=Q(channel__isnull=False),
                name="delivery_once_per_channel",
            ),
            models.UniqueConstraint(
                fields=["followup", "subscription", "due_at"],
                condition=Q(subscription__isnull=False),
                name="delivery_once_per_subscription",
            ),
            # A digest's deliveries are made in the transaction that records it sent, which
            # only one pass can do; these keep it once per target all the same.
            models.UniqueConstraint(
                fields=["digest", "channel"],
                condition=Q(digest__isnull=False, channel__isnull=False),
                name="digest_delivery_once_per_channel",
            ),
            models.UniqueConstraint(
                fields=["digest", "subscription"],
                condition=Q(digest__isnull=False, subscription__isnull=False),
                name="digest_delivery_once_per_subscription",
            ),
            models.CheckConstraint(
                condition=Q(channel__isnull=False, subscription__isnull=True)
                | Q(channel__isnull=True, subscription__isnull=False),
                name="delivery_has_a_target",
            ),
            models.CheckConstraint(
                condition=Q(followup__isnull=False, digest__isnull=True, due_at__isnull=False)
                | Q(followup__isnull=True, digest__isnull=False),
                name="delivery_is_about_one",
            ),
        ]

    def __str__(self) -> str:
        about = f"digest {self.digest_id}" if self.digest_id else f"follow-up {self.followup_id}"
        return f"{about} → {self.target_label}: {self.state}"

    @property
    def target_label(self) -> str:
        """The channel's label, or the browser's ("Firefox on Android")."""
        if self.channel_id:
            return self.channel.label
        if self.subscription_id:
            return self.subscription.label
        return ""

    @property
    def error_text(self) -> str:
        return describe_error(self.error, self.error_status)


def describe_error(code: str, status: int | None = None) -> str:
    """Why a channel did not take a message, in the active language, without the URL."""
    if not code:
        return ""
    if code == DeliveryError.HTTP and status:
        return gettext("The channel answered with an error (HTTP %(status)s).") % {"status": status}
    return str(DeliveryError(code).label)
