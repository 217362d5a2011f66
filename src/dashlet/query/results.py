"""Query results: typed columns, JSON-safe rows, and the bytes form the cache and the web share.

Rows are made JSON-safe once, when they are fetched (Decimal -> float, date/datetime/time ->
ISO text, bytes -> UTF-8 text or base64, anything unknown -> text), so a cached result and a
fresh one serialize the same way. A column's type comes from its first non-null value.
"""

from __future__ import annotations

import base64
import datetime as dt
import math
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import orjson

COLUMN_TYPES = ("string", "integer", "number", "boolean", "date", "datetime", "null")

# orjson refuses integers wider than 64 bits; wider ones travel as text.
_INT64 = range(-(2**63), 2**63)


@dataclass(frozen=True)
class Column:
    """One result column: its name and one of ``COLUMN_TYPES``."""

    name: str
    type: str


@dataclass(frozen=True)
class Table:
    """What a data source answered: typed columns, JSON-safe rows, and whether rows were cut."""

    columns: tuple[Column, ...]
    rows: list[list[Any]]
    truncated: bool


@dataclass(frozen=True)
class Result:
    """A chart's data as served: rows plus whether it came from the cache and how long it took."""

    columns: tuple[Column, ...]
    rows: list[list[Any]]
    cached: bool
    duration_ms: float
    truncated: bool
    computed_at: dt.datetime

    def to_json_bytes(self) -> bytes:
        """The SPEC's chart-data answer (plus ``truncated`` and ``computed_at``) as JSON bytes."""
        return orjson.dumps(
            {
                "columns": [{"name": c.name, "type": c.type} for c in self.columns],
                "rows": self.rows,
                "cached": self.cached,
                "duration_ms": round(self.duration_ms, 3),
                "truncated": self.truncated,
                "computed_at": self.computed_at,
            },
            option=orjson.OPT_UTC_Z,
        )

    @classmethod
    def from_json_bytes(cls, payload: bytes, *, cached: bool, duration_ms: float) -> Result:
        """Rebuild a result from ``to_json_bytes`` output, as served now."""
        body = orjson.loads(payload)
        return cls(
            columns=tuple(Column(c["name"], c["type"]) for c in body["columns"]),
            rows=body["rows"],
            cached=cached,
            duration_ms=duration_ms,
            truncated=body["truncated"],
            computed_at=dt.datetime.fromisoformat(body["computed_at"]),
        )


def tabulate(names: Sequence[str], rows: Iterable[Sequence[Any]], *, truncated: bool) -> Table:
    """Type the columns from their first non-null values and make every value JSON-safe."""
    raw = [tuple(row) for row in rows]
    columns = tuple(
        Column(str(name), _column_type(row[index] for row in raw))
        for index, name in enumerate(names)
    )
    return Table(columns, [[json_safe(value) for value in row] for row in raw], truncated)


def _column_type(values: Iterable[Any]) -> str:
    for value in values:
        if value is not None:
            return _value_type(value)
    return "null"


def _value_type(value: Any) -> str:
    # bool before int and datetime before date: each is a subclass of the other.
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float | Decimal | dt.timedelta):
        return "number"
    if isinstance(value, dt.datetime):
        return "datetime"
    if isinstance(value, dt.date):
        return "date"
    return "string"


def json_safe(value: Any) -> Any:
    """``value`` as something orjson encodes the same way on every backend."""
    kind = type(value)
    if kind is str or kind is bool or value is None:
        return value
    if kind is int:
        return value if value in _INT64 else str(value)
    if kind is float:
        return value if math.isfinite(value) else None
    convert = _CONVERTERS.get(kind)
    if convert is not None:
        return convert(value)
    return _convert_subclass(value)


def _decimal(value: Decimal) -> float | None:
    return float(value) if value.is_finite() else None


def _bytes(value: bytes | bytearray | memoryview) -> str:
    data = bytes(value)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return base64.b64encode(data).decode("ascii")


def _timedelta(value: dt.timedelta) -> float:
    return value.total_seconds()


def _isoformat(value: dt.date | dt.time) -> str:
    return value.isoformat()


def _sequence(value: list[Any] | tuple[Any, ...]) -> list[Any]:
    return [json_safe(item) for item in value]


def _mapping(value: dict[Any, Any]) -> dict[str, Any]:
    return {str(key): json_safe(item) for key, item in value.items()}


_CONVERTERS: dict[type, Callable[[Any], Any]] = {
    Decimal: _decimal,
    dt.datetime: _isoformat,
    dt.date: _isoformat,
    dt.time: _isoformat,
    dt.timedelta: _timedelta,
    bytes: _bytes,
    bytearray: _bytes,
    memoryview: _bytes,
    uuid.UUID: str,
    list: _sequence,
    tuple: _sequence,
    dict: _mapping,
}


def _convert_subclass(value: Any) -> Any:
    # Drivers return subclasses now and then (pendulum datetimes, IntEnum, numpy scalars).
    if isinstance(value, bool):
        return bool(value)
    if isinstance(value, int):
        return json_safe(int(value))
    if isinstance(value, float):
        return json_safe(float(value))
    for kind, convert in _CONVERTERS.items():
        if isinstance(value, kind):
            return convert(value)
    return str(value)
