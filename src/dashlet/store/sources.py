"""An organization's data sources as editors change them in the browser and through the API.

The URL (with its password) is stored encrypted; what leaves this module is the masked
``display_url``. An edit that leaves the URL blank keeps the stored one, and a URL whose
password is still the mask ``***`` keeps the stored password, so nobody has to retype a
credential they cannot see. Any change bumps ``version``: the engine then opens a new pool.
``dashlet apply`` writes sources too (``dashlet.spec.apply``); both paths share the model.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError
from sqlalchemy.orm import Session

from dashlet.errors import ConfigError, Conflict, NotFound
from dashlet.store.audit import add_event
from dashlet.store.dashboards import source_def
from dashlet.store.database import Database
from dashlet.store.definitions import SourceDef
from dashlet.store.models import DataSource
from dashlet.store.organizations import find_organization

MASK = "***"
MAX_NAME = 100
# Dialects whose "database" is a file path on the server (as in dashlet.spec.sources).
FILE_DIALECTS = ("sqlite", "duckdb")
MAX_TIMEOUT = 3600.0
MAX_ROW_LIMIT = 10_000_000


@dataclass(frozen=True)
class SourceSettings:
    """What an editor sets on a source; ``url`` empty keeps the stored URL on update."""

    name: str
    url: str = ""
    read_only: bool = True
    statement_timeout: float | None = None
    row_limit: int | None = None


@dataclass(frozen=True)
class SourceInfo:
    """A source as pages and the API show it: never the decrypted URL."""

    id: int
    name: str
    display_url: str
    read_only: bool
    statement_timeout: float | None
    row_limit: int | None
    version: int

    @classmethod
    def of(cls, source: DataSource) -> SourceInfo:
        return cls(
            id=source.id,
            name=source.name,
            display_url=source.display_url,
            read_only=source.read_only,
            statement_timeout=source.statement_timeout,
            row_limit=source.row_limit,
            version=source.version,
        )


def list_sources(db: Database, org_slug: str) -> list[SourceInfo]:
    """The organization's sources in name order."""
    with db.session() as session:
        org = find_organization(session, org_slug)
        found = session.scalars(
            select(DataSource).where(DataSource.organization_id == org.id).order_by(DataSource.name)
        )
        return [SourceInfo.of(source) for source in found]


def get_source(db: Database, org_slug: str, source_id: int) -> SourceInfo:
    """One source of the organization (``not_found`` for another organization's)."""
    with db.session() as session:
        return SourceInfo.of(_find(session, org_slug, source_id))


def find_source_def(db: Database, org_slug: str, source_id: int) -> SourceDef:
    """The source with its decrypted URL, for the engine only (a connection test)."""
    with db.session() as session:
        return source_def(db, _find(session, org_slug, source_id))


def create_source(
    db: Database, org_slug: str, settings: SourceSettings, *, actor: str
) -> SourceInfo:
    """Add a source (``conflict`` when the name is taken), audited as ``source.created``."""
    name = _valid_name(settings.name)
    _check_limits(settings)
    if not settings.url.strip():
        raise ConfigError("A data source needs a URL.")
    url = _valid_url(settings.url.strip())
    with db.session() as session:
        org = find_organization(session, org_slug)
        _check_name_free(session, org.id, name, None)
        source = DataSource(
            organization_id=org.id,
            name=name,
            url=db.box.encrypt(url),
            display_url=display_url(url),
            read_only=settings.read_only,
            statement_timeout=settings.statement_timeout,
            row_limit=settings.row_limit,
            version=1,
        )
        session.add(source)
        session.flush()
        add_event(session, org.id, actor, "source.created", _detail(source))
        return SourceInfo.of(source)


