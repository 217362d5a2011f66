"""Members made quickly: one argon2 hash per test session, reused for every user."""

from __future__ import annotations

import functools
from collections.abc import Callable

import pytest

from dashlet.auth.passwords import hash_password
from dashlet.errors import NotFound
from dashlet.store.database import Database
from dashlet.store.organizations import create_organization, get_organization
from dashlet.store.users import MemberInfo, add_member

PASSWORD = "correct horse battery"


@functools.cache
def password_hash() -> str:
    """The hash of ``PASSWORD`` (argon2 is slow on purpose: hash it once)."""
    return hash_password(PASSWORD)


MakeMember = Callable[..., MemberInfo]


def member_factory(db: Database) -> MakeMember:
    def make(email: str = "ann@example.com", role: str = "owner", org: str = "acme") -> MemberInfo:
        try:
            get_organization(db, org)
        except NotFound:
            create_organization(db, org)
        return add_member(db, email, password_hash(), org, role)

    return make


@pytest.fixture
def make_member(db: Database) -> MakeMember:
    """Factory: a user with PASSWORD and a role in an organization (made if new), on SQLite."""
    return member_factory(db)


@pytest.fixture
def make_any_member(any_db: Database) -> MakeMember:
    """The same factory on each metadata backend (SQLite, PostgreSQL)."""
    return member_factory(any_db)
