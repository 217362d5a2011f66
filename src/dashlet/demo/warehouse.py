"""The demo warehouse file: generated once, reused while complete and of the same parameters.

A small ``demo_build`` table records the parameters and is written last, as the "complete"
marker. The file is built beside its final path and renamed into place, so readers (the query
engine opens it read-only) never see a half-built warehouse.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from dashlet.demo.generator import FIRST_DAY, GENERATOR, LAST_DAY, generate, step_count
from dashlet.errors import ConfigError

BUILD_TABLE = """
CREATE TABLE demo_build (generator INTEGER, orders BIGINT, tenants INTEGER, first_day DATE,
    last_day DATE, complete BOOLEAN)
"""


@dataclass(frozen=True)
class WarehouseInfo:
    """A built (or reused) demo warehouse and what it holds."""

    path: Path
    orders: int
    tenants: int
    first_day: dt.date
    last_day: dt.date
    built: bool  # False when an existing complete file was reused
    seconds: float
    size_bytes: int


def build_warehouse(
    path: Path, *, orders: int = 1_000_000, tenants: int = 50, progress: bool = True
) -> WarehouseInfo:
    """Build the demo warehouse at ``path``, or return at once if it is already complete.

    The file is built beside ``path`` and renamed into place, so an interrupted run never leaves
    a half-built warehouse where readers look; a file from other parameters is rebuilt.
    """
    if orders < 1 or tenants < 1:
        raise ConfigError("The demo needs at least one order and one tenant.")
    wanted = (GENERATOR, orders, tenants, FIRST_DAY, LAST_DAY, True)
    path.parent.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    with _exclusive(path.with_name(path.name + ".lock")):
        if _recorded_build(path) == wanted:
            return _info(path, orders, tenants, built=False, started=started)
        partial = path.with_name(path.name + ".partial")
        _remove(partial)
        try:
            _generate(partial, orders, tenants, progress)
        except BaseException:
            _remove(partial)
            raise
        _remove(path)  # and its write-ahead log, which must never be replayed on the new file
        os.replace(partial, path)
    return _info(path, orders, tenants, built=True, started=started)


def _info(path: Path, orders: int, tenants: int, *, built: bool, started: float) -> WarehouseInfo:
    return WarehouseInfo(
        path=path,
        orders=orders,
        tenants=tenants,
        first_day=FIRST_DAY,
        last_day=LAST_DAY,
        built=built,
        seconds=time.perf_counter() - started,
        size_bytes=path.stat().st_size,
    )


@contextmanager
def _exclusive(lock_path: Path) -> Iterator[None]:
    """Hold an OS file lock, so two processes never build the same warehouse at once."""
    with lock_path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _remove(path: Path) -> None:
    for name in (path.name, path.name + ".wal"):
        path.with_name(name).unlink(missing_ok=True)


def _recorded_build(path: Path) -> tuple[Any, ...] | None:
    """The parameters and completeness recorded in an existing file; None if unreadable."""
    if not path.exists():
        return None
    # ATTACH from a fresh in-memory database: connect() refuses a file this process already
    # has open with other settings (as the query engine does), which is no reason to rebuild.
    try:
        with duckdb.connect() as connection:
            connection.execute("ATTACH ? AS warehouse (READ_ONLY)", [str(path)])
            return connection.execute(
                "SELECT generator, orders, tenants, first_day, last_day, complete "
                "FROM warehouse.demo_build"
            ).fetchone()
    except duckdb.Error:
        return None


def _generate(path: Path, orders: int, tenants: int, progress: bool) -> None:
    bar = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        disable=not progress,
    )
    with bar, duckdb.connect(str(path)) as connection:
        # DuckDB draws its own bar for long queries; ours replaces it (or silence is wanted).
        connection.execute("SET enable_progress_bar = false")
        task = bar.add_task(
            f"Building the demo warehouse ({orders:,} orders)", total=step_count(orders)
        )
        for _ in generate(connection, orders=orders, tenants=tenants):
            bar.advance(task)
        # Written last: a file without this row is never reused.
        connection.execute(BUILD_TABLE)
        connection.execute(
            "INSERT INTO demo_build VALUES (?, ?, ?, ?, ?, true)",
            [GENERATOR, orders, tenants, FIRST_DAY, LAST_DAY],
        )
        connection.execute("CHECKPOINT")
