"""Every write to browser subscriptions."""

import binascii

from cryptography.hazmat.primitives.asymmetric import ec
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.owned import renew_versions
from webpush.endpoints import check_endpoint
from webpush.keys import b64url_decode
from webpush.models import PushSubscription

# Phones, laptops, a work computer, with room for browsers that were reset: more than this is
# someone filling the table, and every reminder is sent to each.
MAX_BROWSERS_PER_PERSON = 10


def _check_keys(p256dh: str, auth: str) -> None:
    """The browser's keys must be what RFC 8291 encrypts to, or every push would fail later."""
    invalid = ValidationError(_("This browser sent keys that cannot be used."), code="keys")
    if not isinstance(p256dh, str) or not isinstance(auth, str) or len(p256dh) > 100:
        raise invalid
    try:
        point = b64url_decode(p256dh)
        secret = b64url_decode(auth)
        ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), point)
    except (binascii.Error, ValueError):
        raise invalid from None
    if len(point) != 65 or len(secret) != 16:
        raise invalid


@transaction.atomic
def push_subscription_save(
    *, owner, endpoint: str, p256dh: str, auth: str, user_agent: str = ""
) -> PushSubscription:
    """Remember that this browser wants the owner's reminders (again, or newly).

    The browser's own keys change when it subscribes anew; the same endpoint with new keys
    updates the row. An endpoint another person had subscribed is now this person's: one
    browser, one person (see the model's constraint). ValidationError when the endpoint or the
    keys are not usable, or when the person already has MAX_BROWSERS_PER_PERSON others.
    """
    check_endpoint(endpoint)
    _check_keys(p256dh, auth)
    values = {"p256dh": p256dh, "auth": auth, "user_agent": user_agent[:300]}
    existing = PushSubscription.objects.select_for_update().filter(endpoint=endpoint).first()
    if existing is None or existing.owner_id != owner.pk:
        # Locks the person's row, so two subscribes at once cannot both pass the count.
        get_user_model().objects.select_for_update().filter(pk=owner.pk).get()
        if PushSubscription.objects.filter(owner=owner).count() >= MAX_BROWSERS_PER_PERSON:
            raise ValidationError(
                _("You have %(count)d browsers notified already: remove one first."),
                code="too_many",
                params={"count": MAX_BROWSERS_PER_PERSON},
            )
    if existing is None:
        subscription = PushSubscription.objects.create(owner=owner, endpoint=endpoint, **values)
    else:
        previous_owner = existing.owner_id
        for name, value in {"owner": owner, **values}.items():
            setattr(existing, name, value)
        existing.save()
        subscription = existing
        if previous_owner != owner.pk:
            # The save renewed the new owner's version (core.owned); the one it left, here.
            renew_versions([previous_owner])
    return subscription


@transaction.atomic
def push_subscription_remove(*, subscription: PushSubscription) -> None:
    """Forget a browser: the person removed it, or its push service says it is gone."""
    PushSubscription.objects.filter(pk=subscription.pk).delete()


@transaction.atomic
def push_subscription_remove_endpoint(*, owner, endpoint: str) -> bool:
    """ "Stop notifying this browser": the browser knows its endpoint, not our row's id.
    Only the owner's own row; whether there was one."""
    deleted, _rows = PushSubscription.objects.filter(owner=owner, endpoint=endpoint).delete()
    return bool(deleted)


def push_subscription_record_success(*, subscription: PushSubscription) -> None:
    """The push service took a message for this browser. Bookkeeping shown only on the
    preferences page, which no fragment cache holds: an unshown field (core.owned), so the
    write leaves the person's cached pages alone at each reminder."""
    now = timezone.now()
    PushSubscription.objects.filter(pk=subscription.pk).update(last_success_at=now)
    subscription.last_success_at = now
