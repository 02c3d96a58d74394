"""JSON a stranger sent is read one way: too deeply nested is malformed, never a crash."""

import re
from pathlib import Path

import pytest
from django.conf import settings

from core import untrusted_json


def test_json_nested_thousands_deep_is_a_value_error():
    with pytest.raises(ValueError, match="nested too deeply"):
        untrusted_json.loads("[" * 100_000 + "]" * 100_000)


def test_plain_json_reads_as_the_standard_library_reads_it():
    assert untrusted_json.loads(b'{"a": [1, 2.5, null]}') == {"a": [1, 2.5, None]}
    with pytest.raises(ValueError):
        untrusted_json.loads("{not json")


def test_the_application_parses_json_only_here_or_where_recursion_is_caught():
    """A new json.loads on a request body would bring the 500 back: it must come through here."""
    root = Path(settings.BASE_DIR)
    allowed = {"core/untrusted_json.py", "exports/json_import.py"}
    found = {
        str(path.relative_to(root))
        for path in root.glob("*/**/*.py")
        if path.parts[len(root.parts)] not in {"tests", "bench", ".venv", "var", "scripts"}
        and "migrations" not in path.parts
        and re.search(r"\bjson\.loads?\(", path.read_text(encoding="utf-8"))
    }
    assert found <= allowed, sorted(found - allowed)
