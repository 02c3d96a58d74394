"""The preferences page with browsers listed is valid HTML (the W3C Nu checker)."""

import json
import subprocess

import pytest
from django.urls import reverse

from tests.services import require_vnu
from webpush.services import push_subscription_save

pytestmark = pytest.mark.django_db


def test_the_preferences_page_with_notified_browsers_has_no_html_errors(
    alice, alice_client, browser_keys, vapid_settings, tmp_path
):
    for number, agent in enumerate(["Firefox/133.0 Android", "Chrome/131.0 Windows"]):
        push_subscription_save(
            owner=alice,
            endpoint=f"http://127.0.0.1:9/push/{number}",
            p256dh=browser_keys.p256dh,
            auth=browser_keys.auth,
            user_agent=agent,
        )
    page = tmp_path / "preferences.html"
    page.write_text(alice_client.get(reverse("preferences")).content.decode(), encoding="utf-8")
    result = subprocess.run(
        [*require_vnu(), "--errors-only", "--format", "json", "--exit-zero-always", str(page)],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    messages = json.loads(result.stderr or result.stdout)["messages"]
    errors = [m for m in messages if m.get("type") == "error"]
    assert errors == []
