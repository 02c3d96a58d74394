# The stand-in push service and the browser's keys of tests/webpush, for test_web_push.py.
from tests.webpush.standin import browser_keys, push_service, vapid_settings

__all__ = ["browser_keys", "push_service", "vapid_settings"]
