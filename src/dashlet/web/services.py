"""The long-lived objects one server process shares between requests, built from settings."""

from __future__ import annotations

from dataclasses import dataclass

from dashlet.config import Settings
from dashlet.embed.access import EmbedGate
from dashlet.embed.directory import EmbedDirectory
from dashlet.embed.usage import UsageRecorder
from dashlet.query.engine import QueryEngine
from dashlet.store.database import Database, open_database


@dataclass
class Services:
    settings: Settings
    db: Database
    engine: QueryEngine
    directory: EmbedDirectory
    usage: UsageRecorder
    gate: EmbedGate

    def close(self) -> None:
        self.usage.flush()
        self.engine.close()
        self.db.dispose()


def build_services(settings: Settings, db: Database | None = None) -> Services:
    """Open the store (migrating it) and wire the engine, directory, usage and gate."""
    db = db or open_database(settings)
    directory = EmbedDirectory(db)
    usage = UsageRecorder(db, leeway=settings.token_leeway)
    return Services(
        settings=settings,
        db=db,
        engine=QueryEngine(settings),
        directory=directory,
        usage=usage,
        gate=EmbedGate(directory, usage, leeway=settings.token_leeway),
    )
