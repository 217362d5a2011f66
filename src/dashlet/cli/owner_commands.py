"""Owner commands beyond the basics: rotate, revoke, usage, token explain."""

from __future__ import annotations

import datetime as dt
import re
import time

import click
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from dashlet.cli.context import (
    audit,
    dashlet_command,
    data_dir_option,
    database,
    print_json,
    reports_errors,
)
from dashlet.cli.org_commands import secret_group
from dashlet.config import Settings
from dashlet.embed.explain import explain_token
from dashlet.embed.revocation import RevocationRules
from dashlet.embed.tokens import TokenKeys, token_digest
from dashlet.errors import ConfigError
from dashlet.store import organizations, revocations
from dashlet.store.dashboards import list_dashboards
from dashlet.store.database import Database
from dashlet.store.usage import DashboardUsage, usage_report
from dashlet.web.api_owner_models import DashboardUsageOut

revoke_group = click.Group("revoke", help="Revoke embed tokens without resetting the secret.")
token_group = click.Group("token", help="Inspect embed tokens.")
DURATION = re.compile(r"^(\d+)([smhd])$")
UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
VERDICTS = {True: "[green]pass[/]", False: "[red]FAIL[/]", None: "[dim]info[/]"}


def parse_duration(text: str) -> dt.timedelta:
    """``90s``, ``15m``, ``1h`` or ``1d`` as a timedelta."""
    match = DURATION.match(text.strip())
    if match is None:
        raise ConfigError(f"{text!r} is not a duration: use e.g. 90s, 15m, 1h.")
    return dt.timedelta(seconds=int(match[1]) * UNIT_SECONDS[match[2]])


def parse_moment(text: str) -> dt.datetime:
    """``now`` or an ISO 8601 time (UTC when no zone is given)."""
    if text == "now":
        return dt.datetime.now(dt.UTC)
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        raise ConfigError(f"{text!r} is not a time: use 'now' or ISO 8601.") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


@dashlet_command(secret_group, "rotate")
@click.option("--org", "org_slug", required=True, help="Organization slug.")
@click.option(
    "--grace", default="1h", show_default=True, help="How long the old secret stays valid."
)
def secret_rotate(settings: Settings, org_slug: str, grace: str) -> None:
    """Make a new secret; the old one keeps working for the grace window (at most 24h)."""
    window = parse_duration(grace)
    db = database(settings)
    organizations.rotate_secret(db, org_slug, window)
    audit(db, org_slug, "secret.rotated", {"grace_seconds": int(window.total_seconds())})
    click.echo(
        f"The embed secret of {org_slug!r} was rotated; tokens signed with the previous secret "
        f"work until {(dt.datetime.now(dt.UTC) + window).isoformat(timespec='seconds')}."
    )


def _added(db: Database, org_slug: str, rule: revocations.RevocationInfo) -> None:
    audit(db, org_slug, "revocation.added", {"id": rule.id, "kind": rule.kind})
    click.echo(f"Added revocation rule {rule.id} ({rule.kind}); it applies at once.")


@dashlet_command(revoke_group, "token")
@click.argument("token")
@click.option("--org", "org_slug", required=True, help="Organization slug.")
def revoke_token(settings: Settings, token: str, org_slug: str) -> None:
    """Revoke one token (stored as its digest, never as the token)."""
    db = database(settings)
    _added(
        db,
        org_slug,
        revocations.add_revocation(db, org_slug, "token", token_digest=token_digest(token)),
    )


@dashlet_command(revoke_group, "jti")
@click.argument("jti")
@click.option("--org", "org_slug", required=True, help="Organization slug.")
def revoke_jti(settings: Settings, jti: str, org_slug: str) -> None:
    """Revoke every token carrying this ``jti`` claim."""
    db = database(settings)
    _added(db, org_slug, revocations.add_revocation(db, org_slug, "jti", jti=jti))


@dashlet_command(revoke_group, "before")
@click.option("--org", "org_slug", required=True, help="Organization slug.")
@click.option("--dashboard", "dashboard_slug", required=True, help="Dashboard slug.")
@click.option("--time", "moment", default="now", show_default=True, help="'now' or ISO 8601.")
def revoke_before(settings: Settings, org_slug: str, dashboard_slug: str, moment: str) -> None:
    """Revoke a dashboard's tokens issued before a time."""
    db = database(settings)
    rule = revocations.add_revocation(
        db,
        org_slug,
        "issued_before",
        dashboard_slug=dashboard_slug,
        issued_before=parse_moment(moment),
    )
    _added(db, org_slug, rule)


