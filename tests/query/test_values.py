"""Variable values: the shapes each type accepts from tokens and URLs, and the ones it refuses."""

from __future__ import annotations

import datetime

import pytest

from dashlet.errors import VariableError
from dashlet.query.values import convert_value, resolve_values
from dashlet.store.definitions import VariableDef


def refusal(variable: VariableDef, raw: object) -> VariableError:
    with pytest.raises(VariableError) as caught:
        convert_value(variable, raw)
    return caught.value


@pytest.mark.parametrize(
    ("type_", "raw", "expected"),
    [
        ("string", "north", "north"),
        ("string", "", ""),
        ("string", "' OR 1=1 --", "' OR 1=1 --"),
        ("string", "x" * 10_000, "x" * 10_000),
        ("integer", 42, 42),
        ("integer", -(2**63), -(2**63)),
        ("integer", 2**63 - 1, 2**63 - 1),
        ("integer", "42", 42),
        ("integer", "-7", -7),
        ("integer", "+007", 7),
        ("number", 1.5, 1.5),
        ("number", 3, 3.0),
        ("number", "2.25", 2.25),
        ("number", "-.5", -0.5),
        ("number", "1e3", 1000.0),
        ("boolean", True, True),
        ("boolean", False, False),
        ("boolean", "TRUE", True),
        ("boolean", "false", False),
        ("boolean", "1", True),
        ("boolean", "0", False),
        ("date", "2024-02-29", datetime.date(2024, 2, 29)),
        ("date", datetime.date(2024, 1, 31), datetime.date(2024, 1, 31)),
        ("datetime", "2024-03-01T12:30:00", datetime.datetime(2024, 3, 1, 12, 30)),
        ("datetime", "2024-03-01T12:30:00Z", datetime.datetime(2024, 3, 1, 12, 30)),
        ("datetime", "2024-03-01T12:30:00+02:00", datetime.datetime(2024, 3, 1, 10, 30)),
        (
            "datetime",
            "2024-03-01 00:30:00.25-01:00",
            datetime.datetime(2024, 3, 1, 1, 30, 0, 250000),
        ),
        ("datetime", "2024-03-01", datetime.datetime(2024, 3, 1)),
    ],
)
def test_accepted_shapes_convert_to_the_variable_type(
    type_: str, raw: object, expected: object
) -> None:
    value = convert_value(VariableDef("V", type_), raw)
    assert value == expected
    assert type(value) is type(expected)


@pytest.mark.parametrize(
    ("type_", "raw"),
    [
        ("string", 42),
        ("string", True),
        ("string", None),
        ("string", "nul\x00byte"),
        ("string", "x" * 10_001),
        ("integer", 1.5),
        ("integer", 2.0),
        ("integer", "1e3"),
        ("integer", " 1"),
        ("integer", "1 "),
        ("integer", "1.0"),
        ("integer", "١٢"),  # Arabic-Indic digits
        ("integer", True),
        ("integer", 2**63),
        ("integer", str(-(2**63) - 1)),
        ("integer", "9" * 5000),
        ("integer", ""),
        ("number", float("nan")),
        ("number", float("inf")),
        ("number", "NaN"),
        ("number", "inf"),
        ("number", "1e999"),
        ("number", 10**400),
        ("number", "1_000"),
        ("number", " 1"),
        ("number", False),
        ("boolean", 1),
        ("boolean", 0),
        ("boolean", "yes"),
        ("boolean", ""),
        ("boolean", None),
        ("date", "2024-02-30"),
        ("date", "20240101"),
        ("date", "2024-01-01T00:00:00"),
        ("date", 20240101),
        ("date", datetime.datetime(2024, 1, 1)),
        ("datetime", "yesterday"),
        ("datetime", "2024-03-01T25:00:00"),
        ("datetime", "0001-01-01T00:00:00+01:00"),
        ("datetime", 1_700_000_000),
    ],
)
def test_refused_shapes_raise_invalid_variable_value(type_: str, raw: object) -> None:
    error = refusal(VariableDef("V", type_), raw)
    assert error.code == "invalid_variable_value"
    assert error.variable == "V"


