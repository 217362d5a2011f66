"""Fixtures shared by every test: settings in a temp dir, real metadata stores, factories."""

from __future__ import annotations

import secrets
import shutil
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from dashlet.config import Settings
from dashlet.store.database import Database, open_database
from dashlet.store.organizations import OrganizationInfo, create_organization
from tests.servers import postgres_server

TEST_SECRET_KEY = "test-server-key-" + "k7Qx9pLm2Vb8Zr4Tn6Wc1Yd3"


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """One real PostgreSQL server for the whole session."""
    with postgres_server() as url:
        yield url


@pytest.fixture
def postgres_database(postgres_url: str) -> Iterator[str]:
    """A fresh, empty database on the session's PostgreSQL server; dropped after the test."""
    name = "t_" + uuid.uuid4().hex[:12]
    admin = create_engine(postgres_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = postgres_url.rsplit("/", 1)[0] + "/" + name
    yield url
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session")
def migrated_metadata(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite metadata database migrated once per session; each test starts from a copy."""
    folder = tmp_path_factory.mktemp("migrated")
    open_database(Settings.from_env({}, data_dir=folder, secret_key=TEST_SECRET_KEY)).dispose()
    return folder / "dashlet.db"


@pytest.fixture
def settings(tmp_path: Path, migrated_metadata: Path) -> Settings:
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    shutil.copyfile(migrated_metadata, data_dir / "dashlet.db")
    return Settings.from_env({}, data_dir=data_dir, secret_key=TEST_SECRET_KEY)


@pytest.fixture
def db(settings: Settings) -> Iterator[Database]:
    """A migrated SQLite metadata store in the test's temp dir."""
    database = open_database(settings)
    yield database
    database.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def any_db(request: pytest.FixtureRequest, settings: Settings) -> Iterator[Database]:
    """The metadata store on each supported backend: SQLite, then a real PostgreSQL."""
    if request.param == "postgresql":
        url = request.getfixturevalue("postgres_database")
        settings = settings.model_copy(update={"database_url": url})
    database = open_database(settings)
    yield database
    database.dispose()


@pytest.fixture
def make_org(db: Database) -> Callable[..., OrganizationInfo]:
    """Factory: a new organization with a unique slug unless one is given."""

    def make(slug: str | None = None, name: str | None = None) -> OrganizationInfo:
        return create_organization(db, slug or "org-" + secrets.token_hex(4), name)

    return make
