"""What a posting page says about the job, read from schema.org JobPosting data.

In order, the first that has a JobPosting wins:
1. JSON-LD (<script type="application/ld+json">): one object, a list, an @graph, or a posting
   nested in another object (an ItemList's items, a WebPage's mainEntity); references by @id are
   followed. A block that is not valid JSON is skipped and said so.
2. Microdata, then RDFa (read by extruct).
3. The page's Open Graph tags and <title>: the position (and a summary) only.

The bookmarklet sends the JSON-LD blocks and the link-preview tags of the page the person has
open; they go through the same reading (posting_from_parts), so both paths fill the form alike.
Nothing here touches the network or the database.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import extruct
import lxml.html
from django.utils.translation import gettext as _

from applications.models import SHORT_MAX
from applications.postings.fields import (
    NoPosting,
    Posting,
    read_posting,
    set_description,
    short_text,
)
from applications.postings.schema import find_postings, parse_jsonld

# Sizes of what the bookmarklet may send; the view refuses larger values before reading them.
MAX_JSONLD_BLOCKS = 20
MAX_JSONLD_CHARS = 1_000_000

__all__ = ["MAX_JSONLD_CHARS", "NoPosting", "Posting", "posting_from_html", "posting_from_parts"]


def _pick(found: list[dict], by_id: dict[str, dict], posting: Posting, notes: list[str]) -> bool:
    if not found:
        return False
    read_posting(found[0], by_id, posting)
    titles = {
        (short_text(str(node.get("title") or "")), str(node.get("@id") or "")) for node in found
    }
    if len(titles) > 1:
        notes.append(
            _(
                "The page has %(count)s job postings; the first, “%(title)s”, was filled in. "
                "Open the posting's own page to capture another one."
            )
            % {"count": len(titles), "title": posting.position}
        )
    return True


def _meta(tree) -> dict[str, str]:
    """Open Graph and description <meta> tags: the first of each name."""
    values: dict[str, str] = {}
    for element in tree.iter("meta"):
        name = (element.get("property") or element.get("name") or "").strip().lower()
        content = element.get("content")
        if name and content and name not in values:
            values[name] = content
    return values


def _fallback(title: str, meta: dict[str, str], posting: Posting) -> None:
    """Only a title and a summary: better than nothing, and said so."""
    posting.position = short_text(meta.get("og:title") or title)
    if not posting.position:
        raise NoPosting
    summary = meta.get("og:description") or meta.get("description") or ""
    if summary:
        set_description(summary, posting)
    posting.notes.append(
        _(
            "The page has no job posting data (schema.org JobPosting): only its title and "
            "summary were filled in. Check the position and fill in the rest."
        )
    )


def _source(url: str, meta: dict[str, str]) -> str:
    site = short_text(meta.get("og:site_name", ""))
    if site:
        return site
    host = (urlsplit(url).hostname or "").removeprefix("www.")
    return host[:SHORT_MAX]


def _finish(posting: Posting, url: str, meta: dict[str, str], notes: list[str]) -> Posting:
    posting.posting_url = url[:500]
    posting.source = _source(url, meta)
    posting.notes = notes + posting.notes
    return posting


def posting_from_html(html: str, url: str) -> Posting:
    """The posting on a fetched page; NoPosting when the page says nothing of a job."""
    posting = Posting()
    notes: list[str] = []
    try:
        tree = lxml.html.fromstring(html or "<html></html>")
    except (lxml.etree.ParserError, ValueError):
        raise NoPosting from None
    scripts = [
        script.text_content()
        for script in tree.iter("script")
        if (script.get("type") or "").strip().lower() == "application/ld+json"
    ]
    meta = _meta(tree)
    found, by_id = find_postings(parse_jsonld(scripts, notes))
    if not _pick(found, by_id, posting, notes):
        for syntax in ("microdata", "rdfa"):
            try:
                # The text, not the tree: extruct's RDFa reader parses its own document.
                data = extruct.extract(
                    html, base_url=url, syntaxes=[syntax], uniform=True, errors="ignore"
                )
            except Exception:
                continue
            found, by_id = find_postings(data.get(syntax, []))
            if _pick(found, by_id, posting, notes):
                break
        else:
            title = tree.findtext(".//title") or ""
            _fallback(title, meta, posting)
    return _finish(posting, url, meta, notes)


def posting_from_parts(
    *, url: str, title: str, jsonld: list[str], meta: dict[str, str], selection: str = ""
) -> Posting:
    """The posting from what the bookmarklet read in the person's browser; nothing fetched.

    `selection` is text the person had selected on the page: their own choice of description
    when the posting data has none.
    """
    posting = Posting()
    notes: list[str] = []
    meta = {str(k).lower(): str(v) for k, v in meta.items() if isinstance(v, str)}
    found, by_id = find_postings(parse_jsonld(jsonld[:MAX_JSONLD_BLOCKS], notes))
    if not _pick(found, by_id, posting, notes):
        try:
            _fallback(title, meta, posting)
        except NoPosting:
            # The person chose this page: keep its address, and let them type the rest.
            notes.append(_("Nothing on the page says what the job is: fill in the form."))
        if selection.strip():
            posting.description = ""  # their own selection beats the page's summary
    if selection.strip() and not posting.description:
        set_description(selection, posting)
    return _finish(posting, url, meta, notes)
