"""Chart SQL templates: what is a bind, which [[ ]] clauses stay, and what reaches the database."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text

from dashlet.errors import VariableError
from dashlet.query.sql import SqlTemplateError, parse_sql, render_sql
from dashlet.store.definitions import VariableDef

VARIABLES = {
    "TENANT": VariableDef("TENANT", "integer", hidden=True),
    "REGION": VariableDef("REGION", "string", multi=True),
    "MIN": VariableDef("MIN", "integer"),
    "LABEL": VariableDef("LABEL", "string"),
}


def rendered_sql(sql: str, values: dict[str, object]) -> str:
    return render_sql(parse_sql(sql), values, VARIABLES).sql


def rows(engine: Engine, sql: str, values: dict[str, object]) -> list[tuple[object, ...]]:
    statement = render_sql(parse_sql(sql), values, VARIABLES).statement()
    with engine.connect() as conn:
        return [tuple(row) for row in conn.execute(statement)]


def engine_for(kind: str, request: pytest.FixtureRequest, tmp_path: Path) -> Engine:
    if kind == "postgresql":
        return create_engine(request.getfixturevalue("postgres_database"))
    suffix = "db" if kind == "sqlite" else "duckdb"
    return create_engine(f"{kind}:///{tmp_path / f'warehouse.{suffix}'}")


@pytest.fixture(params=["sqlite", "duckdb", pytest.param("postgresql", marks=pytest.mark.postgres)])
def warehouse(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """A real warehouse with a small `sales` table, on each supported engine."""
    engine = engine_for(request.param, request, tmp_path)
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE sales (region VARCHAR(10), amount INTEGER)"))
        conn.execute(text("INSERT INTO sales VALUES ('north', 10), ('south', 20), ('east', 30)"))
    yield engine
    engine.dispose()


@pytest.fixture(params=["duckdb", pytest.param("postgresql", marks=pytest.mark.postgres)])
def casting_warehouse(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """A warehouse whose SQL has PostgreSQL's `::` casts."""
    engine = engine_for(request.param, request, tmp_path)
    yield engine
    engine.dispose()


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT ':x' FROM t WHERE a = :TENANT",
        "SELECT 'it''s :x' FROM t WHERE a = :TENANT",
        "SELECT E'it\\'s :x' FROM t WHERE a = :TENANT",
        'SELECT ":x" FROM t WHERE a = :TENANT',
        "SELECT `:x` FROM t WHERE a = :TENANT",
        "SELECT 1 -- :x\nFROM t WHERE a = :TENANT",
        "SELECT 1 /* :x\n */ FROM t WHERE a = :TENANT",
        "SELECT $$ :x ' $$ FROM t WHERE a = :TENANT",
        "SELECT $fn$ :x $$ $fn$ FROM t WHERE a = :TENANT",
        "SELECT x::int FROM t WHERE a = :TENANT",
        "SELECT arr[lo:x] FROM t WHERE a = :TENANT",
        "SELECT '12:30' FROM t WHERE a = :TENANT",
    ],
)
def test_colon_names_inside_literals_comments_and_casts_are_not_binds(sql: str) -> None:
    assert parse_sql(sql).variables == {"TENANT"}


def test_names_inside_brackets_are_optional_and_outside_are_required() -> None:
    template = parse_sql("SELECT * FROM t WHERE a = :TENANT [[AND r IN :REGION]]")
    assert template.variables == {"TENANT", "REGION"}
    assert template.required == {"TENANT"}


def test_brackets_inside_literals_and_comments_are_text() -> None:
    sql = "SELECT '[[' AS a, \"]]\" AS b -- [[\nFROM t /* ]] */ WHERE a = :TENANT"
    template = parse_sql(sql)
    assert template.required == {"TENANT"}
    assert rendered_sql(sql, {"TENANT": 1}) == sql


def test_clause_is_kept_when_its_variable_has_a_value() -> None:
    sql = "SELECT * FROM t WHERE a = :TENANT [[AND m > :MIN]]"
    assert rendered_sql(sql, {"TENANT": 1, "MIN": 5}) == (
        "SELECT * FROM t WHERE a = :TENANT AND m > :MIN"
    )


def test_clause_is_dropped_when_any_of_its_variables_has_no_value() -> None:
    sql = "SELECT * FROM t WHERE a = :TENANT [[AND m > :MIN AND l = :LABEL]]"
    rendered = render_sql(parse_sql(sql), {"TENANT": 1, "MIN": 5}, VARIABLES)
    assert rendered.sql == "SELECT * FROM t WHERE a = :TENANT "
    assert rendered.params == {"TENANT": 1}