def update_source(
    db: Database, org_slug: str, source_id: int, settings: SourceSettings, *, actor: str
) -> SourceInfo:
    """Change a source, keeping the stored URL or password where left blank or masked.

    A real change bumps the version and is audited as ``source.updated``; saving the same
    settings again changes nothing.
    """
    name = _valid_name(settings.name)
    _check_limits(settings)
    with db.session() as session:
        source = _find(session, org_slug, source_id)
        _check_name_free(session, source.organization_id, name, source.id)
        stored_url = db.box.decrypt(source.url)
        url = _kept_url(settings.url.strip(), stored_url)
        changed = [
            field
            for field, old, new in (
                ("name", source.name, name),
                ("url", stored_url, url),
                ("read_only", source.read_only, settings.read_only),
                ("statement_timeout", source.statement_timeout, settings.statement_timeout),
                ("row_limit", source.row_limit, settings.row_limit),
            )
            if old != new
        ]
        if not changed:
            return SourceInfo.of(source)
        if url != stored_url:
            source.url = db.box.encrypt(url)
            source.display_url = display_url(url)
        source.name = name
        source.read_only = settings.read_only
        source.statement_timeout = settings.statement_timeout
        source.row_limit = settings.row_limit
        source.version += 1  # a new engine and fresh cache keys for this source
        detail = {**_detail(source), "changed": changed}
        add_event(session, source.organization_id, actor, "source.updated", detail)
        return SourceInfo.of(source)


def _find(session: Session, org_slug: str, source_id: int) -> DataSource:
    org = find_organization(session, org_slug)
    source = session.get(DataSource, source_id)
    if source is None or source.organization_id != org.id:
        raise NotFound(f"There is no data source {source_id} in {org_slug!r}.")
    return source


def _check_name_free(session: Session, org_id: int, name: str, own_id: int | None) -> None:
    taken = session.scalar(
        select(DataSource.id).where(DataSource.organization_id == org_id, DataSource.name == name)
    )
    if taken is not None and taken != own_id:
        raise Conflict(f"This organization already has a data source named {name!r}.")


def _valid_name(name: str) -> str:
    name = name.strip()
    if not 1 <= len(name) <= MAX_NAME or "\x00" in name:
        raise ConfigError(f"A data source name needs 1 to {MAX_NAME} characters (no NUL).")
    return name


def _check_limits(settings: SourceSettings) -> None:
    timeout = settings.statement_timeout
    if timeout is not None and not (math.isfinite(timeout) and 0 < timeout <= MAX_TIMEOUT):
        raise ConfigError(
            f"The statement timeout must be above 0 and at most {MAX_TIMEOUT:g} seconds."
        )
    if settings.row_limit is not None and not 1 <= settings.row_limit <= MAX_ROW_LIMIT:
        raise ConfigError(f"The row limit must be 1 to {MAX_ROW_LIMIT:,}.")


def _parsed(url: str) -> URL:
    if "\x00" in url:
        raise ConfigError("A URL cannot hold a NUL character.")
    try:
        parsed = make_url(url)
        parsed.get_dialect()
    except NoSuchModuleError:  # a subclass of ArgumentError
        raise ConfigError("No installed SQLAlchemy dialect handles this URL.") from None
    except (ArgumentError, ValueError):
        # Never echo the text back: it may hold a password.
        raise ConfigError(
            "This is not a SQLAlchemy URL (like postgresql://user@host/db)."
        ) from None
    return parsed


def _valid_url(url: str) -> str:
    parsed = _parsed(url)
    if parsed.password == MASK:
        raise ConfigError(f"Type the password itself, not {MASK}.")
    database = parsed.database or ""
    relative = ":" not in database and not Path(database).is_absolute()
    if parsed.get_backend_name() in FILE_DIALECTS and database and relative:
        # Relative to what? The server's working directory is no one's intent.
        raise ConfigError("Give a SQLite or DuckDB database file as an absolute path.")
    return url


def _kept_url(given: str, stored: str) -> str:
    """The URL to store: ``given``, or the stored one when blank, with the stored password
    when ``given`` still carries the mask."""
    if not given:
        return stored
    parsed = _parsed(given)
    if parsed.password != MASK:
        return _valid_url(given)
    password = make_url(stored).password
    if password is None:
        raise ConfigError(f"Type the password itself, not {MASK}.")
    return parsed.set(password=password).render_as_string(hide_password=False)


def display_url(url: str) -> str:
    """The URL with its password replaced by ``***``: safe to show and to log."""
    return make_url(url).render_as_string(hide_password=True)


def _detail(source: DataSource) -> dict[str, object]:
    return {"source_id": source.id, "name": source.name, "display_url": source.display_url}
