from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event

from dashlet.config import Settings
from dashlet.errors import QueryError
from dashlet.query.cache import MemoryCache
from dashlet.query.engine import QueryEngine
from dashlet.query.results import Column
from dashlet.store.definitions import ChartDef, DashboardDef, SourceDef, VariableDef

TENANTS = 20
REGIONS = ("eu", "us", "apac")
REVENUE_SQL = (
    "SELECT region, SUM(amount) AS revenue FROM orders WHERE tenant_id = :TENANT "
    "[[ AND region IN :REGION ]] GROUP BY region ORDER BY region"
)


@pytest.fixture
def warehouse(tmp_path: Path) -> Path:
    """A SQLite warehouse: for each tenant, three orders in each region."""
    path = tmp_path / "warehouse.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE orders (tenant_id INTEGER, region TEXT, amount REAL)")
        conn.executemany(
            "INSERT INTO orders VALUES (?, ?, ?)",
            [
                (tenant, region, tenant * 100 + n)
                for tenant in range(1, TENANTS + 1)
                for region in REGIONS
                for n in range(3)
            ],
        )
    conn.close()
    return path


def make_dashboard(warehouse: Path, *charts: ChartDef, **source_fields: Any) -> DashboardDef:
    return DashboardDef(
        id=1,
        organization_id=1,
        slug="sales",
        title="Sales",
        source=SourceDef(
            id=1, organization_id=1, name="warehouse", url=f"sqlite:///{warehouse}", **source_fields
        ),
        cache_ttl=300,
        variables=(
            VariableDef("TENANT", "integer", hidden=True, required=True),
            VariableDef("REGION", "string", multi=True),
        ),
        charts=charts,
    )


def chart(sql: str = REVENUE_SQL, **fields: Any) -> ChartDef:
    return ChartDef(slug="revenue", title="Revenue", type="bar", sql=sql, **fields)


@pytest.fixture
def engine(settings: Settings) -> Iterator[QueryEngine]:
    query_engine = QueryEngine(settings.model_copy(update={"query_threads": 4}))
    yield query_engine
    query_engine.close()


