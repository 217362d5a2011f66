"""The root ``dashlet`` group and its explicit table of command groups."""

from __future__ import annotations

import click

from dashlet._version import __version__
from dashlet.cli.demo_commands import demo_command
from dashlet.cli.embed_commands import sign_command, snippet_command
from dashlet.cli.export_commands import export_command
from dashlet.cli.org_commands import db_group, org_group, secret_group, user_group
from dashlet.cli.owner_commands import revoke_group, token_group, usage_command
from dashlet.cli.query_commands import query_command
from dashlet.cli.serve_commands import serve_command
from dashlet.cli.spec_commands import apply_command, dashboards_group, embed_group

COMMANDS: list[click.Command] = [
    org_group,
    user_group,
    secret_group,
    db_group,
    query_command,
    apply_command,
    export_command,
    dashboards_group,
    embed_group,
    sign_command,
    snippet_command,
    serve_command,
    demo_command,
    revoke_group,
    token_group,
    usage_command,
]


@click.group(help="Dashlet: self-hosted dashboards with secure signed embedding.")
@click.version_option(__version__, prog_name="dashlet")
def cli() -> None:
    pass


for _command in COMMANDS:
    cli.add_command(_command)


def main() -> None:
    cli(prog_name="dashlet")
