"""``dashlet demo``: build (or reuse) the demo warehouse, organization and dashboards."""

from __future__ import annotations

import click

from dashlet.cli.context import data_dir_option, reports_errors
from dashlet.cli.serve_commands import run_server
from dashlet.config import Settings
from dashlet.demo.setup import DemoInfo, ensure_demo


@click.command("demo")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to serve on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option(
    "--orders",
    default=1_000_000,
    show_default=True,
    type=click.IntRange(min=1),
    help="Orders in the demo warehouse (a different number rebuilds it).",
)
@click.option("--no-serve", is_flag=True, help="Set everything up, print it, and exit.")
@data_dir_option
@reports_errors
def demo_command(settings: Settings, host: str, port: int, orders: int, no_serve: bool) -> None:
    """Set up the demo organization with its warehouse and dashboards, then serve it."""
    demo = ensure_demo(settings, orders=orders)
    describe(demo)
    if no_serve:
        return
    click.echo(f"\nThe demo host application: http://{host}:{port}/demo")
    click.echo(f"The admin (sign in with the owner login): http://{host}:{port}/ (Ctrl+C stops).")
    run_server(demo.settings, host, port, 1, demo=True)


def describe(demo: DemoInfo) -> None:
    """Print what the demo holds and how to log in."""
    warehouse = demo.warehouse
    how = f"built in {warehouse.seconds:.1f} s" if warehouse.built else "reused"
    click.echo(
        f"Warehouse: {warehouse.orders:,} orders of {warehouse.tenants} tenants, "
        f"{warehouse.first_day} to {warehouse.last_day}, "
        f"{warehouse.size_bytes / 1e6:.1f} MB ({how}): {warehouse.path}"
    )
    click.echo(f"Organization: {demo.organization.slug} (id {demo.organization.id})")
    click.echo(f"Owner login: {demo.owner_email}  password: {demo.owner_password}")
    click.echo("Dashboards:")
    for dashboard in demo.dashboards:
        embed = "embedding on" if dashboard.embed.enabled else "embedding off"
        click.echo(
            f"  {dashboard.slug} (id {dashboard.id}): {dashboard.title}, "
            f"{len(dashboard.charts)} charts, {embed}"
        )
