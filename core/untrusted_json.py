"""JSON that a stranger sent (a request body, a page's JSON-LD): one way to read it.

The standard library's parser recurses per nesting level, so a few kilobytes of `[[[[…` raise
RecursionError, which no caller expects and which became a 500. Here it is a ValueError like
any other malformed text, which every caller already turns into its own clear refusal.
"""

import json
from typing import Any


def loads(text: str | bytes, **options: Any) -> Any:
    """json.loads, with "nested too deeply" a ValueError (as is bad UTF-8, a UnicodeDecodeError)."""
    try:
        return json.loads(text, **options)
    except RecursionError:
        raise ValueError("JSON nested too deeply") from None
