"""The "Save to Seuranta" bookmarklet: bookmarklet.js as a javascript: link to this server.

The source stays readable in bookmarklet.js; here its comment lines go, its lines are joined,
the spaces around punctuation go (bookmarklet.js has no string in which such a space matters),
the address of this server's capture endpoint goes in as a JSON string, and the result is
percent-encoded as a URL must be (a "%" or "#" in the code would otherwise be read as an escape
or a fragment). The template escapes it once more for the href attribute, as any value.
"""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path
from urllib.parse import quote

SOURCE = Path(__file__).with_name("bookmarklet.js")
# Characters that may stay as they are in the link: easier to read when a person copies it.
SAFE = "()[]{};:,.=!&|+-*/'<>?_$"


@functools.cache
def _code() -> str:
    lines = (line.strip() for line in SOURCE.read_text(encoding="utf-8").splitlines())
    code = " ".join(line for line in lines if line and not line.startswith("//"))
    return re.sub(r"\s*([=(){};,|&<>?:+!])\s*", r"\1", code)


def bookmarklet_code(endpoint: str) -> str:
    """The script, for the endpoint (an absolute URL)."""
    return _code().replace("ENDPOINT", json.dumps(endpoint), 1)


def bookmarklet_href(endpoint: str) -> str:
    return "javascript:" + quote(bookmarklet_code(endpoint), safe=SAFE)
