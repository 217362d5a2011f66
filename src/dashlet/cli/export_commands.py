"""``dashlet export``: write an organization's sources and dashboards as a dashboards-as-code folder."""

from __future__ import annotations

from pathlib import Path

import click

from dashlet.cli.context import data_dir_option, database, reports_errors
from dashlet.config import Settings
from dashlet.spec.export import export_organization, write_folder


@click.command("export")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@click.option("--org", "org_slug", required=True, help="Organization slug.")
@click.option("--force", is_flag=True, help="Overwrite files that differ from the export.")
@data_dir_option
@reports_errors
def export_command(settings: Settings, folder: Path, org_slug: str, force: bool) -> None:
    """Write FOLDER/sources.yaml and FOLDER/dashboards/*.yaml, as `dashlet apply` reads them."""
    export = export_organization(database(settings), org_slug, folder)
    report = write_folder(export, folder, force=force)
    for placeholder in export.placeholders:
        click.echo(
            f"Note: the password of source {placeholder.source!r} is written as "
            f"${{{placeholder.name}}}; set {placeholder.name} (percent-encoded) before "
            "`dashlet apply`.",
            err=True,
        )
    click.echo(f"Exported organization {org_slug!r} to {folder}:")
    click.echo(f"  {len(report.written)} written, {len(report.unchanged)} unchanged")
    for relative in report.written:
        click.echo(f"  wrote {relative}")
