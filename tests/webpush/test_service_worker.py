"""The service worker that shows pushes is the site's one worker, served at its root."""

import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings

STATIC = Path(settings.BASE_DIR) / "static" / "js"

pytestmark = pytest.mark.django_db


def test_the_worker_with_the_push_handlers_is_served_at_the_root_for_the_whole_site(client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/javascript; charset=utf-8"
    assert response["Service-Worker-Allowed"] == "/"
    # The worker's own fetches (none but the static shell) fall under the site's policy.
    assert "script-src 'self'" in response["Content-Security-Policy"]
    source = response.content.decode()
    assert 'addEventListener("push"' in source
    assert 'addEventListener("notificationclick"' in source


@pytest.mark.parametrize("name", ["sw.js", "push.js"])
def test_the_scripts_are_valid_javascript(name):
    node = shutil.which("node")
    if not node:
        pytest.skip("node is not installed: the syntax check needs it")
    result = subprocess.run([node, "--check", str(STATIC / name)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