@dashlet_command(revoke_group, "env")
@click.argument("assignment", metavar="NAME=VALUE")
@click.option("--org", "org_slug", required=True, help="Organization slug.")
@click.option("--dashboard", "dashboard_slug", default=None, help="Only this dashboard.")
def revoke_env(
    settings: Settings, assignment: str, org_slug: str, dashboard_slug: str | None
) -> None:
    """Revoke every token whose env has NAME=VALUE (e.g. a churned customer)."""
    name, equals, value = assignment.partition("=")
    if not equals or not name:
        raise ConfigError("Give the env value as NAME=VALUE.")
    db = database(settings)
    rule = revocations.add_revocation(
        db,
        org_slug,
        "env",
        dashboard_slug=dashboard_slug,
        env_name=name,
        env_value=value,
    )
    _added(db, org_slug, rule)


@dashlet_command(revoke_group, "list")
@click.option("--org", "org_slug", required=True, help="Organization slug.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def revoke_list(settings: Settings, org_slug: str, as_json: bool) -> None:
    """List the revocation rules."""
    rules = revocations.list_revocations(database(settings), org_slug)
    rows = [
        {
            "id": rule.id,
            "kind": rule.kind,
            "dashboard_id": rule.dashboard_id,
            "token_digest": rule.token_digest,
            "jti": rule.jti,
            "issued_before": rule.issued_before.isoformat() if rule.issued_before else None,
            "env": {rule.env_name: rule.env_value} if rule.env_name else None,
            "created_at": rule.created_at.isoformat(),
        }
        for rule in rules
    ]
    if as_json:
        print_json(rows)
        return
    for row in rows:
        click.echo(" ".join(f"{k}={v}" for k, v in row.items() if v is not None))


@dashlet_command(revoke_group, "remove")
@click.argument("rule_id", type=int)
@click.option("--org", "org_slug", required=True, help="Organization slug.")
def revoke_remove(settings: Settings, rule_id: int, org_slug: str) -> None:
    """Remove a revocation rule."""
    db = database(settings)
    revocations.remove_revocation(db, org_slug, rule_id)
    audit(db, org_slug, "revocation.removed", {"id": rule_id})
    click.echo(f"Removed revocation rule {rule_id}.")


@dashlet_command(token_group, "explain")
@click.argument("token")
@click.option("--org", "org_slug", required=True, help="Organization slug.")
def token_explain(settings: Settings, token: str, org_slug: str) -> None:
    """List every check of TOKEN with its verdict (never the secret)."""
    db = database(settings)
    org = organizations.get_organization(db, org_slug)
    current, previous, until = organizations.signing_secrets(db, org_slug)
    now = time.time()
    open_window = until is not None and now < until.timestamp()
    keys = TokenKeys(current.encode(), previous.encode() if previous and open_window else None)
    dashboards = {d.id: d for d in list_dashboards(db, org_slug)}
    checks = explain_token(
        token,
        keys=keys,
        organization_id=org.id,
        dashboards=dashboards,
        now=now,
        leeway=settings.token_leeway,
        revocations=RevocationRules(revocations.list_revocations(db, org_slug)),
    )
    table = Table("check", "verdict", "detail", title=f"Token for organization {org_slug!r}")
    for check in checks:
        # Claims are attacker-controlled text: never let Rich read them as markup.
        table.add_row(escape(check.name), VERDICTS[check.ok], escape(check.detail))
    Console().print(table)
    if any(check.ok is False for check in checks):
        raise SystemExit(1)


def usage_json(usage: DashboardUsage) -> dict[str, object]:
    """One dashboard's usage in the shape of ``dashlet usage --json`` (the API's too)."""
    return DashboardUsageOut.of(usage).model_dump(mode="json")


@click.command("usage")
@click.option("--org", "org_slug", required=True, help="Organization slug.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@data_dir_option
@reports_errors
def usage_command(settings: Settings, org_slug: str, as_json: bool) -> None:
    """Embed usage per dashboard: new tokens, loads, cache hit rate, per day."""
    report = usage_report(database(settings), org_slug)
    if as_json:
        print_json({"dashboards": [usage_json(usage) for usage in report]})
        return
    table = Table("dashboard", "new tokens", "loads", "cache hit rate", "1.0 loads", "refusals")
    for usage in report:
        rate = "-" if usage.cache_hit_rate is None else f"{usage.cache_hit_rate:.0%}"
        refusals = ", ".join(f"{code} {count}" for code, count in usage.refusals.items()) or "-"
        table.add_row(
            usage.slug,
            str(usage.new_tokens),
            str(usage.loads),
            rate,
            str(usage.legacy_loads),
            refusals,
        )
    Console().print(table)
