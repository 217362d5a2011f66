"""``dashlet query``: run one chart's SQL through the engine and show its rows, timing and cache."""

from __future__ import annotations

import asyncio
from typing import Any

import click
from rich.console import Console
from rich.table import Table

from dashlet.cli.context import data_dir_option, database, fail, reports_errors, variable_values
from dashlet.config import Settings
from dashlet.query.engine import QueryEngine
from dashlet.query.results import Result
from dashlet.query.sources import SourceError
from dashlet.query.values import resolve_values
from dashlet.store.dashboards import get_dashboard


@click.command("query")
@click.option("--org", "org_slug", required=True, help="Organization slug.")
@click.option("--dashboard", "dashboard_slug", required=True, help="Dashboard slug.")
@click.option("--chart", "chart_slug", required=True, help="Chart slug.")
@click.option(
    "--var",
    "assignments",
    multiple=True,
    metavar="NAME=VALUE",
    help="A variable value; repeat the name for each value of a multi variable.",
)
@click.option("--max-rows", default=50, show_default=True, help="Rows to print (all are fetched).")
@data_dir_option
@reports_errors
def query_command(
    settings: Settings,
    org_slug: str,
    dashboard_slug: str,
    chart_slug: str,
    assignments: tuple[str, ...],
    max_rows: int,
) -> None:
    """Run one chart's SQL as the embedded page would and print its rows."""
    db = database(settings)
    try:
        dashboard = get_dashboard(db, org_slug, dashboard_slug)
    finally:
        db.dispose()
    chart = dashboard.chart(chart_slug)
    values = resolve_values(dashboard.variables, variable_values(dashboard, assignments, "--var"))
    engine = QueryEngine(settings)
    try:
        result = asyncio.run(engine.run_chart(dashboard, chart, values))
    except SourceError as error:
        fail(f"{error.message} The driver said: {error.detail}")
        return
    finally:
        engine.close()
    show(result, title=chart.title, max_rows=max_rows, ttl=dashboard.ttl_for(chart))


def show(result: Result, *, title: str, max_rows: int, ttl: int) -> None:
    """The rows as a table, then one line of row count, timing and cache status."""
    console = Console()
    table = Table(title=title)
    for column in result.columns:
        table.add_column(f"{column.name}\n[dim]{column.type}[/dim]")
    for row in result.rows[:max_rows]:
        table.add_row(*(_cell(value) for value in row))
    console.print(table)
    hidden = len(result.rows) - max_rows
    status = "cache hit" if result.cached else ("not cached (TTL 0)" if ttl == 0 else "cache miss")
    notes = [
        f"{len(result.rows)} row{'' if len(result.rows) == 1 else 's'}",
        f"{result.duration_ms:.1f} ms",
        status,
    ]
    if hidden > 0:
        notes.append(f"{hidden} not printed (--max-rows)")
    if result.truncated:
        notes.append("cut at the data source's row limit")
    console.print(" · ".join(notes), highlight=False)


def _cell(value: Any) -> str:
    return "[dim]NULL[/dim]" if value is None else str(value).replace("[", r"\[")
