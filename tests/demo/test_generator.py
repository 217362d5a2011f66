"""The demo data: deterministic, with the shapes that make the demo's charts look real."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import duckdb
import pytest

from dashlet.demo.generator import FIRST_DAY, LAST_DAY, MACROS, generate, step_count, tenant_name

ORDERS = 20_000
TENANTS = 5


def generated(orders: int = ORDERS, tenants: int = TENANTS) -> duckdb.DuckDBPyConnection:
    connection = duckdb.connect()
    steps = sum(1 for _ in generate(connection, orders=orders, tenants=tenants))
    assert steps == step_count(orders)
    return connection


@pytest.fixture(scope="module")
def demo() -> Iterator[duckdb.DuckDBPyConnection]:
    """One small generated database, read by every test that only looks at its content."""
    connection = generated()
    yield connection
    connection.close()


def rows(connection: duckdb.DuckDBPyConnection, sql: str) -> list[tuple[Any, ...]]:
    return connection.execute(sql).fetchall()


def lowbias32(x: int) -> int:
    x &= 0xFFFFFFFF
    x ^= x >> 16
    x = (x * 0x7FEB352D) & 0xFFFFFFFF
    x ^= x >> 15
    x = (x * 0x846CA68B) & 0xFFFFFFFF
    return x ^ (x >> 16)


def test_random_draws_come_from_a_fixed_hash_not_duckdbs_own() -> None:
    samples = [0, 1, 2, 12345, 2**31 + 7, 2**40 + 3]
    with duckdb.connect() as connection:
        connection.execute(MACROS)
        hashed = [connection.execute("SELECT mix32(?)", [x]).fetchone() for x in samples]
    assert hashed == [(lowbias32(x),) for x in samples]


def test_same_parameters_generate_the_same_rows() -> None:
    with generated(orders=3_000) as first, generated(orders=3_000) as second:
        for table in ("orders", "tenants", "products", "channels", "regions", "categories"):
            sql = f"SELECT * FROM {table} ORDER BY ALL"
            assert rows(first, sql) == rows(second, sql), table


def test_orders_span_two_years_ending_on_a_fixed_day(demo: duckdb.DuckDBPyConnection) -> None:
    assert dt.timedelta(days=729) == LAST_DAY - FIRST_DAY
    assert rows(demo, "SELECT count(*), min(order_date), max(order_date) FROM orders") == [
        (ORDERS, FIRST_DAY, LAST_DAY)
    ]


def test_every_tenant_has_orders_and_a_distinct_name(demo: duckdb.DuckDBPyConnection) -> None:
    per_tenant = rows(
        demo,
        "SELECT t.tenant_id, t.name, count(o.order_id) FROM tenants t "
        "LEFT JOIN orders o USING (tenant_id) GROUP BY ALL ORDER BY t.tenant_id",
    )
    assert [row[0] for row in per_tenant] == list(range(1, TENANTS + 1))
    assert len({row[1] for row in per_tenant}) == TENANTS
    assert all(row[2] > 0 for row in per_tenant)


def test_tenants_differ_in_size(demo: duckdb.DuckDBPyConnection) -> None:
    counts = dict(rows(demo, "SELECT tenant_id, count(*) FROM orders GROUP BY 1"))
    assert counts[1] > 2 * counts[TENANTS]


def test_tenants_differ_in_regional_mix(demo: duckdb.DuckDBPyConnection) -> None:
    top_regions = rows(
        demo,
        "SELECT tenant_id, arg_max(region, n) FROM (SELECT tenant_id, region, count(*) AS n "
        "FROM orders GROUP BY ALL) GROUP BY tenant_id",
    )
    assert len({region for _, region in top_regions}) > 1


def test_orders_grow_from_the_first_year_to_the_second(demo: duckdb.DuckDBPyConnection) -> None:
    [(first, second)] = rows(
        demo,
        "SELECT count(*) FILTER (WHERE order_date < DATE '2025-07-01'), "
        "count(*) FILTER (WHERE order_date >= DATE '2025-07-01') FROM orders",
    )
    assert second > first


def test_weekends_have_fewer_orders_than_weekdays(demo: duckdb.DuckDBPyConnection) -> None:
    [(weekday, weekend)] = rows(
        demo,
        "SELECT count(*) FILTER (WHERE isodow(order_date) <= 5) / 5, "
        "count(*) FILTER (WHERE isodow(order_date) > 5) / 2 FROM orders",
    )
    assert weekend < weekday


def test_order_ids_count_up_in_time(demo: duckdb.DuckDBPyConnection) -> None:
    [summary] = rows(
        demo,
        "SELECT count(DISTINCT order_id), min(order_id), max(order_id), "
        "count(*) FILTER (WHERE ordered_at < previous) FROM ("
        "  SELECT order_id, ordered_at, lag(ordered_at) OVER (ORDER BY order_id) AS previous"
        "  FROM orders)",
    )
    assert summary == (ORDERS, 1, ORDERS, 0)


def test_orders_have_a_known_status_and_a_positive_amount(
    demo: duckdb.DuckDBPyConnection,
) -> None:
    statuses = rows(demo, "SELECT DISTINCT status FROM orders ORDER BY 1")
    assert statuses == [("cancelled",), ("completed",), ("refunded",)]
    assert rows(demo, "SELECT count(*) FROM orders WHERE amount <= 0") == [(0,)]


def test_ordered_at_falls_on_the_order_date(demo: duckdb.DuckDBPyConnection) -> None:
    mismatched = rows(demo, "SELECT count(*) FROM orders WHERE ordered_at::DATE <> order_date")
    assert mismatched == [(0,)]


def test_products_and_categories_match_the_catalog(demo: duckdb.DuckDBPyConnection) -> None:
    unknown = rows(
        demo,
        "SELECT count(*) FROM orders o LEFT JOIN products p "
        "ON p.product_id = o.product_id AND p.product = o.product AND p.category = o.category "
        "WHERE p.product_id IS NULL",
    )
    assert unknown == [(0,)]


def test_tenant_names_stay_unique_past_every_name_combination() -> None:
    names = [tenant_name(t, 1_000)[1] for t in range(1, 1_001)]
    assert len(set(names)) == len(names)