def count_executions(engine: QueryEngine, dashboard: DashboardDef) -> list[str]:
    """Every statement SQLite starts running for this source, as SQLite itself reports it."""
    statements: list[str] = []

    def trace(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.set_trace_callback(statements.append)

    event.listen(engine.engines.engine_for(dashboard.source), "connect", trace)
    return statements


async def test_second_identical_call_is_served_from_the_cache(
    engine: QueryEngine, warehouse: Path
) -> None:
    revenue = chart()
    dashboard = make_dashboard(warehouse, revenue)
    executions = count_executions(engine, dashboard)
    first = await engine.run_chart(dashboard, revenue, {"TENANT": 2})
    second = await engine.run_chart(dashboard, revenue, {"TENANT": 2})
    assert (first.cached, second.cached) == (False, True)
    assert (
        first.columns == second.columns == (Column("region", "string"), Column("revenue", "number"))
    )
    assert second.rows == first.rows == [["apac", 603.0], ["eu", 603.0], ["us", 603.0]]
    assert second.computed_at == first.computed_at
    assert len(executions) == 1


async def test_zero_ttl_runs_every_time(engine: QueryEngine, warehouse: Path) -> None:
    revenue = chart(cache_ttl=0)
    dashboard = make_dashboard(warehouse, revenue)
    executions = count_executions(engine, dashboard)
    results = [await engine.run_chart(dashboard, revenue, {"TENANT": 1}) for _ in range(3)]
    assert [r.cached for r in results] == [False] * 3
    assert len(executions) == 3


async def test_concurrent_identical_calls_execute_once(
    engine: QueryEngine, warehouse: Path
) -> None:
    revenue = chart()
    dashboard = make_dashboard(warehouse, revenue)
    executions = count_executions(engine, dashboard)
    results = await asyncio.gather(
        *(engine.run_chart(dashboard, revenue, {"TENANT": 3}) for _ in range(200))
    )
    assert len(executions) == 1
    assert all(r.rows == results[0].rows for r in results)


async def test_concurrent_identical_calls_coalesce_even_without_cache(
    engine: QueryEngine, warehouse: Path
) -> None:
    revenue = chart(cache_ttl=0)
    dashboard = make_dashboard(warehouse, revenue)
    executions = count_executions(engine, dashboard)
    await asyncio.gather(*(engine.run_chart(dashboard, revenue, {"TENANT": 3}) for _ in range(50)))
    assert len(executions) == 1


async def test_distinct_value_sets_execute_once_each(engine: QueryEngine, warehouse: Path) -> None:
    revenue = chart()
    dashboard = make_dashboard(warehouse, revenue)
    executions = count_executions(engine, dashboard)
    calls = [
        engine.run_chart(dashboard, revenue, {"TENANT": tenant})
        for tenant in range(1, TENANTS + 1)
        for _ in range(10)
    ]
    results = await asyncio.gather(*calls)
    assert len(executions) == TENANTS
    assert {r.rows[0][1] for r in results} == {t * 300 + 3.0 for t in range(1, TENANTS + 1)}


async def test_concurrent_waiters_all_get_the_same_error(
    engine: QueryEngine, warehouse: Path
) -> None:
    # Fails while running (not while being prepared), so SQLite reports the execution.
    broken = chart("SELECT json(region || '{') FROM orders WHERE tenant_id = :TENANT")
    dashboard = make_dashboard(warehouse, broken)
    executions = count_executions(engine, dashboard)
    outcomes = await asyncio.gather(
        *(engine.run_chart(dashboard, broken, {"TENANT": 1}) for _ in range(50)),
        return_exceptions=True,
    )
    assert len(executions) == 1
    assert all(isinstance(o, QueryError) and o.code == "query_failed" for o in outcomes)
    assert len({id(o) for o in outcomes}) == 1


async def test_errors_are_not_cached(engine: QueryEngine, warehouse: Path) -> None:
    late = chart("SELECT COUNT(*) AS n FROM late_orders WHERE tenant_id = :TENANT")
    dashboard = make_dashboard(warehouse, late)
    with pytest.raises(QueryError):
        await engine.run_chart(dashboard, late, {"TENANT": 1})
    with sqlite3.connect(warehouse) as conn:
        conn.execute("CREATE TABLE late_orders AS SELECT * FROM orders")
    conn.close()
    result = await engine.run_chart(dashboard, late, {"TENANT": 1})
    assert (result.cached, result.rows) == (False, [[9]])


async def test_each_tenant_gets_only_its_own_cached_rows(
    engine: QueryEngine, warehouse: Path
) -> None:
    listing = chart("SELECT DISTINCT tenant_id FROM orders WHERE tenant_id = :TENANT")
    dashboard = make_dashboard(warehouse, listing)
    one = await engine.run_chart(dashboard, listing, {"TENANT": 1})
    two = await engine.run_chart(dashboard, listing, {"TENANT": 2})
    one_again = await engine.run_chart(dashboard, listing, {"TENANT": 1})
    assert (one.rows, two.rows, one_again.rows) == ([[1]], [[2]], [[1]])
    assert (two.cached, one_again.cached) == (False, True)


async def test_optional_clause_values_are_part_of_the_key(
    engine: QueryEngine, warehouse: Path
) -> None:
    revenue = chart()
    dashboard = make_dashboard(warehouse, revenue)
    everywhere = await engine.run_chart(dashboard, revenue, {"TENANT": 1})
    europe = await engine.run_chart(dashboard, revenue, {"TENANT": 1, "REGION": ["eu"]})
    nowhere = await engine.run_chart(dashboard, revenue, {"TENANT": 1, "REGION": []})
    assert [row[0] for row in everywhere.rows] == ["apac", "eu", "us"]
    assert [row[0] for row in europe.rows] == ["eu"]
    assert nowhere.rows == []
    assert not europe.cached
    assert not nowhere.cached


async def test_source_row_limit_truncates_the_result(engine: QueryEngine, warehouse: Path) -> None:
    listing = chart("SELECT amount FROM orders WHERE tenant_id = :TENANT")
    dashboard = make_dashboard(warehouse, listing, row_limit=4)
    result = await engine.run_chart(dashboard, listing, {"TENANT": 1})
    assert len(result.rows) == 4
    assert result.truncated
    assert (await engine.run_chart(dashboard, listing, {"TENANT": 1})).truncated


async def test_source_statement_timeout_stops_the_query(
    engine: QueryEngine, warehouse: Path
) -> None:
    endless = chart(
        "WITH RECURSIVE r(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM r) "
        "SELECT count(*) FROM r WHERE i > :TENANT"
    )
    dashboard = make_dashboard(warehouse, endless, statement_timeout=0.2)
    with pytest.raises(QueryError) as stopped:
        await engine.run_chart(dashboard, endless, {"TENANT": 1})
    assert stopped.value.code == "query_timeout"


async def test_choices_sql_runs_with_locked_values_and_is_cached(
    engine: QueryEngine, warehouse: Path
) -> None:
    dashboard = make_dashboard(warehouse)
    sql = "SELECT DISTINCT region FROM orders WHERE tenant_id = :TENANT ORDER BY region"
    first = await engine.run_sql(dashboard.source, sql, dashboard.variables, {"TENANT": 5}, ttl=60)
    second = await engine.run_sql(dashboard.source, sql, dashboard.variables, {"TENANT": 5}, ttl=60)
    assert first.rows == [["apac"], ["eu"], ["us"]]
    assert second.cached


async def test_results_larger_than_the_cache_are_served_but_not_kept(
    settings: Settings, warehouse: Path
) -> None:
    revenue = chart()
    dashboard = make_dashboard(warehouse, revenue)
    engine = QueryEngine(settings, cache=MemoryCache(max_bytes=64))
    try:
        first = await engine.run_chart(dashboard, revenue, {"TENANT": 1})
        second = await engine.run_chart(dashboard, revenue, {"TENANT": 1})
    finally:
        engine.close()
    assert len(first.rows) == 3
    assert not second.cached
