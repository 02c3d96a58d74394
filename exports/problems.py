"""What an import reports when it refuses a file: every problem, each with its row and column."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError


@dataclass(frozen=True)
class Problem:
    row: str  # a line number for CSV ("2" is the first row under the headers), a path for JSON
    column: str
    message: str


class ImportRefused(Exception):
    """Raised inside the import's transaction so that nothing it wrote is kept."""

    def __init__(self, problems: list[Problem]):
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = problems


def problems_from(error: ValidationError, row: str, columns: dict[str, str] | None = None):
    """One Problem per message of a model's ValidationError; `columns` renames fields."""
    columns = columns or {}
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            column = columns.get(field, "" if field == "__all__" else field)
            for message in errors:
                yield Problem(row=row, column=column, message=message)
    else:
        for message in error.messages:
            yield Problem(row=row, column="", message=message)
