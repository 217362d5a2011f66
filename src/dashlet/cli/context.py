"""What every command shares: the ``--data-dir`` option, settings, the database, clean errors."""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import click

from dashlet.config import Settings
from dashlet.errors import DashletError, VariableError
from dashlet.query.values import convert_value
from dashlet.store.audit import record_event
from dashlet.store.database import Database, open_database
from dashlet.store.definitions import DashboardDef

F = TypeVar("F", bound=Callable[..., Any])


def data_dir_option(command: F) -> F:
    """Adds ``--data-dir`` (else ``DASHLET_DATA_DIR``) to a command; passes ``settings``."""

    @click.option(
        "--data-dir",
        type=click.Path(file_okay=False, path_type=Path),
        default=None,
        help="Data folder (default: $DASHLET_DATA_DIR or ./dashlet-data).",
    )
    @functools.wraps(command)
    def wrapper(*args: Any, data_dir: Path | None, **kwargs: Any) -> Any:
        return command(*args, settings=Settings.from_env(data_dir=data_dir), **kwargs)

    return wrapper  # type: ignore[return-value]


def fail(message: str) -> None:
    """One clear line on standard error, exit status 1."""
    click.echo(f"Error: {message}", err=True)
    sys.exit(1)


def reports_errors(command: F) -> F:
    """Turns any DashletError into one line on standard error and exit status 1."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except DashletError as error:
            fail(error.message.replace("\n", "\n  ") if "\n" in error.message else error.message)

    return wrapper  # type: ignore[return-value]


def dashlet_command(group: click.Group, name: str | None = None, **attrs: Any) -> Callable[[F], F]:
    """Register a command on ``group`` with ``--data-dir`` and clean error reporting."""

    def decorate(function: F) -> F:
        group.command(name, **attrs)(data_dir_option(reports_errors(function)))
        return function

    return decorate


def variable_values(
    dashboard: DashboardDef, pairs: Sequence[str], option: str = "--env"
) -> dict[str, object]:
    """``NAME=VALUE`` options as typed values; repeats of a multi variable make a list."""
    given: dict[str, list[str]] = {}
    for pair in pairs:
        name, equals, value = pair.partition("=")
        if not equals:
            raise VariableError(pair, f"{option} takes NAME=VALUE, not {pair!r}.")
        given.setdefault(name, []).append(value)
    values: dict[str, object] = {}
    for name, raws in given.items():
        variable = dashboard.variable(name)
        if variable is None:
            declared = ", ".join(v.name for v in dashboard.variables) or "none"
            raise VariableError(
                name,
                f"Dashboard {dashboard.slug!r} has no variable {name!r} (it has: {declared}).",
                code="unknown_variable",
            )
        if not variable.multi and len(raws) > 1:
            raise VariableError(
                name, f"Variable {name} takes one value; {option} gave {len(raws)}."
            )
        values[name] = convert_value(variable, raws if variable.multi else raws[0])
    return values


def database(settings: Settings) -> Database:
    return open_database(settings)


CLI_ACTOR = "cli"  # audit events made from the command line


def audit(db: Database, org_slug: str, action: str, detail: dict[str, Any] | None = None) -> None:
    """Record what an owner did from the command line in the organization's audit log."""
    record_event(db, org_slug, CLI_ACTOR, action, detail)


def print_json(value: Any) -> None:
    click.echo(json.dumps(value, indent=2, default=str))
