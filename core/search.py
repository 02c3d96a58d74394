"""Search that ignores case and accents ("wartsila" finds Wärtsilä), on SQLite and PostgreSQL.

The text and the term are folded alike: accents dropped, case folded. A function in the query,
not a stored copy of the text: a copy would have to be kept in step by every path that writes an
application (forms, both imports, the admin, bulk restores), and a missed one would hide rows
from search. PostgreSQL's unaccent() would need an extension (a migration and a privilege that a
managed database may not grant), so PostgreSQL gets translate() with the table below, built from
the same folding as Python's; SQLite gets the Python function itself (registered on each
connection by applications.apps). Both fold every accented Latin letter the same way.
"""

from __future__ import annotations

import unicodedata

from django.db.models import CharField, Func, Q, QuerySet, Value
from django.db.models.functions import Concat

SQLITE_FUNCTION = "seuranta_fold"


def fold(text: str | None) -> str:
    """Without accents and in folded case: "Wärtsilä Oyj" → "wartsila oyj"."""
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def _translate_table() -> tuple[str, str]:
    """Each accented Latin letter (either case) and the one ASCII letter it folds to."""
    source, target = [], []
    for code in range(0xC0, 0x250):
        char = chr(code)
        folded = fold(char)
        if len(folded) == 1 and folded.isascii() and folded != char:
            source.append(char)
            target.append(folded)
    return "".join(source), "".join(target)


_FROM, _TO = _translate_table()


class Folded(Func):
    """fold() in the database: SQL of the same result on SQLite and PostgreSQL."""

    output_field = CharField()
    arity = 1

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, function=SQLITE_FUNCTION, **extra)

    def as_postgresql(self, compiler, connection, **extra):
        # Accents first (the table maps capitals too), then lower() for the rest.
        sql, params = compiler.compile(self.source_expressions[0])
        return f"LOWER(TRANSLATE({sql}, %s, %s))", (*params, _FROM, _TO)


def register_sqlite_function(sender, connection, **kwargs) -> None:
    """connection_created receiver: fold() as an SQL function of each SQLite connection."""
    if connection.vendor == "sqlite":
        connection.connection.create_function(SQLITE_FUNCTION, 1, fold, deterministic=True)


def search(queryset: QuerySet, term: str, fields: tuple[str, ...]) -> QuerySet:
    """The rows where any of the fields contains the term, ignoring case and accents."""
    words = fold(term).split()
    if not words:
        return queryset
    # One folded text per row (the fields joined by a line break, which no term holds): one
    # function call a row instead of one a field, and every word must be found somewhere.
    parts = []
    for field in fields:
        parts += [field, Value("\n")]
    text = Folded(Concat(*parts[:-1], output_field=CharField()))
    condition = Q()
    for word in words:
        condition &= Q(_search_text__contains=word)
    return queryset.alias(_search_text=text).filter(condition)
