"""CSV import of applications: read any spreadsheet's CSV, map its columns, check, then import.

The steps (the views keep the decoded text in the session between them):
1. `read_upload`: size limit, encoding (UTF-8 with or without BOM, else cp1252, else latin-1),
   delimiter (comma, semicolon or tab: csv.Sniffer, else the most frequent in the first line),
   row limit.
2. `guess_mapping`: a file column for each target field, by header name in English or Finnish.
3. `check_rows`: every row converted and validated; each problem with its row and column.
4. `import_rows`: all or nothing, through application_create so each application gets its
   timeline and follow-ups like one made in the browser. Rows matching an application already in
   the account (company + position + date applied) are skipped, so a second import of the same
   file adds nothing.

Row numbers are those a spreadsheet shows: row 1 is the headers, row 2 the first application.
"""

from __future__ import annotations

import csv

from django.utils.translation import gettext as _

# One module per step; every public name is re-exported here.
from exports.csv_import.mapping import (
    AMOUNT_FIELDS,
    CURRENCY_FIELDS,
    DATE_FIELDS,
    PERIOD_FIELDS,
    TARGET_KEYS,
    TARGETS,
    Target,
    guess_mapping,
)
from exports.csv_import.reading import (
    DELIMITERS,
    Upload,
    UploadRefused,
    decode,
    read_table,
    sniff_delimiter,
)
from exports.csv_import.rows import CheckedRow, CheckResult, check_rows, import_rows
from exports.csv_import.values import (
    CURRENCY_SIGNS,
    DATE_FORMATS,
    DAY_FIRST,
    MONTH_FIRST,
    PERIOD_WORDS,
    STATUS_WORDS,
    parse_amount,
    parse_currency,
    parse_date,
    parse_employment_type,
    parse_period,
    parse_status,
    slash_date_order,
)

__all__ = [
    "AMOUNT_FIELDS",
    "CURRENCY_FIELDS",
    "CURRENCY_SIGNS",
    "DATE_FIELDS",
    "DATE_FORMATS",
    "DAY_FIRST",
    "DELIMITERS",
    "MAX_BYTES",
    "MAX_CELL_CHARS",
    "MAX_COLUMNS",
    "MAX_ROWS",
    "MONTH_FIRST",
    "PERIOD_FIELDS",
    "PERIOD_WORDS",
    "STATUS_WORDS",
    "TARGETS",
    "TARGET_KEYS",
    "CheckResult",
    "CheckedRow",
    "Target",
    "Upload",
    "UploadRefused",
    "check_rows",
    "decode",
    "guess_mapping",
    "import_rows",
    "parse_amount",
    "parse_currency",
    "parse_date",
    "parse_employment_type",
    "parse_period",
    "parse_status",
    "read_table",
    "read_upload",
    "slash_date_order",
    "sniff_delimiter",
    "too_big",
]

# The limits, and the two functions that apply them, live here rather than in reading.py: the
# upload view reads csv_import.MAX_BYTES, and a test that sets csv_import.MAX_BYTES or MAX_ROWS
# must change what read_upload and too_big see.
MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5000
# Every later page shows each column in each of the mapping page's selects, and reads the file
# again: these keep every page of the flow well under a second for any file accepted. A spreadsheet
# of applications has a few dozen columns; no field holds more than 10 000 characters.
MAX_COLUMNS = 200
MAX_CELL_CHARS = 10_000


def too_big() -> UploadRefused:
    return UploadRefused(
        _("The file is too big: at most %(mb)d MB and %(rows)d rows can be imported at once.")
        % {"mb": MAX_BYTES >> 20, "rows": MAX_ROWS}
    )


def read_upload(name: str, raw: bytes) -> Upload:
    if len(raw) > MAX_BYTES:
        raise too_big()
    text, encoding = decode(raw)
    if "\x00" in text:
        raise UploadRefused(_("This does not look like a CSV file. Save it as CSV and try again."))
    delimiter = sniff_delimiter(text)
    try:
        headers, rows = read_table(text, delimiter)
    except csv.Error as error:
        raise UploadRefused(_("The file could not be read as CSV: %(e)s") % {"e": error}) from None
    if not any(headers):
        raise UploadRefused(_("The file is empty or has no header row."))
    columns = max(len(row) for row in [headers, *rows])
    if columns > MAX_COLUMNS:
        raise UploadRefused(
            _(
                "The file has %(count)d columns; at most %(max)d can be imported. Remove the "
                "columns you do not need and try again."
            )
            % {"count": columns, "max": MAX_COLUMNS}
        )
    for row_no, row in enumerate([headers, *rows], start=1):
        for column_no, cell in enumerate(row, start=1):
            if len(cell) > MAX_CELL_CHARS:
                raise UploadRefused(
                    _(
                        "Row %(row)d, column %(column)d holds %(count)d characters; a cell may "
                        "hold at most %(max)d."
                    )
                    % {
                        "row": row_no,
                        "column": column_no,
                        "count": len(cell),
                        "max": MAX_CELL_CHARS,
                    }
                )
    if len(rows) > MAX_ROWS:
        raise UploadRefused(
            _(
                "The file has %(count)d rows; at most %(rows)d can be imported at once. "
                "Split it and import each part."
            )
            % {"count": len(rows), "rows": MAX_ROWS}
        )
    return Upload(name=name, text=text, encoding=encoding, delimiter=delimiter)
