"""``dashlet apply``, ``dashlet dashboards list`` and ``dashlet embed enable|disable``."""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

import click

from dashlet.cli.context import (
    CLI_ACTOR,
    audit,
    dashlet_command,
    data_dir_option,
    database,
    fail,
    print_json,
    reports_errors,
)
from dashlet.config import Settings
from dashlet.errors import SpecError
from dashlet.spec.apply import apply_folder
from dashlet.spec.tenancy import TenancyReport, require_fail_closed
from dashlet.store.dashboards import (
    delete_dashboard,
    get_dashboard,
    list_dashboards,
    set_embed_settings,
)
from dashlet.store.definitions import DashboardDef
from dashlet.web.api_models import DashboardOut

dashboards_group = click.Group("dashboards", help="List or delete an organization's dashboards.")
embed_group = click.Group("embed", help="Turn embedding on or off for one dashboard.")


@click.command("apply")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@click.option("--org", "org_slug", required=True, help="Organization slug.")
@data_dir_option
@reports_errors
def apply_command(settings: Settings, folder: Path, org_slug: str) -> None:
    """Check FOLDER (sources.yaml, dashboards/*.yaml), then create or update it all at once."""
    try:
        db = database(settings)
        report = apply_folder(db, folder, org_slug)
    except SpecError as error:
        for problem in error.problems:
            where = os.path.join(folder, problem.file)
            click.echo(str(dataclasses.replace(problem, file=where)), err=True)
        count = len(error.problems)
        fail(f"{count} problem{'s' if count != 1 else ''} found; nothing was applied.")
        return
    if report.changed:
        audit(db, org_slug, "dashboards.applied", {"summary": report.summary()})
    click.echo(f"Applied {folder} to organization {org_slug!r}:")
    for line in report.summary():
        click.echo(f"  {line}")


def dashboard_json(dashboard: DashboardDef) -> dict[str, object]:
    """One dashboard in the CONTRACT shape of ``dashlet dashboards list --json`` (the API's too)."""
    return DashboardOut.model_validate(dashboard).model_dump(mode="json")


@dashlet_command(dashboards_group, "list")
@click.option("--org", "org_slug", required=True, help="Organization slug.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def dashboards_list(settings: Settings, org_slug: str, as_json: bool) -> None:
    """List the dashboards of an organization, with their variables and charts."""
    dashboards = list_dashboards(database(settings), org_slug)
    if as_json:
        print_json([dashboard_json(d) for d in dashboards])
        return
    if not dashboards:
        click.echo(f"Organization {org_slug!r} has no dashboards yet (see `dashlet apply`).")
    for d in dashboards:
        embed = "embedding on" if d.embed.enabled else "embedding off"
        charts = f"{len(d.charts)} chart{'s' if len(d.charts) != 1 else ''}"
        click.echo(f"{d.id:>5}  {d.slug}  {d.title!r}  {charts}, {embed}")


@dashlet_command(dashboards_group, "delete")
@click.argument("slug")
@click.option("--org", "org_slug", required=True, help="Organization slug.")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def dashboards_delete(settings: Settings, slug: str, org_slug: str, yes: bool) -> None:
    """Delete a dashboard with its charts, variables, usage and revocation rules."""
    db = database(settings)
    dashboard = get_dashboard(db, org_slug, slug)
    if not yes:
        click.confirm(
            f"Delete {dashboard.title!r} ({slug})? Its embeds are refused at once.", abort=True
        )
    delete_dashboard(db, org_slug, slug, actor=CLI_ACTOR)
    click.echo(f"Deleted dashboard {slug!r} of {org_slug!r}; its embeds are refused from now on.")


@dashlet_command(embed_group, "enable")
@click.option("--org", "org_slug", required=True, help="Organization slug.")
@click.option("--dashboard", "dashboard_slug", required=True, help="Dashboard slug.")
@click.option(
    "--allow-viewer-variables",
    is_flag=True,
    help="Let viewers set the variables that are neither hidden nor set by the token.",
)
def embed_enable(
    settings: Settings, org_slug: str, dashboard_slug: str, allow_viewer_variables: bool
) -> None:
    """Turn embedding on, unless a chart would show every tenant's rows (fail-closed)."""
    db = database(settings)
    try:
        saved = set_embed_settings(
            db,
            org_slug,
            dashboard_slug,
            enabled=True,
            allow_viewer_variables=allow_viewer_variables,
            check=require_fail_closed,  # inside the write: no apply can slip in between
        )
    except SpecError as error:
        reasons = " ".join(problem.message for problem in error.problems)
        fail(f"Embedding stays off for {dashboard_slug!r}: {reasons}")
        return
    audit(db, org_slug, "embed.changed", {"dashboard": dashboard_slug, "enabled": True})
    report = require_fail_closed(saved)
    viewers = "viewers may set" if allow_viewer_variables else "viewers cannot change"
    click.echo(f"Embedding is on for {dashboard_slug!r} ({viewers} its variables).")
    for line in _tenancy_lines(report):
        click.echo(f"  {line}")


@dashlet_command(embed_group, "disable")
@click.option("--org", "org_slug", required=True, help="Organization slug.")
@click.option("--dashboard", "dashboard_slug", required=True, help="Dashboard slug.")
def embed_disable(settings: Settings, org_slug: str, dashboard_slug: str) -> None:
    """Turn embedding off: every embed URL of this dashboard gets embedding_disabled."""
    db = database(settings)
    dashboard = get_dashboard(db, org_slug, dashboard_slug)
    set_embed_settings(
        db,
        org_slug,
        dashboard_slug,
        enabled=False,
        allow_viewer_variables=dashboard.embed.allow_viewer_variables,
    )
    audit(db, org_slug, "embed.changed", {"dashboard": dashboard_slug, "enabled": False})
    click.echo(f"Embedding is off for {dashboard_slug!r}.")


def _tenancy_lines(report: TenancyReport) -> list[str]:
    """How each chart is kept to one tenant, for the owner who just turned embedding on."""
    if not report.hidden:
        return ["This dashboard has no hidden variables: every viewer sees the same rows."]
    lines = []
    for finding in report.findings:
        subject = f"chart {finding.name}" if finding.kind == "chart" else f"{finding.name} choices"
        if finding.filtered_by:
            lines.append(f"{subject}: filtered by {', '.join(finding.filtered_by)}")
        elif finding.shared:
            lines.append(f"{subject}: shared (the same rows for every tenant)")
    return lines
