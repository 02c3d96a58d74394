"""Text a person typed (or a page gave) on its way into one-line places: email subjects,
notification titles, file names, calendar properties.

One helper for all of them, so that a rule added here (as bidi controls were) holds everywhere.
"""

import re

# Unicode's bidirectional formatting characters (Bidi_Control). A right-to-left override (U+202E)
# in a company name turns the rest of an email subject, a file name or a calendar entry around
# ("cv<RLO>fdp.exe" reads "cvexe.pdf"); an isolate left open does the same to what follows it.
_BIDI_CONTROLS = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
# Runs of whitespace and control characters (C0, DEL, C1, line and paragraph separators).
_BREAKS = re.compile(r"[\s\x00-\x1f\x7f-\x9f\u2028\u2029]+")


def without_bidi(text: str) -> str:
    """The text with its bidirectional formatting characters removed."""
    return _BIDI_CONTROLS.sub("", text)


def one_line(text: str | None) -> str:
    """One line: every run of whitespace and control characters one space, no bidi controls."""
    return _BREAKS.sub(" ", without_bidi(text or "")).strip()
