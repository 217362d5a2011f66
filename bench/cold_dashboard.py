"""Cold dashboard: every chart of the main dashboard through the engine with an empty cache,
against the same SQL with the same values run straight through the DuckDB driver: called
directly (blocking), and called from a worker thread as any server that keeps its event loop
free must (so the second ratio is Dashlet's own overhead, the first adds the thread hop). The
engine runs the charts one by one, and all at once as the embedded page asks for them.

Each round takes one tenant and runs every side, then every side again in reverse order (so no
side always goes first), keeping each side's faster run; ratios are medians of the rounds'
ratios, which cancels most of the noise a shared machine adds to all sides of one round.
"""

from __future__ import annotations

import asyncio
import statistics
import time
from concurrent.futures import ThreadPoolExecutor
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
    assert driver is not None
    worker = ThreadPoolExecutor(1)
    loop = asyncio.get_running_loop()

    async def through_engine(values: dict[str, object], concurrent: bool) -> float:
        await engine.cache.clear()
        started = time.perf_counter()
        if concurrent:  # as the embedded page asks: every chart in one request
            await asyncio.gather(
                *(engine.run_chart(dashboard, c, values) for c in dashboard.charts)
            )
        else:
            for chart in dashboard.charts:
                await engine.run_chart(dashboard, chart, values)
        return time.perf_counter() - started

    def fetch(sql: str, params: list[Any]) -> list[Any]:
        return list(driver.execute(sql, params).fetchall())

    async def through_driver(statements: list[tuple[str, list[Any]]], threaded: bool) -> float:
        started = time.perf_counter()
        for sql, params in statements:
            if threaded:
                await loop.run_in_executor(worker, fetch, sql, params)
            else:
                fetch(sql, params)
        return time.perf_counter() - started

    times: dict[str, list[float]] = {"engine": [], "concurrent": [], "direct": [], "threaded": []}
    try:
        for round_ in range(repeats + 1):  # round 0 warms every side up and is not counted
            values = resolve_values(dashboard.variables, {"TENANT": round_ % TENANTS + 1})
            statements = driver_statements(engine, dashboard, values)
            runs: dict[str, list[float]] = {side: [] for side in times}
            for side in (*times, *reversed(times)):
                if side in ("engine", "concurrent"):
                    took = await through_engine(values, concurrent=side == "concurrent")
                else:
                    took = await through_driver(statements, threaded=side == "threaded")
                runs[side].append(took)
            if round_:
                for side, both in runs.items():
                    times[side].append(min(both))
    finally:
        worker.shutdown()
        raw.close()
        engine.close()
    charts = f"{len(dashboard.charts)} charts of '{dashboard.slug}'"
    comparisons = (
        ("engine", "direct", f"{charts} one by one: engine vs driver called directly"),
        ("engine", "threaded", f"{charts} one by one: engine vs driver called from a thread"),
        ("concurrent", "direct", f"{charts} at once (the embed page): engine vs driver directly"),
    )
    measurements = []
    for side, baseline, label in comparisons:
        ratio = statistics.median(e / d for e, d in zip(times[side], times[baseline], strict=True))
        checked = (side, baseline) == ("engine", "direct")
        measurements.append(
            Measurement(
                NAME,
                label,
                statistics.median(times[side]) * 1000,
                "ms",
                baseline=statistics.median(times[baseline]) * 1000,
                paired_ratio=ratio,
                goal=f"<= {GOAL:.2f}x" if checked else "",
                met=ratio <= GOAL if checked else None,
            )
        )
    return measurements


def run(demo: Demo, repeats: int) -> list[Measurement]:
    """Median time of a whole cold dashboard through each path, and their paired ratio."""
    return asyncio.run(measure(demo, repeats))
