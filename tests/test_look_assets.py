"""The web app's shell (issue 12): the manifest and icons, the service worker at the site's root,
the colour modes' generated CSS, and a colour and icon for each follow-up kind."""

import json
import re
import subprocess
import sys
from pathlib import Path

from django.urls import reverse

from followups.models import Kind

ROOT = Path(__file__).resolve().parent.parent
STATIC = ROOT / "static"


def test_the_service_worker_is_served_at_the_root_to_anyone_and_never_cached(client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Service-Worker-Allowed"] == "/"
    assert "no-cache" in response["Cache-Control"]
    assert b"seuranta-shell" in response.content


def test_the_service_worker_keeps_only_hashed_static_files():
    """Pages and API answers hold a person's data: the worker passes them to the network."""
    source = (STATIC / "js" / "sw.js").read_text()
    assert "indexOf(STATIC) === 0" in source
    assert 'request.method !== "GET"' in source


def test_pages_link_the_manifest_and_register_the_worker(alice_client):
    html = alice_client.get(reverse("applications:dashboard")).content.decode()
    assert re.search(r'<link rel="manifest" href="/static/manifest\.webmanifest">', html)
    assert 'data-worker="/sw.js"' in html
    assert 'class="bottom-bar"' in html


def test_the_manifest_names_icons_that_exist():
    manifest = json.loads((STATIC / "manifest.webmanifest").read_text())
    assert manifest["display"] == "standalone"
    sizes = {icon["sizes"] for icon in manifest["icons"]}
    assert {"192x192", "512x512", "any"} <= sizes
    for icon in manifest["icons"]:
        assert (STATIC / icon["src"]).exists(), icon["src"]


def test_the_system_dark_css_is_generated_from_the_current_sources():
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "build_system_dark.py"), "--check"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr


def test_every_follow_up_kind_has_a_colour_and_an_icon():
    css = (STATIC / "css" / "design.css").read_text()
    for kind in [*Kind.values, "check_in"]:
        assert re.search(
            rf"\[data-kind={kind}\] {{ --sa-kind-color: [^;]+; --sa-kind-glyph:", css
        ), kind
