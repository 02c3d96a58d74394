"""A browser that gets the person's reminders as notifications (the Push API).

The endpoint is the push service's URL for this one browser: whoever holds it (and, with VAPID, our
private key) can make the browser show a notification, so it is kept out of pages and log lines
(webpush.endpoints.redact). p256dh and auth are the browser's keys that each message is encrypted
to (RFC 8291).
"""

import hashlib
import re

from django.conf import settings
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.owned import OwnedModel

# Endpoints are ASCII URLs a few hundred characters long (FCM's are about 200). 2000 ASCII bytes
# stay under PostgreSQL's limit for a B-tree entry of the unique index (about 2700 bytes).
ENDPOINT_MAX_LENGTH = 2000

# (pattern in the User-Agent, name), first match wins: Edge and Opera say "Chrome" too, and
# Chrome says "Safari".
BROWSERS = [
    (r"Edg(e|A|iOS)?/", "Edge"),
    (r"OPR/|Opera", "Opera"),
    (r"SamsungBrowser/", "Samsung Internet"),
    (r"Firefox/|FxiOS/", "Firefox"),
    (r"Chrome/|CriOS/|Chromium/", "Chrome"),
    (r"Safari/", "Safari"),
]
SYSTEMS = [
    (r"Android", "Android"),
    (r"iPhone|iPad|iPod", "iOS"),
    (r"Windows", "Windows"),
    (r"Mac OS X|Macintosh", "macOS"),
    (r"CrOS", "ChromeOS"),
    (r"Linux", "Linux"),
]


def _first_match(table: list[tuple[str, str]], text: str) -> str:
    return next((name for pattern, name in table if re.search(pattern, text)), "")


class PushSubscription(OwnedModel):
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="push_subscriptions"
    )
    endpoint = models.URLField(_("endpoint"), max_length=ENDPOINT_MAX_LENGTH)
    # The browser's P-256 public key (65 bytes) and auth secret (16 bytes), base64url as the
    # browser's PushSubscription.toJSON() gives them.
    p256dh = models.CharField(max_length=100)
    auth = models.CharField(max_length=40)
    # What the browser said it was when it subscribed: the list names it from this.
    user_agent = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(_("added"), auto_now_add=True)
    last_success_at = models.DateTimeField(_("last notified"), null=True, blank=True)

    # Written by the sender after each push; shown on the preferences page, which no fragment
    # cache holds.
    unshown_fields = frozenset({"last_success_at"})

    class Meta:
        verbose_name = _("browser subscription")
        verbose_name_plural = _("browser subscriptions")
        ordering = ["created_at", "id"]
        constraints = [
            # One browser reaches one person: the same endpoint subscribed again (the same
            # browser profile, another account logged in) moves to the newer owner instead of
            # leaving the earlier one's reminders on a browser someone else now uses
            # (webpush.services.push_subscription_save looks it up by endpoint). Unique per
            # endpoint is also unique per (owner, endpoint).
            models.UniqueConstraint(fields=["endpoint"], name="webpush_one_owner_per_endpoint"),
        ]
        indexes = [
            # The preferences page's list and the sender's targets: owner = X.
            models.Index(fields=["owner", "created_at"], name="webpush_owner_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.label} of user {self.owner_id}"

    @property
    def label(self) -> str:
        """ "Firefox on Android", from the User-Agent it subscribed with."""
        browser = _first_match(BROWSERS, self.user_agent)
        system = _first_match(SYSTEMS, self.user_agent)
        if browser and system:
            return gettext("%(browser)s on %(system)s") % {"browser": browser, "system": system}
        return browser or system or gettext("A browser")

    @property
    def subscription_info(self) -> dict:
        """What pywebpush takes: the browser's PushSubscription.toJSON() without expirationTime."""
        return {"endpoint": self.endpoint, "keys": {"p256dh": self.p256dh, "auth": self.auth}}

    @property
    def endpoint_digest(self) -> str:
        """SHA-256 of the endpoint, for the page to tell which row is this browser
        (static/js/push.js hashes its own endpoint) without the endpoint in the HTML."""
        return hashlib.sha256(self.endpoint.encode()).hexdigest()
