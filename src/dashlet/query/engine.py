"""The chart engine: render a chart's SQL with typed values, serve it from the cache or run it once.

A miss runs behind single-flight, so identical queries in flight at once reach the data source
once; only successful results are cached, as the bytes of ``Result.to_json_bytes``. A TTL of 0
skips the cache but keeps single-flight.
"""

from __future__ import annotations

import datetime as dt
import functools
import time
from collections.abc import Mapping, Sequence

from dashlet.config import Settings
from dashlet.query.cache import (
    LocalSingleFlight,
    ResultCache,
    SingleFlight,
    cache_from_settings,
    cache_key,
)
from dashlet.query.results import Result
from dashlet.query.sources import SourceEngines
from dashlet.query.sql import RenderedQuery, parse_sql, render_sql
from dashlet.store.definitions import ChartDef, DashboardDef, SourceDef, VariableDef


class QueryEngine:
    """Runs chart and variable-choice SQL against data sources, through cache and single-flight."""

    def __init__(
        self,
        settings: Settings,
        *,
        cache: ResultCache | None = None,
        engines: SourceEngines | None = None,
        flight: SingleFlight | None = None,
    ) -> None:
        self.settings = settings
        self.cache = cache if cache is not None else cache_from_settings(settings)
        self._owns_engines = engines is None
        self.engines = engines or SourceEngines(threads=settings.query_threads)
        self.flight = flight or LocalSingleFlight()

    async def run_chart(
        self, dashboard: DashboardDef, chart: ChartDef, values: Mapping[str, object]
    ) -> Result:
        """One chart's data for typed variable ``values``, cached for the chart's TTL."""
        return await self.run_sql(
            dashboard.source,
            chart.sql,
            dashboard.variables,
            values,
            ttl=dashboard.ttl_for(chart),
        )

    async def run_sql(
        self,
        source: SourceDef,
        sql: str,
        variables: Sequence[VariableDef],
        values: Mapping[str, object],
        *,
        ttl: int,
    ) -> Result:
        """Any SQL with variables (choices_sql, previews): cached ``ttl`` seconds, 0 for never."""
        started = time.perf_counter()
        query = render_sql(parse_sql(sql), values, {v.name: v for v in variables})
        row_limit = source.row_limit or self.settings.row_limit
        key = cache_key(source, query.sql, query.params, row_limit)
        if ttl > 0:
            payload = await self.cache.get(key)
            if payload is not None:
                return Result.from_json_bytes(payload, cached=True, duration_ms=_ms(started))
        work = functools.partial(self._execute, source, query, key, row_limit=row_limit, ttl=ttl)
        return await self.flight.run(key, work)

    async def _execute(
        self, source: SourceDef, query: RenderedQuery, key: str, *, row_limit: int, ttl: int
    ) -> Result:
        started = time.perf_counter()
        table = await self.engines.fetch(
            source,
            query,
            row_limit=row_limit,
            timeout=source.statement_timeout or self.settings.query_timeout,
        )
        result = Result(
            columns=table.columns,
            rows=table.rows,
            cached=False,
            duration_ms=_ms(started),
            truncated=table.truncated,
            computed_at=dt.datetime.now(dt.UTC),
        )
        if ttl > 0:
            await self.cache.set(key, result.to_json_bytes(), ttl)
        return result

    def close(self) -> None:
        """Release the data-source engines and threads this engine made."""
        if self._owns_engines:
            self.engines.dispose()


def _ms(started: float) -> float:
    return (time.perf_counter() - started) * 1000
