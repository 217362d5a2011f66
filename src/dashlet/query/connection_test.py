"""A data source's connection test: ``SELECT 1`` through the engine dashboards use, briefly.

The answer carries the time taken, or the failure's plain sentence and its redacted detail
(``SourceError``): never the URL or its password.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from dashlet.query.sources import SourceEngines, SourceError
from dashlet.query.sql import RenderedQuery
from dashlet.store.definitions import SourceDef

PROBE = RenderedQuery(sql="SELECT 1", params={}, variables={})
TEST_TIMEOUT = 5.0


@dataclass(frozen=True)
class ConnectionReport:
    """How a connection test went: ``ok`` with ``elapsed_ms``, or a safe ``message``."""

    ok: bool
    elapsed_ms: float
    code: str | None = None
    message: str | None = None
    detail: str | None = None


async def check_connection(
    engines: SourceEngines, source: SourceDef, *, timeout: float = TEST_TIMEOUT
) -> ConnectionReport:
    """Run ``SELECT 1`` on ``source`` and report the time it took or why it failed."""
    started = time.perf_counter()
    try:
        await engines.fetch(source, PROBE, row_limit=1, timeout=timeout)
    except SourceError as error:
        return ConnectionReport(
            ok=False,
            elapsed_ms=_ms(started),
            code=error.code,
            message=error.message,
            detail=error.detail,
        )
    return ConnectionReport(ok=True, elapsed_ms=_ms(started))


def _ms(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 1)
