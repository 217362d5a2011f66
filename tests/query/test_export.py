import datetime as dt

from dashlet.query.export import result_csv
from dashlet.query.results import Column, Result


def make_result(rows: list[list[object]]) -> Result:
    return Result(
        columns=(Column("name", "string"), Column("amount", "number")),
        rows=rows,
        cached=False,
        duration_ms=1.0,
        truncated=False,
        computed_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
    )


def test_csv_has_a_header_and_one_line_per_row() -> None:
    text = result_csv(make_result([["a", 1.5], ["b, c", None]])).decode()
    assert text == '\ufeffname,amount\r\na,1.5\r\n"b, c",\r\n'


def test_cells_that_would_run_as_spreadsheet_formulas_are_defused() -> None:
    text = result_csv(make_result([["=HYPERLINK(1)", 1], ["@SUM(A1)", 2], ["-x", 3]])).decode()
    assert "'=HYPERLINK(1)" in text
    assert "'@SUM(A1)" in text
    assert "'-x" in text