def test_refusal_names_the_variable_and_expected_type() -> None:
    error = refusal(VariableDef("LIMIT", "integer"), "lots")
    assert error.message == (
        "Variable LIMIT must be a whole number between -2^63 and 2^63-1, not 'lots'."
    )


def test_refusal_echoes_at_most_forty_characters_of_the_value() -> None:
    error = refusal(VariableDef("V", "date"), "A" * 39 + "BCDEFGHIJK")
    assert "A" * 39 + "B…" in error.message
    assert "C" not in error.message


def test_refusal_of_a_hidden_variable_echoes_nothing_of_the_value() -> None:
    error = refusal(VariableDef("TENANT", "integer", hidden=True), "acme-secret")
    assert "acme" not in error.message
    assert "TENANT" in error.message


def test_single_value_variable_refuses_a_list() -> None:
    error = refusal(VariableDef("V", "string"), ["a"])
    assert error.code == "invalid_variable_value"


def test_multi_variable_converts_each_item() -> None:
    assert convert_value(VariableDef("V", "integer", multi=True), ["1", 2]) == [1, 2]


def test_multi_variable_treats_a_lone_value_as_a_one_item_list() -> None:
    assert convert_value(VariableDef("V", "string", multi=True), "north") == ["north"]


def test_multi_variable_accepts_an_empty_list() -> None:
    assert convert_value(VariableDef("V", "string", multi=True), []) == []


def test_multi_variable_refuses_more_than_a_thousand_items() -> None:
    variable = VariableDef("V", "integer", multi=True)
    assert convert_value(variable, [1] * 1000) == [1] * 1000
    assert refusal(variable, [1] * 1001).code == "invalid_variable_value"


def test_multi_variable_refuses_a_list_with_one_bad_item() -> None:
    error = refusal(VariableDef("V", "integer", multi=True), ["1", "two"])
    assert "'two'" in error.message


def test_multi_variable_refuses_nested_lists() -> None:
    assert refusal(VariableDef("V", "string", multi=True), [["a"]]).variable == "V"


REGION = VariableDef("REGION", "string", multi=True)
TENANT = VariableDef("TENANT", "integer", hidden=True, required=True)
SINCE = VariableDef("SINCE", "date", default="2024-01-01")
LIMIT = VariableDef("LIMIT", "integer")
DASHBOARD_VARIABLES = (REGION, TENANT, SINCE, LIMIT)


def test_resolve_converts_given_values_and_fills_defaults() -> None:
    values = resolve_values(DASHBOARD_VARIABLES, {"TENANT": "7", "REGION": ["north"]})
    assert values == {"TENANT": 7, "REGION": ["north"], "SINCE": datetime.date(2024, 1, 1)}


def test_resolve_prefers_a_given_value_over_the_default() -> None:
    values = resolve_values(DASHBOARD_VARIABLES, {"TENANT": 7, "SINCE": "2023-05-06"})
    assert values["SINCE"] == datetime.date(2023, 5, 6)


def test_resolve_leaves_out_optional_variables_without_value() -> None:
    assert "LIMIT" not in resolve_values(DASHBOARD_VARIABLES, {"TENANT": 7})


def test_resolve_keeps_an_empty_list_as_a_value() -> None:
    assert resolve_values(DASHBOARD_VARIABLES, {"TENANT": 7, "REGION": []})["REGION"] == []


def test_resolve_refuses_an_undeclared_name() -> None:
    with pytest.raises(VariableError) as caught:
        resolve_values(DASHBOARD_VARIABLES, {"TENANT": 7, "tenant_id": 8})
    assert caught.value.code == "unknown_variable"
    assert caught.value.variable == "tenant_id"


def test_resolve_refuses_a_required_variable_without_value() -> None:
    with pytest.raises(VariableError) as caught:
        resolve_values(DASHBOARD_VARIABLES, {"REGION": ["north"]})
    assert caught.value.code == "missing_variable"
    assert caught.value.variable == "TENANT"


def test_resolve_checks_a_default_like_a_given_value() -> None:
    broken = VariableDef("SINCE", "date", default="last week")
    with pytest.raises(VariableError) as caught:
        resolve_values((broken,), {})
    assert caught.value.code == "invalid_variable_value"
