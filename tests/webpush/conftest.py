# The stand-in push service and the browser's keys, shared with tests/e2e/test_web_push.py.
from tests.webpush.standin import browser_keys, push_service, subscription, vapid_settings

__all__ = ["browser_keys", "push_service", "subscription", "vapid_settings"]
