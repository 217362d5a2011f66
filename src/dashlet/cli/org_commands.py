"""``dashlet org``, ``dashlet user``, ``dashlet secret`` and ``dashlet db``."""

from __future__ import annotations

import sys

import click

from dashlet.auth.passwords import hash_password
from dashlet.cli.context import audit, dashlet_command, database, print_json
from dashlet.config import Settings
from dashlet.store import organizations, users
from dashlet.store.database import create_metadata_engine, upgrade
from dashlet.store.organizations import OrganizationInfo

org_group = click.Group("org", help="Create and show organizations.")
user_group = click.Group("user", help="Create users and give them a role.")
secret_group = click.Group("secret", help="Show or reset an organization's embed secret.")
db_group = click.Group("db", help="Manage the metadata database.")


def org_json(org: OrganizationInfo) -> dict[str, object]:
    return {
        "id": org.id,
        "slug": org.slug,
        "name": org.name,
        "legacy_enabled": org.legacy_enabled,
        "frame_ancestors": list(org.frame_ancestors),
        "created_at": org.created_at.isoformat(),
    }


@dashlet_command(org_group, "create")
@click.argument("slug")
@click.option("--name", default=None, help="Display name (default: the slug).")
def org_create(settings: Settings, slug: str, name: str | None) -> None:
    """Create organization SLUG with a new embed secret."""
    org = organizations.create_organization(database(settings), slug, name)
    click.echo(f"Created organization {org.slug!r} (id {org.id}).")


@dashlet_command(org_group, "show")
@click.argument("slug")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def org_show(settings: Settings, slug: str, as_json: bool) -> None:
    """Show organization SLUG."""
    org = organizations.get_organization(database(settings), slug)
    if as_json:
        print_json(org_json(org))
    else:
        for key, value in org_json(org).items():
            click.echo(f"{key}: {value}")


@dashlet_command(org_group, "set")
@click.argument("slug")
@click.option(
    "--legacy/--no-legacy", default=None, help="Serve the Embedding 1.0 URLs (default on)."
)
@click.option(
    "--frame-ancestor",
    "frame_ancestors",
    multiple=True,
    help="An origin allowed to frame embeds (repeat; replaces the list).",
)
@click.option("--any-frame-ancestor", is_flag=True, help="Clear the list: any origin may frame.")
def org_set(
    settings: Settings,
    slug: str,
    legacy: bool | None,
    frame_ancestors: tuple[str, ...],
    any_frame_ancestor: bool,
) -> None:
    """Change organization SLUG's embedding settings."""
    db = database(settings)
    org = organizations.get_organization(db, slug)
    if legacy is not None:
        org = organizations.set_legacy_enabled(db, slug, legacy)
        audit(db, slug, "embedding.changed", {"legacy_enabled": legacy})
    if frame_ancestors or any_frame_ancestor:
        org = organizations.set_frame_ancestors(db, slug, list(frame_ancestors))
        audit(db, slug, "embedding.changed", {"frame_ancestors": list(org.frame_ancestors)})
    print_json(org_json(org))


@dashlet_command(user_group, "create")
@click.argument("email")
@click.option("--org", "org_slug", required=True, help="Organization slug.")
@click.option("--role", type=click.Choice(["owner", "editor", "viewer"]), required=True)
def user_create(settings: Settings, email: str, org_slug: str, role: str) -> None:
    """Create user EMAIL (password read from standard input) with ROLE in an organization."""
    password = sys.stdin.readline().rstrip("\r\n")
    db = database(settings)
    member = users.add_member(db, email, hash_password(password), org_slug, role)
    audit(db, org_slug, "member.added", {"email": member.email, "role": member.role})
    click.echo(f"{member.email} is {member.role} of {member.organization!r}.")


@dashlet_command(secret_group, "show")
@click.option("--org", "org_slug", required=True, help="Organization slug.")
def secret_show(settings: Settings, org_slug: str) -> None:
    """Print the embed secret alone on standard output."""
    db = database(settings)
    secret = organizations.reveal_secret(db, org_slug)
    audit(db, org_slug, "secret.revealed")
    click.echo(secret)


@dashlet_command(secret_group, "reset")
@click.option("--org", "org_slug", required=True, help="Organization slug.")
def secret_reset(settings: Settings, org_slug: str) -> None:
    """Make a new embed secret; every token signed with the old one fails at once."""
    db = database(settings)
    organizations.reset_secret(db, org_slug)
    audit(db, org_slug, "secret.reset")
    click.echo(f"The embed secret of {org_slug!r} was reset; every existing embed URL now fails.")


@dashlet_command(db_group, "upgrade")
def db_upgrade(settings: Settings) -> None:
    """Apply pending migrations to the metadata database."""
    if settings.database_url is None:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
    engine = create_metadata_engine(settings.metadata_url)
    try:
        upgrade(engine)
    finally:
        engine.dispose()
    click.echo("The metadata database is up to date.")
