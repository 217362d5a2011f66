"""Typing variable values: JSON token claims and URL parameters become the values bound into SQL.

A value arrives as a JSON scalar or list (from an embed token's ``env``) or as a string or list of
strings (from a URL). Each variable type accepts a few exact shapes and refuses the rest with a
``VariableError`` that names the variable and the expected type, echoing at most a short preview
of the value (none for hidden variables).
"""

from __future__ import annotations

import datetime
import math
import re
from collections.abc import Callable, Mapping, Sequence

from dashlet.errors import VariableError
from dashlet.store.definitions import VariableDef

MAX_TEXT_LENGTH = 10_000
MAX_ITEMS = 1_000
_INT64_MIN, _INT64_MAX = -(2**63), 2**63 - 1
_PREVIEW = 40

_INTEGER_TEXT = re.compile(r"[+-]?[0-9]{1,30}")
_NUMBER_TEXT = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]{1,4})?")
_DATE_TEXT = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_DATETIME_TEXT = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}(?:[T ][0-9:.,]+)?(?:Z|[+-][0-9:]+)?")
_BOOLEAN_TEXT = {"true": True, "1": True, "false": False, "0": False}

_EXPECTED = {
    "string": f"text of at most {MAX_TEXT_LENGTH:,} characters without NUL characters",
    "integer": "a whole number between -2^63 and 2^63-1",
    "number": "a finite number",
    "boolean": "true or false",
    "date": "a date written YYYY-MM-DD",
    "datetime": "an ISO 8601 date and time",
}


class _Refused(ValueError):
    """Raised by a converter: the value does not fit the type."""


def _to_text(raw: object) -> str:
    if not isinstance(raw, str) or "\x00" in raw or len(raw) > MAX_TEXT_LENGTH:
        raise _Refused
    return raw


def _to_integer(raw: object) -> int:
    if isinstance(raw, bool):
        raise _Refused
    if isinstance(raw, int) or (isinstance(raw, str) and _INTEGER_TEXT.fullmatch(raw)):
        value = int(raw)
        if _INT64_MIN <= value <= _INT64_MAX:
            return value
    raise _Refused


def _to_number(raw: object) -> float:
    if isinstance(raw, bool):
        raise _Refused
    if isinstance(raw, int | float) or (
        isinstance(raw, str) and len(raw) <= 400 and _NUMBER_TEXT.fullmatch(raw)
    ):
        try:
            value = float(raw)
        except OverflowError:  # an integer beyond the float range
            raise _Refused from None
        if math.isfinite(value):
            return value
    raise _Refused


def _to_boolean(raw: object) -> bool:
    if isinstance(raw, bool):
        return raw
    value = _BOOLEAN_TEXT.get(raw.lower()) if isinstance(raw, str) else None
    if value is None:
        raise _Refused
    return value


def _to_date(raw: object) -> datetime.date:
    # A YAML default like `2024-01-31` arrives already parsed.
    if isinstance(raw, datetime.date) and not isinstance(raw, datetime.datetime):
        return raw
    if isinstance(raw, str) and _DATE_TEXT.fullmatch(raw):
        return datetime.date.fromisoformat(raw)
    raise _Refused


def _to_datetime(raw: object) -> datetime.datetime:
    if isinstance(raw, datetime.datetime):
        value = raw
    elif isinstance(raw, datetime.date):
        value = datetime.datetime.combine(raw, datetime.time())
    elif isinstance(raw, str) and _DATETIME_TEXT.fullmatch(raw):
        value = datetime.datetime.fromisoformat(raw)
    else:
        raise _Refused
    if value.tzinfo is None:
        return value
    return value.astimezone(datetime.UTC).replace(tzinfo=None)


_CONVERTERS: dict[str, Callable[[object], object]] = {
    "string": _to_text,
    "integer": _to_integer,
    "number": _to_number,
    "boolean": _to_boolean,
    "date": _to_date,
    "datetime": _to_datetime,
}


def _preview(raw: object) -> str:
    """A short, safe description of a refused value."""
    if isinstance(raw, bool):
        return "true" if raw else "false"
    if raw is None:
        return "null"
    if isinstance(raw, str | int | float):
        shown = raw if isinstance(raw, str) else repr(raw)
        cut = shown[:_PREVIEW] + ("…" if len(shown) > _PREVIEW else "")
        return repr(cut) if isinstance(raw, str) else cut
    if isinstance(raw, list | tuple):
        return "a list"
    return "a value of another kind"


def _convert_one(variable: VariableDef, raw: object) -> object:
    try:
        return _CONVERTERS[variable.type](raw)
    except (ValueError, OverflowError):  # _Refused, and what fromisoformat or astimezone raise
        expected = _EXPECTED[variable.type]
        got = "" if variable.hidden else f", not {_preview(raw)}"
        raise VariableError(
            variable.name, f"Variable {variable.name} must be {expected}{got}."
        ) from None


def convert_value(variable: VariableDef, raw: object) -> object:
    """Convert one given value to the variable's type; a multi variable gets a list."""
    if not variable.multi:
        if isinstance(raw, list | tuple):
            raise VariableError(
                variable.name, f"Variable {variable.name} takes one value, not a list."
            )
        return _convert_one(variable, raw)
    items = raw if isinstance(raw, list | tuple) else [raw]
    if len(items) > MAX_ITEMS:
        raise VariableError(
            variable.name,
            f"Variable {variable.name} takes at most {MAX_ITEMS:,} values, not {len(items):,}.",
        )
    return [_convert_one(variable, item) for item in items]


def resolve_values(
    variables: Sequence[VariableDef], given: Mapping[str, object]
) -> dict[str, object]:
    """Typed values for every variable that has one: given, else its default.

    Refuses names the dashboard does not declare and required variables left without a value.
    """
    declared = {variable.name for variable in variables}
    for name in given:
        if name not in declared:
            shown = name[:_PREVIEW]
            raise VariableError(
                shown,
                f"Variable {shown!r} is not declared by this dashboard.",
                code="unknown_variable",
            )
    values: dict[str, object] = {}
    for variable in variables:
        if variable.name in given:
            values[variable.name] = convert_value(variable, given[variable.name])
        elif variable.default is not None:
            values[variable.name] = convert_value(variable, variable.default)
        elif variable.required:
            raise VariableError(
                variable.name,
                f"Variable {variable.name} is required and has no value.",
                code="missing_variable",
            )
    return values
