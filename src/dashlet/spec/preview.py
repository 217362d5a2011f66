"""Running one chart of an unsaved document: the editor's preview, bound to typed test values.

The chart is read exactly as a save would read it, then run as the embed page would run it
(binds, read-only source, timeout), with two differences: nothing is cached, and at most
``PREVIEW_ROWS`` rows come back. Problems elsewhere in the document (another chart being
written) do not stop the preview; problems in its header, its variables or this chart do.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from dashlet.errors import NotFound, SpecError, SpecProblem
from dashlet.query.engine import QueryEngine
from dashlet.query.results import Result
from dashlet.query.sql import parse_sql
from dashlet.query.values import resolve_values
from dashlet.spec.edit import document_file, load_document
from dashlet.spec.loader import LoadedDashboard
from dashlet.store.database import Database
from dashlet.store.definitions import ChartDef, DashboardDef, SourceDef
from dashlet.store.sources import find_source_def, list_sources

PREVIEW_ROWS = 1000
TestValue = str | Sequence[str]


@dataclass(frozen=True)
class ChartPreview:
    result: Result
    row_limit: int  # the most rows this preview could show


async def preview_chart(
    db: Database,
    engine: QueryEngine,
    org_slug: str,
    slug: str,
    text: str,
    chart_slug: str,
    values: Mapping[str, TestValue],
) -> ChartPreview:
    """Run chart ``chart_slug`` of the document ``text`` with ``values`` (text, typed here).

    SpecError for a document that cannot run this chart; VariableError for a value that is not
    of its variable's type (or a required one left out); the query's own errors as the embed
    routes give them.
    """
    loaded, problems = load_document(db, org_slug, slug, text)
    dashboard, chart = _runnable_chart(loaded, problems, chart_slug, document_file(slug))
    used = parse_sql(chart.sql).variables
    variables = [v for v in dashboard.variables if v.name in used]
    typed = resolve_values(variables, {k: _given(v) for k, v in values.items() if k in used})
    source = _stored_source(db, org_slug, dashboard.source.name)
    row_limit = min(source.row_limit or engine.settings.row_limit, PREVIEW_ROWS)
    result = await engine.run_sql(
        dataclasses.replace(source, row_limit=row_limit), chart.sql, variables, typed, ttl=0
    )
    return ChartPreview(result, row_limit)


def _given(value: TestValue) -> object:
    return value if isinstance(value, str) else list(value)


def _runnable_chart(
    loaded: LoadedDashboard | None, problems: list[SpecProblem], chart_slug: str, file: str
) -> tuple[DashboardDef, ChartDef]:
    if loaded is None:
        raise SpecError(problems)
    index = next(
        (
            i
            for i, item in enumerate(loaded.document.data.get("charts") or [])
            if isinstance(item, dict) and item.get("slug") == chart_slug
        ),
        None,
    )
    if index is None:
        raise SpecError([SpecProblem(file, None, "charts", f"There is no chart {chart_slug!r}.")])
    blocking = [
        p
        for p in problems
        if not p.field.startswith("charts[") or p.field.startswith(f"charts[{index}]")
    ]
    chart = next((c for c in loaded.definition.charts if c.slug == chart_slug), None)
    if blocking or chart is None:
        raise SpecError(blocking or problems)
    return loaded.definition, chart


def _stored_source(db: Database, org_slug: str, name: str) -> SourceDef:
    for source in list_sources(db, org_slug):
        if source.name == name:
            return find_source_def(db, org_slug, source.id)
    raise NotFound(f"There is no data source {name!r}.")
