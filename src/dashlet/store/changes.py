"""Telling every process that metadata changed, so hot-path caches never serve stale secrets.

A secret reset made from the CLI must fail old tokens at once in every running worker. Each
worker keeps organizations, secrets and dashboards in memory and compares a cheap generation
marker on each request; any committed change to those tables moves the marker.

``FileChangeNotifier`` is the single-machine backend (a file in the data dir, replaced
atomically: a ``stat`` per request costs about a microsecond). A Redis backend for several
machines implements the same two methods.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Protocol


class ChangeNotifier(Protocol):
    def generation(self) -> object:
        """A value that differs after every ``announce``, in every process."""
        ...

    def announce(self) -> None:
        """Say that watched metadata has changed."""
        ...


class FileChangeNotifier:
    """Generation = identity of a marker file that each announcement atomically replaces."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def generation(self) -> object:
        try:
            stat = os.stat(self.path)
        except FileNotFoundError:
            return None
        return (stat.st_ino, stat.st_mtime_ns, stat.st_size)

    def announce(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.path.with_name(f".{self.path.name}.{secrets.token_hex(6)}")
        # Random content of random length: a new inode and size even within one mtime tick.
        temporary.write_text(secrets.token_hex(8 + secrets.randbelow(8)))
        os.replace(temporary, self.path)
