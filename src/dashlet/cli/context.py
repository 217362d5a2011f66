"""What every command shares: the ``--data-dir`` option, settings, the database, clean errors."""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from dashlet.config import Settings
from dashlet.errors import DashletError
from dashlet.store.database import Database, open_database

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


def database(settings: Settings) -> Database:
    return open_database(settings)


def print_json(value: Any) -> None:
    click.echo(json.dumps(value, indent=2, default=str))
