from typing import Any, get_args

import pytest
from pydantic import ValidationError

from dashlet.spec.schema import ChartSpec, ChartType, DashboardSpec, VariableSpec, VariableType
from dashlet.store.definitions import CHART_TYPES, VARIABLE_TYPES


def chart(**fields: Any) -> ChartSpec:
    return ChartSpec.model_validate({"slug": "c", "title": "C", "sql": "SELECT 1", **fields})


def test_schema_types_match_the_store_read_models() -> None:
    assert set(get_args(ChartType)) == set(CHART_TYPES)
    assert set(get_args(VariableType)) == set(VARIABLE_TYPES)


@pytest.mark.parametrize(
    ("fields", "encoding"),
    [
        ({"type": "bar", "x": "d", "y": "v"}, {"x": "d", "y": ["v"]}),
        (
            {"type": "line", "x": "d", "y": ["a", "b"], "series": "s"},
            {"x": "d", "y": ["a", "b"], "series": "s"},
        ),
        (
            {"type": "area", "x": "d", "y": ["a"], "format": ",.0f"},
            {"x": "d", "y": ["a"], "format": ",.0f"},
        ),
        ({"type": "scatter", "x": "a", "y": "b"}, {"x": "a", "y": "b"}),
        ({"type": "pie", "label": "l", "value": "v"}, {"label": "l", "value": "v"}),
        ({"type": "number", "value": "n", "compare": "p"}, {"value": "n", "compare": "p"}),
        ({"type": "table", "columns": ["a", "b"]}, {"columns": ["a", "b"]}),
        ({"type": "table"}, {}),
    ],
)
def test_each_chart_type_stores_its_encoding_keys(
    fields: dict[str, Any], encoding: dict[str, Any]
) -> None:
    spec = chart(**fields)
    assert spec.encoding_problems() == {}
    assert spec.encoding() == encoding


def test_a_chart_type_names_the_encoding_keys_it_needs() -> None:
    assert chart(type="pie", value="v").encoding_problems() == {
        "label": "A pie chart needs 'label' (a column of its SQL result)."
    }


def test_an_encoding_key_the_type_does_not_use_is_refused() -> None:
    problems = chart(type="number", value="n", x="d").encoding_problems()
    assert problems == {"x": "A number chart does not use 'x'; it uses value, compare."}


def test_a_scatter_chart_plots_one_y_column() -> None:
    problems = chart(type="scatter", x="a", y=["b", "c"]).encoding_problems()
    assert problems == {"y": "A scatter chart plots exactly one y column."}


@pytest.mark.parametrize("size", [0, 13])
def test_width_is_between_1_and_12_grid_columns(size: int) -> None:
    with pytest.raises(ValidationError):
        chart(type="table", width=size)


def test_unknown_keys_are_refused() -> None:
    with pytest.raises(ValidationError, match="titel"):
        chart(type="table", titel="x")


def dashboard(**fields: Any) -> DashboardSpec:
    return DashboardSpec.model_validate({"slug": "d", "title": "D", "source": "w", **fields})


def test_dashboard_defaults() -> None:
    spec = dashboard()
    assert (spec.cache_ttl, spec.embed, spec.theme, spec.usage_key) == (300, None, {}, None)


@pytest.mark.parametrize(
    "colour", ["#0af", "#00aaff", "#00aaff80", "rgb(0, 10, 20)", "hsl(200 50% 40%)", "teal"]
)
def test_theme_accepts_colours(colour: str) -> None:
    assert dashboard(theme={"--dashlet-accent": colour}).theme == {"--dashlet-accent": colour}


@pytest.mark.parametrize(
    "colour",
    [
        "red; background: url(x)",
        "red}",
        "url(https://evil.example/x.png)",
        "expression(alert(1))",
        "",
    ],
)
def test_theme_refuses_values_that_could_escape_a_style_declaration(colour: str) -> None:
    with pytest.raises(ValidationError, match="is not a colour"):
        dashboard(theme={"--dashlet-accent": colour})


@pytest.mark.parametrize("name", ["color", "--accent", "--dashlet-Accent", "--dashlet-a;b"])
def test_theme_names_are_dashlet_css_variables(name: str) -> None:
    with pytest.raises(ValidationError, match="is not a theme variable"):
        dashboard(theme={name: "red"})


@pytest.mark.parametrize("slug", ["Sales", "-x", "a b", "a/b"])
def test_dashboard_slugs_are_url_safe(slug: str) -> None:
    with pytest.raises(ValidationError, match="is not valid"):
        dashboard(slug=slug)


@pytest.mark.parametrize("name", ["TENANT", "region", "_x1"])
def test_variable_names_are_identifiers(name: str) -> None:
    assert VariableSpec.model_validate({"name": name, "type": "string"}).name == name


def test_a_variable_name_that_cannot_be_a_bind_is_refused() -> None:
    with pytest.raises(ValidationError, match="is not valid"):
        VariableSpec.model_validate({"name": "1st", "type": "string"})
