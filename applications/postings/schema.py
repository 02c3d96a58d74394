"""The shapes schema.org data comes in, made one: JSON-LD blocks, Microdata and RDFa.

JSON-LD may be one object, a list, an @graph, or a posting nested in another object (an
ItemList's items, a WebPage's mainEntity), with nodes referring to others by @id. RDFa comes from
extruct in expanded form (full property URLs, values as {"@value": …}). Here keys lose their
schema.org prefix, expanded values become plain ones, and Reader follows @id references, so
applications.postings.fields reads every source alike.
"""

from __future__ import annotations

import re
from typing import Any

import jstyleson
from django.utils.translation import gettext as _

from core import untrusted_json

SCHEMA_PREFIXES = ("http://schema.org/", "https://schema.org/", "schema:")
# Deeper than any real posting: cut there, never a RecursionError.
MAX_DEPTH = 40


def _local(key: str) -> str:
    for prefix in SCHEMA_PREFIXES:
        if key.startswith(prefix):
            return key[len(prefix) :]
    return key


def _normalized(value: Any, depth: int = 0) -> Any:
    """schema.org keys without their prefix, {"@value": x} as x (RDFa's expanded form)."""
    if depth > MAX_DEPTH:
        return None
    if isinstance(value, list):
        items = [_normalized(item, depth + 1) for item in value]
        # RDFa wraps every value in a list; a list of one inside a node is that one value.
        return items[0] if depth and len(items) == 1 else items
    if isinstance(value, dict):
        if set(value) <= {"@value", "@language", "@type"} and "@value" in value:
            return value["@value"]
        return {_local(str(key)): _normalized(item, depth + 1) for key, item in value.items()}
    return value


def _types(node: dict) -> set[str]:
    value = node.get("@type", [])
    values = value if isinstance(value, list) else [value]
    return {_local(str(v)) for v in values}


def _walk(value: Any, found: list[dict], by_id: dict[str, dict], depth: int = 0) -> None:
    """Every JobPosting in the data, in document order; every node with an @id into by_id."""
    if depth > MAX_DEPTH:
        return
    if isinstance(value, list):
        for item in value:
            _walk(item, found, by_id, depth + 1)
    elif isinstance(value, dict):
        if isinstance(value.get("@id"), str) and len(value) > 1:
            by_id.setdefault(value["@id"], value)
        if "JobPosting" in _types(value):
            found.append(value)
        for key, item in value.items():
            if key != "@type":
                _walk(item, found, by_id, depth + 1)


class Reader:
    """One JobPosting node, with @id references resolved against its document."""

    def __init__(self, node: dict, by_id: dict[str, dict]):
        self.node = node
        self.by_id = by_id

    def resolve(self, value: Any) -> Any:
        if isinstance(value, dict) and set(value) == {"@id"}:
            return self.by_id.get(value["@id"], value)
        return value

    def all(self, node: Any, key: str) -> list:
        node = self.resolve(node)
        if not isinstance(node, dict):
            return []
        value = node.get(key)
        values = value if isinstance(value, list) else [value]
        return [self.resolve(v) for v in values if v is not None and v != ""]

    def first(self, node: Any, key: str) -> Any:
        values = self.all(node, key)
        return values[0] if values else None

    def text(self, node: Any, key: str) -> str:
        value = self.first(node, key)
        if isinstance(value, dict):
            value = value.get("name") or value.get("@value") or ""
        return str(value) if isinstance(value, str | int | float) else ""


def parse_jsonld(texts: list[str], notes: list[str]) -> list[Any]:
    documents = []
    broken = 0
    for text in texts:
        if not text.strip():
            continue
        try:
            documents.append(untrusted_json.loads(text, strict=False))
        except ValueError:
            try:
                # Comments and trailing commas, which some templates leave in.
                documents.append(jstyleson.loads(re.sub(r"^\s*<!--|-->\s*$", "", text)))
            except (ValueError, TypeError, IndexError, RecursionError):
                broken += 1
        except RecursionError:
            broken += 1
    if broken:
        notes.append(
            _(
                "The page's structured data (JSON-LD) is not valid JSON; the rest of the page "
                "was read."
            )
        )
    return documents


def find_postings(documents: list[Any]) -> tuple[list[dict], dict[str, dict]]:
    found: list[dict] = []
    by_id: dict[str, dict] = {}
    for document in documents:
        _walk(_normalized(document), found, by_id)
    return found, by_id
