"""Imports run downward: applications is below follow-ups and drafts, and never imports them.

The one arrow upward is the services' sync (applications.services keeps an application's
follow-ups in step with it). Follow-ups and drafts draw their own panels on applications' pages
through their template tags (followups_tags, drafts_tags).
"""

import ast
from pathlib import Path

from django.conf import settings

ALLOWED_UPWARD = {("applications/services.py", "followups.services")}


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_applications_imports_neither_followups_nor_drafts_but_for_the_sync():
    root = Path(settings.BASE_DIR)
    upward = {
        (str(path.relative_to(root)), module)
        for path in (root / "applications").rglob("*.py")
        if "migrations" not in path.parts
        for module in imported_modules(path)
        if module.split(".")[0] in {"followups", "drafts"}
    }
    assert upward == ALLOWED_UPWARD
