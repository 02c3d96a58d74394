"""A posting's description as plain text: what Seuranta stores and shows (auto-escaped).

Job boards publish the description as HTML, often escaped a second time inside JSON-LD
("&lt;p&gt;"). nh3 (the Rust ammonia sanitiser) first reduces it to a handful of block tags and
drops scripts, styles and comments whatever shape the markup has; the small parser below then
only has to turn those blocks into line breaks: paragraphs and headings end with a blank line,
list items start a line of their own with a bullet.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

import nh3

from core import text as core_text

BLOCKS = {"p", "div", "section", "article", "blockquote", "pre", "table", "tr", "dl", "dt", "dd"}
HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
LISTS = {"ul", "ol"}
KEPT_TAGS = BLOCKS | HEADINGS | LISTS | {"li", "br", "hr"}
BULLET = "• "
_SPACES = re.compile(r"[ \t\r\f\v\u00a0]+")
_BLANK_LINES = re.compile(r"\n{3,}")


class _TextParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "li":
            self.parts.append("\n" + BULLET)
        elif tag in ("br", "hr"):
            self.parts.append("\n")
        elif tag in BLOCKS | HEADINGS | LISTS:
            self.parts.append("\n\n" if tag not in ("tr", "dt", "dd") else "\n")

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag):
        if tag in BLOCKS | HEADINGS | LISTS:
            self.parts.append("\n\n" if tag not in ("tr", "dt", "dd") else "\n")

    def handle_data(self, data):
        # Line breaks in HTML source are spaces; only the tags above break lines.
        self.parts.append(re.sub(r"\s+", " ", data))


def tidy(text: str) -> str:
    """Spaces collapsed in each line, at most one blank line in a row, no blank edges."""
    lines = [_SPACES.sub(" ", line).strip() for line in text.replace("\r\n", "\n").split("\n")]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def looks_like_html(value: str) -> bool:
    return bool(re.search(r"<[a-zA-Z/!][^>]*>", value))


def html_to_text(value: str) -> str:
    """The text of an HTML fragment, its blocks and list items kept as line breaks."""
    if not looks_like_html(value) and re.search(r"&lt;[a-zA-Z/]", value):
        # HTML escaped once more than it should be, as some job boards' JSON-LD has it.
        value = html.unescape(value)
    cleaned = nh3.clean(value, tags=KEPT_TAGS, attributes={}, strip_comments=True, link_rel=None)
    parser = _TextParser()
    parser.feed(cleaned)
    parser.close()
    return tidy("".join(parser.parts))


def to_text(value: str) -> str:
    """A description as plain text, whether it came as HTML or as text."""
    if looks_like_html(value) or re.search(r"&lt;[a-zA-Z/]", value):
        return html_to_text(value)
    return tidy(html.unescape(value))


def one_line(value: str) -> str:
    """A short field (company, position, place): text only, on one line, no bidi controls."""
    return core_text.one_line(to_text(value))
