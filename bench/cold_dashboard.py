"""Cold dashboard: every chart of the main dashboard through the engine with an empty cache,
against the same SQL with the same values run straight through the DuckDB driver.

Each round takes one tenant and runs engine, driver, driver, engine (so neither side always
goes first) and keeps each side's faster run; the ratio reported is the median of the rounds'
ratios, which cancels most of the noise a shared machine adds to both sides of one round.
"""

from __future__ import annotations

import asyncio
import statistics
import time
from typing import Any

from bench.demo import Demo
from bench.measure import Measurement
from dashlet.query.engine import QueryEngine
from dashlet.query.sql import parse_sql, render_sql
from dashlet.query.values import resolve_values
from dashlet.store.definitions import DashboardDef

NAME = "cold dashboard"
GOAL = 1.10
TENANTS = 50


def driver_statements(
    engine: QueryEngine, dashboard: DashboardDef, values: dict[str, object]
) -> list[tuple[str, list[Any]]]:
    """Each chart's SQL as the driver receives it, with its positional parameters."""
    dialect = engine.engines.engine_for(dashboard.source).dialect
    variables = {v.name: v for v in dashboard.variables}
    statements = []
    for chart in dashboard.charts:
        query = render_sql(parse_sql(chart.sql), values, variables)
        compiled = query.statement().compile(
            dialect=dialect, compile_kwargs={"render_postcompile": True}
        )
        names = compiled.positiontup or []
        statements.append((compiled.string, [compiled.params[name] for name in names]))
    return statements


async def measure(demo: Demo, repeats: int) -> list[Measurement]:
    dashboard = demo.dashboard
    engine = QueryEngine(demo.settings)
    raw = engine.engines.engine_for(dashboard.source).raw_connection()
    driver = raw.driver_connection  # a DuckDB connection of the same database

    async def through_engine(values: dict[str, object]) -> float:
        await engine.cache.clear()
        started = time.perf_counter()
        for chart in dashboard.charts:
            await engine.run_chart(dashboard, chart, values)
        return time.perf_counter() - started

    def through_driver(statements: list[tuple[str, list[Any]]]) -> float:
        started = time.perf_counter()
        for sql, params in statements:
            driver.execute(sql, params).fetchall()
        return time.perf_counter() - started

    engine_times: list[float] = []
    driver_times: list[float] = []
    try:
        for round_ in range(repeats + 1):  # round 0 warms both sides up and is not counted
            values = resolve_values(dashboard.variables, {"TENANT": round_ % TENANTS + 1})
            statements = driver_statements(engine, dashboard, values)
            first = await through_engine(values)
            driver_time = min(through_driver(statements), through_driver(statements))
            engine_time = min(first, await through_engine(values))
            if round_:
                engine_times.append(engine_time)
                driver_times.append(driver_time)
    finally:
        raw.close()
        engine.close()
    ratio = statistics.median(e / d for e, d in zip(engine_times, driver_times, strict=True))
    engine_ms = statistics.median(engine_times) * 1000
    driver_ms = statistics.median(driver_times) * 1000
    return [
        Measurement(
            NAME,
            f"{len(dashboard.charts)} charts of '{dashboard.slug}': engine vs DuckDB driver",
            engine_ms,
            "ms",
            baseline=driver_ms,
            paired_ratio=ratio,
            goal=f"<= {GOAL:.2f}x",
            met=ratio <= GOAL,
        )
    ]


def run(demo: Demo, repeats: int) -> list[Measurement]:
    """Median time of a whole cold dashboard through each path, and their paired ratio."""
    return asyncio.run(measure(demo, repeats))
