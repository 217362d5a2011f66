from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

import orjson
import pytest

from dashlet.query.results import Column, Result, json_safe, tabulate


def test_columns_are_typed_from_their_first_non_null_value() -> None:
    table = tabulate(
        ["n", "x", "ok", "day", "at", "name", "empty"],
        [
            (None, None, None, None, None, None, None),
            (1, Decimal("2.5"), True, dt.date(2024, 1, 2), dt.datetime(2024, 1, 2, 3), "a", None),
        ],
        truncated=False,
    )
    assert [c.type for c in table.columns] == [
        "integer",
        "number",
        "boolean",
        "date",
        "datetime",
        "string",
        "null",
    ]


def test_no_rows_types_every_column_null() -> None:
    table = tabulate(["a"], [], truncated=False)
    assert table.columns == (Column("a", "null"),)
    assert table.rows == []


@pytest.mark.parametrize(
    ("value", "safe"),
    [
        (Decimal("1.50"), 1.5),
        (Decimal("NaN"), None),
        (float("inf"), None),
        (dt.date(2024, 2, 29), "2024-02-29"),
        (dt.datetime(2024, 2, 29, 13, 5, tzinfo=dt.UTC), "2024-02-29T13:05:00+00:00"),
        (dt.time(8, 30), "08:30:00"),
        (dt.timedelta(minutes=2), 120.0),
        (b"plain", "plain"),
        (b"\xff\x00", "/wA="),
        (uuid.UUID(int=1), "00000000-0000-0000-0000-000000000001"),
        (2**70, str(2**70)),
        ([Decimal("1"), None], [1.0, None]),
        ({"k": dt.date(2024, 1, 1)}, {"k": "2024-01-01"}),
        (object, str(object)),
    ],
)
def test_values_become_json_safe(value: object, safe: object) -> None:
    assert json_safe(value) == safe
    orjson.dumps(json_safe(value))


def test_json_bytes_have_the_chart_data_shape_and_round_trip() -> None:
    result = Result(
        columns=(Column("region", "string"), Column("revenue", "number")),
        rows=[["eu", 1.5]],
        cached=False,
        duration_ms=12.34567,
        truncated=True,
        computed_at=dt.datetime(2024, 5, 1, 12, 0, tzinfo=dt.UTC),
    )
    body = orjson.loads(result.to_json_bytes())
    assert body == {
        "columns": [{"name": "region", "type": "string"}, {"name": "revenue", "type": "number"}],
        "rows": [["eu", 1.5]],
        "cached": False,
        "duration_ms": 12.346,
        "truncated": True,
        "computed_at": "2024-05-01T12:00:00Z",
    }
    again = Result.from_json_bytes(result.to_json_bytes(), cached=True, duration_ms=0.1)
    assert (again.columns, again.rows, again.truncated) == (
        result.columns,
        result.rows,
        result.truncated,
    )
    assert again.computed_at == result.computed_at
    assert (again.cached, again.duration_ms) == (True, 0.1)
