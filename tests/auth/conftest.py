"""Member factories on SQLite and on every metadata backend."""

from __future__ import annotations

import pytest

from dashlet.store.database import Database
from tests.auth.members import MakeMember, member_factory


@pytest.fixture
def make_member(db: Database) -> MakeMember:
    """Factory: a user with PASSWORD and a role in an organization (made if new), on SQLite."""
    return member_factory(db)


@pytest.fixture
def make_any_member(any_db: Database) -> MakeMember:
    """The same factory on each metadata backend (SQLite, PostgreSQL)."""
    return member_factory(any_db)
