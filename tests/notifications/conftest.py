# The stand-in push service and a browser's keys: a subscribed browser is a delivery target.
from tests.webpush.standin import browser_keys, push_service, subscription, vapid_settings

__all__ = ["browser_keys", "push_service", "subscription", "vapid_settings"]
