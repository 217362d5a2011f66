"""Coalescing: concurrent identical ``run_chart`` calls on a cold cache reach the warehouse once;
distinct value sets once each. Executions are counted by the connection pool: every query
checks out one connection."""

from __future__ import annotations

import asyncio
import statistics
import time
from typing import Any

from sqlalchemy import event

from bench.demo import Demo
from bench.measure import Measurement
from dashlet.query.engine import QueryEngine
from dashlet.query.values import resolve_values

NAME = "coalescing"
CHART = "revenue-by-region"
IDENTICAL = 200
VALUE_SETS = 20
CALLS_PER_SET = 10


async def measure(demo: Demo, repeats: int) -> list[Measurement]:
    dashboard = demo.dashboard
    chart = dashboard.chart(CHART)
    engine = QueryEngine(demo.settings)
    executions: list[object] = []

    def record(dbapi_connection: Any, *_args: Any) -> None:
        executions.append(dbapi_connection)  # each query checks out one pooled connection

    event.listen(engine.engines.engine_for(dashboard.source).pool, "checkout", record)

    def values(tenant: int) -> dict[str, object]:
        return resolve_values(dashboard.variables, {"TENANT": tenant})

    singles: list[float] = []
    bursts: list[float] = []
    burst_executions: set[int] = set()
    try:
        await engine.run_chart(dashboard, chart, values(50))  # connects and warms the engine
        for round_ in range(repeats):
            one_tenant = values(round_ % 49 + 1)
            await engine.cache.clear()
            started = time.perf_counter()
            await engine.run_chart(dashboard, chart, one_tenant)
            singles.append(time.perf_counter() - started)
            await engine.cache.clear()
            executions.clear()
            started = time.perf_counter()
            await asyncio.gather(
                *(engine.run_chart(dashboard, chart, one_tenant) for _ in range(IDENTICAL))
            )
            bursts.append(time.perf_counter() - started)
            burst_executions.add(len(executions))
        await engine.cache.clear()
        executions.clear()
        value_sets = [values(tenant) for tenant in range(1, VALUE_SETS + 1)]
        await asyncio.gather(
            *(
                engine.run_chart(dashboard, chart, value_set)
                for value_set in value_sets
                for _ in range(CALLS_PER_SET)
            )
        )
        distinct = len(executions)
    finally:
        engine.close()
    identical = max(burst_executions)  # the worst round: every round must execute once
    return [
        Measurement(
            NAME,
            f"{IDENTICAL} concurrent identical calls: executions (worst of {repeats} rounds)",
            identical,
            "",
            goal="= 1",
            met=burst_executions == {1},
        ),
        Measurement(
            NAME,
            f"{IDENTICAL} concurrent identical calls vs 1 call, wall time",
            statistics.median(bursts) * 1000,
            "ms",
            baseline=statistics.median(singles) * 1000,
        ),
        Measurement(
            NAME,
            f"{VALUE_SETS} value sets x {CALLS_PER_SET} concurrent calls: executions",
            distinct,
            "",
            goal=f"= {VALUE_SETS}",
            met=distinct == VALUE_SETS,
        ),
    ]


def run(demo: Demo, repeats: int) -> list[Measurement]:
    """Execution counts (exact) and the median wall time of a coalesced burst."""
    return asyncio.run(measure(demo, repeats))
