"""Cache-hit overhead: ``run_chart`` on charts already cached, against a dict lookup of the same
results. Per call, averaged over every chart of the main dashboard."""

from __future__ import annotations

import asyncio
import statistics
import time

from bench.demo import Demo
from bench.measure import Measurement
from dashlet.query.engine import QueryEngine
from dashlet.query.results import Result
from dashlet.query.values import resolve_values

NAME = "cache hit"
CALLS = 300  # per chart, per timed batch


async def measure(demo: Demo, repeats: int) -> list[Measurement]:
    dashboard = demo.dashboard
    values = resolve_values(dashboard.variables, {"TENANT": 1})
    engine = QueryEngine(demo.settings)
    try:
        looked_up: dict[str, Result] = {}
        for chart in dashboard.charts:
            looked_up[chart.slug] = await engine.run_chart(dashboard, chart, values)
        engine_batches: list[float] = []
        lookup_batches: list[float] = []
        for _ in range(repeats):
            started = time.perf_counter()
            for chart in dashboard.charts:
                for _ in range(CALLS):
                    result = await engine.run_chart(dashboard, chart, values)
            engine_batches.append(time.perf_counter() - started)
            assert result.cached
            started = time.perf_counter()
            for chart in dashboard.charts:
                for _ in range(CALLS):
                    result = looked_up[chart.slug]
            lookup_batches.append(time.perf_counter() - started)
    finally:
        engine.close()
    calls = CALLS * len(dashboard.charts)
    engine_us = statistics.median(engine_batches) / calls * 1e6
    lookup_us = statistics.median(lookup_batches) / calls * 1e6
    return [
        Measurement(
            NAME, "run_chart served from cache vs dict lookup, per call", engine_us, "us", lookup_us
        )
    ]


def run(demo: Demo, repeats: int) -> list[Measurement]:
    """Median per-call time of cached run_chart and of a dict lookup."""
    return asyncio.run(measure(demo, repeats))
