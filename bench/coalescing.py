"""Coalescing: concurrent identical ``run_chart`` calls on a cold cache reach the warehouse once;
distinct value sets once each. Executions are counted by the connection pool: every query
checks out one connection."""

from __future__ import annotations

import asyncio
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


async def measure(demo: Demo) -> list[Measurement]:
    dashboard = demo.dashboard
    chart = dashboard.chart(CHART)
    engine = QueryEngine(demo.settings)
    executions: list[object] = []

    def record(dbapi_connection: Any, *_args: Any) -> None:
        executions.append(dbapi_connection)  # each query checks out one pooled connection

    event.listen(engine.engines.engine_for(dashboard.source).pool, "checkout", record)

    def values(tenant: int) -> dict[str, object]:
        return resolve_values(dashboard.variables, {"TENANT": tenant})

    try:
        started = time.perf_counter()
        await engine.run_chart(dashboard, chart, values(1))
        single_ms = (time.perf_counter() - started) * 1000
        executions.clear()
        started = time.perf_counter()
        await asyncio.gather(
            *(engine.run_chart(dashboard, chart, values(2)) for _ in range(IDENTICAL))
        )
        identical_ms = (time.perf_counter() - started) * 1000
        identical = len(executions)
        executions.clear()
        await asyncio.gather(
            *(
                engine.run_chart(dashboard, chart, values(tenant))
                for tenant in range(3, 3 + VALUE_SETS)
                for _ in range(CALLS_PER_SET)
            )
        )
        distinct = len(executions)
    finally:
        engine.close()
    return [
        Measurement(
            NAME,
            f"{IDENTICAL} concurrent identical calls: executions",
            identical,
            "",
            goal="= 1",
            met=identical == 1,
        ),
        Measurement(
            NAME,
            f"{IDENTICAL} concurrent identical calls vs 1 call, wall time",
            identical_ms,
            "ms",
            baseline=single_ms,
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
    """Execution counts (exact) and the wall time of the coalesced burst."""
    return asyncio.run(measure(demo))
