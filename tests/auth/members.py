"""Members made quickly: one argon2 hash per test session, reused for every user."""

from __future__ import annotations

import functools
from collections.abc import Callable

from dashlet.auth.passwords import hash_password
from dashlet.errors import NotFound
from dashlet.store.database import Database
from dashlet.store.organizations import create_organization, get_organization
from dashlet.store.users import MemberInfo, add_member

PASSWORD = "correct horse battery"

MakeMember = Callable[..., MemberInfo]


@functools.cache
def password_hash() -> str:
    """The hash of ``PASSWORD`` (argon2 is slow on purpose: hash it once)."""
    return hash_password(PASSWORD)


def member_factory(db: Database) -> MakeMember:
    """make(email, role, org): a user with PASSWORD and a role (the organization made if new)."""

    def make(email: str = "ann@example.com", role: str = "owner", org: str = "acme") -> MemberInfo:
        try:
            get_organization(db, org)
        except NotFound:
            create_organization(db, org)
        return add_member(db, email, password_hash(), org, role)

    return make
