"""The metadata database: engine, sessions, and migrations applied at start."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from dashlet.config import Settings
from dashlet.store.changes import ChangeNotifier, FileChangeNotifier
from dashlet.store.crypto import SecretBox
from dashlet.store.models import (
    Chart,
    Dashboard,
    DataSource,
    Membership,
    Organization,
    Revocation,
    Variable,
)

MIGRATIONS = Path(__file__).with_name("migrations")
GENERATION_FILE = "metadata.generation"
# Changes to these reach every process's hot-path caches at once; usage counters do not.
WATCHED = (Organization, Dashboard, Variable, Chart, DataSource, Revocation, Membership)


def _enable_sqlite_foreign_keys(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")  # readers never wait for the one writer
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def create_metadata_engine(url: str) -> Engine:
    """An engine for the metadata database, with SQLite made safe for several processes."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False})
        event.listen(engine, "connect", _enable_sqlite_foreign_keys)
        return engine
    return create_engine(url, pool_pre_ping=True)


def upgrade(engine: Engine) -> None:
    """Apply every pending Alembic migration (idempotent)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def _note_watched_changes(session: Session, _context: Any, _instances: Any) -> None:
    changed = (*session.new, *session.dirty, *session.deleted)
    if any(isinstance(instance, WATCHED) for instance in changed):
        session.info["announce"] = True


class Database:
    """The metadata store of one process: engine, sessions, secret box and change notifier.

    Store code writes watched tables through ORM objects (not bulk UPDATEs), so every commit that
    touches them announces the change to all processes.
    """

    def __init__(self, engine: Engine, box: SecretBox, notifier: ChangeNotifier) -> None:
        self.engine = engine
        self.box = box
        self.notifier = notifier
        self._sessions = sessionmaker(engine, expire_on_commit=False)
        event.listen(self._sessions, "before_flush", _note_watched_changes)
        event.listen(self._sessions, "after_commit", self._announce_if_changed)

    def _announce_if_changed(self, session: Session) -> None:
        if session.info.pop("announce", False):
            self.notifier.announce()

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session in one transaction: committed on success, rolled back on any error."""
        with self._sessions.begin() as session:
            yield session

    def dispose(self) -> None:
        self.engine.dispose()


def open_database(settings: Settings, *, migrate: bool = True) -> Database:
    """Open (and by default migrate) the metadata database described by ``settings``."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    engine = create_metadata_engine(settings.metadata_url)
    if migrate:
        upgrade(engine)
    notifier = FileChangeNotifier(settings.data_dir / GENERATION_FILE)
    return Database(engine, SecretBox(settings.require_secret_key()), notifier)
