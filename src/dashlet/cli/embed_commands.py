"""``dashlet sign`` (a signed 2.0 embed URL) and ``dashlet snippet`` (example code that signs one)."""

from __future__ import annotations

import warnings
from collections.abc import Mapping

import click

from dashlet.cli.context import data_dir_option, database, reports_errors, variable_values
from dashlet.config import Settings
from dashlet.embed.snippets import LANGUAGES, render_snippet
from dashlet.embed.urls import MAX_TTL, UrlLengthWarning, sign_embed_url
from dashlet.store import organizations
from dashlet.store.dashboards import get_dashboard
from dashlet.store.definitions import DashboardDef


def load_problems(dashboard: DashboardDef, env: Mapping[str, object]) -> list[str]:
    """Why the signed page would still refuse to load: embedding off, required values unset."""
    problems = []
    if not dashboard.embed.enabled:
        problems.append(
            f"Embedding is off for {dashboard.slug!r}: the URL is refused until an owner turns "
            f"it on (dashlet embed enable)."
        )
    problems.extend(
        f"Variable {v.name} is required and has no value: the page will refuse to load."
        for v in dashboard.variables
        if v.required
        and v.default is None
        and v.name not in env
        and (v.hidden or not dashboard.embed.allow_viewer_variables)
    )
    return problems


org_option = click.option("--org", "org_slug", required=True, help="Organization slug.")
dashboard_option = click.option(
    "--dashboard", "dashboard_slug", required=True, help="Dashboard slug."
)
env_option = click.option(
    "--env",
    "env_pairs",
    multiple=True,
    metavar="NAME=VALUE",
    help="A variable value to sign; repeat it for each value of a multi variable.",
)


@click.command("sign")
@org_option
@dashboard_option
@env_option
@click.option(
    "--ttl",
    type=click.IntRange(1, MAX_TTL),
    default=3600,
    show_default=True,
    help="Seconds the URL stays valid (at most 86400).",
)
@data_dir_option
@reports_errors
def sign_command(
    settings: Settings, org_slug: str, dashboard_slug: str, env_pairs: tuple[str, ...], ttl: int
) -> None:
    """Print a signed 2.0 embed URL alone on standard output (warnings go to standard error)."""
    db = database(settings)
    org = organizations.get_organization(db, org_slug)
    dashboard = get_dashboard(db, org_slug, dashboard_slug)
    env = variable_values(dashboard, env_pairs)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", UrlLengthWarning)
        url = sign_embed_url(
            settings.base_url,
            org.slug,
            dashboard.slug,
            org.id,
            dashboard.id,
            organizations.reveal_secret(db, org_slug),
            env or None,
            ttl,
        )
    notes = [str(warning.message) for warning in caught] + load_problems(dashboard, env)
    for note in notes:
        click.echo(f"Warning: {note}", err=True)
    click.echo(url)


@click.command("snippet")
@org_option
@dashboard_option
@env_option
@click.option(
    "--lang", "language", type=click.Choice(LANGUAGES), required=True, help="Language of the code."
)
@data_dir_option
@reports_errors
def snippet_command(
    settings: Settings,
    org_slug: str,
    dashboard_slug: str,
    env_pairs: tuple[str, ...],
    language: str,
) -> None:
    """Print ready-to-run code that signs an embed URL for a dashboard (the secret stays out)."""
    dashboard = get_dashboard(database(settings), org_slug, dashboard_slug)
    code = render_snippet(
        language,
        base_url=settings.base_url,
        org_slug=org_slug,
        dashboard=dashboard,
        env=variable_values(dashboard, env_pairs),
    )
    click.echo(code, nl=False)
