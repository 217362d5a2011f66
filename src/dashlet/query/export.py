"""Exporting a result as CSV, safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import io

from dashlet.query.results import Result

# A cell starting with one of these is a formula to Excel and LibreOffice (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: object) -> object:
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return "" if value is None else value


def result_csv(result: Result) -> bytes:
    """The columns and rows of ``result`` as UTF-8 CSV (with a BOM, so Excel reads it as UTF-8)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([_cell(column.name) for column in result.columns])
    writer.writerows([_cell(value) for value in row] for row in result.rows)
    return ("\ufeff" + buffer.getvalue()).encode()