def test_rendered_sql_does_not_depend_on_the_values() -> None:
    sql = "SELECT * FROM t WHERE a = :TENANT [[AND l = :LABEL]]"
    assert rendered_sql(sql, {"TENANT": 1, "LABEL": "' OR 1=1 --"}) == rendered_sql(
        sql, {"TENANT": 2, "LABEL": "x"}
    )


def test_bind_glued_to_words_by_a_clause_stays_a_bind() -> None:
    rendered = render_sql(parse_sql("SELECT x[[:MIN]]y"), {"MIN": 1}, VARIABLES)
    assert rendered.sql == "SELECT x :MIN y"
    assert rendered.statement().compile().params == {"MIN": 1}


def test_parse_is_memoized() -> None:
    sql = "SELECT 1 WHERE a = :TENANT"
    assert parse_sql(sql) is parse_sql(sql)


@pytest.mark.parametrize(
    ("sql", "message", "line", "column"),
    [
        ("SELECT 1\nWHERE [[a = :A [[AND b = :B]] ]]", "cannot be nested", 2, 16),
        ("SELECT 1 [[AND a = :A", "never closed", 1, 10),
        ("SELECT 1\n  AND a = :A]]", "closes no [[", 2, 13),
        ("SELECT 1 [[AND 1 = 1]]", "uses no :variable", 1, 10),
        ("SELECT 'abc\n:A", "string literal is never closed", 1, 8),
        ("SELECT 'it''s", "string literal is never closed", 1, 8),
        ('SELECT "abc', "quoted identifier is never closed", 1, 8),
        ("SELECT 1 /* :A", "comment is never closed", 1, 10),
        ("SELECT $q$ :A $$", "dollar-quoted string is never closed", 1, 8),
        ("SELECT :Aé", "ASCII letters", 1, 8),
    ],
)
def test_malformed_template_is_refused_with_its_position(
    sql: str, message: str, line: int, column: int
) -> None:
    with pytest.raises(SqlTemplateError) as caught:
        parse_sql(sql)
    assert message in caught.value.message
    assert (caught.value.line, caught.value.column) == (line, column)


def test_bind_outside_brackets_without_value_is_a_missing_variable() -> None:
    with pytest.raises(VariableError) as caught:
        render_sql(parse_sql("SELECT 1 WHERE a = :TENANT"), {}, VARIABLES)
    assert (caught.value.code, caught.value.variable) == ("missing_variable", "TENANT")


def test_bind_naming_an_undeclared_variable_is_an_unknown_variable() -> None:
    with pytest.raises(VariableError) as caught:
        render_sql(parse_sql("SELECT 1 [[WHERE a = :OTHER]]"), {}, VARIABLES)
    assert (caught.value.code, caught.value.variable) == ("unknown_variable", "OTHER")


def test_multi_variable_expands_into_an_in_list(warehouse: Engine) -> None:
    sql = "SELECT region FROM sales WHERE 1 = 1 [[AND region IN :REGION]] ORDER BY region"
    assert rows(warehouse, sql, {"REGION": ["north", "east"]}) == [("east",), ("north",)]


def test_empty_list_keeps_the_clause_and_matches_no_rows(warehouse: Engine) -> None:
    sql = "SELECT region FROM sales WHERE 1 = 1 [[AND region IN :REGION]]"
    assert rows(warehouse, sql, {"REGION": []}) == []


def test_optional_clause_inside_a_subquery(warehouse: Engine) -> None:
    # Metabase #5541 rendered `venue = 1 = 1` for this shape.
    sql = (
        "SELECT count(*) FROM sales WHERE region IN "
        "(SELECT region FROM sales WHERE 1 = 1 [[AND amount > :MIN]])"
    )
    assert rows(warehouse, sql, {"MIN": 15}) == [(2,)]
    assert rows(warehouse, sql, {}) == [(3,)]


def test_colons_and_brackets_in_literals_reach_the_database_unchanged(warehouse: Engine) -> None:
    sql = "SELECT ':x' AS a, '[[:MIN]]' AS b, '\\:y' AS c, :MIN AS m -- :z"
    assert rows(warehouse, sql, {"MIN": 3}) == [(":x", "[[:MIN]]", "\\:y", 3)]


def test_double_colon_casts_survive_next_to_binds(casting_warehouse: Engine) -> None:
    sql = "SELECT :LABEL::int + 1 AS n, '7'::int AS m, ':x'::text AS s"
    assert rows(casting_warehouse, sql, {"LABEL": "41"}) == [(42, 7, ":x")]
