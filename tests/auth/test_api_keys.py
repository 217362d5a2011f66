import datetime as dt

import pytest
from sqlalchemy import select

from dashlet.auth.api_keys import (
    KEY_PREFIX,
    authenticate_api_key,
    create_api_key,
    key_hash,
    revoke_api_key,
)
from dashlet.errors import AccessDenied, ConfigError, NotFound
from dashlet.store.api_keys import list_api_keys
from dashlet.store.audit import list_events
from dashlet.store.database import Database
from dashlet.store.models import ApiKey
from dashlet.store.organizations import create_organization

NOW = dt.datetime(2030, 1, 1, 12, tzinfo=dt.UTC)


@pytest.fixture
def org(any_db: Database) -> str:
    return create_organization(any_db, "acme").slug


@pytest.fixture
def sqlite_org(db: Database) -> str:
    return create_organization(db, "acme").slug


def test_a_key_is_long_random_and_recognizable(db: Database, sqlite_org: str) -> None:
    info, key = create_api_key(db, sqlite_org, "ci", "editor", actor="ann@example.com")
    assert key.startswith(KEY_PREFIX)
    assert len(key) == 46
    assert info.prefix == key[:10]
    assert (info.name, info.role, info.created_by) == ("ci", "editor", "ann@example.com")


def test_only_the_hash_of_a_key_is_stored(any_db: Database, org: str) -> None:
    _, key = create_api_key(any_db, org, "ci", "editor", actor="ann@example.com")
    with any_db.session() as session:
        row = session.scalars(select(ApiKey)).one()
        stored = [str(getattr(row, column.key)) for column in ApiKey.__table__.columns]
    assert row.key_hash == key_hash(key)
    assert not any(key in value for value in stored)


def test_the_key_is_never_listed_again(db: Database, sqlite_org: str) -> None:
    _, key = create_api_key(db, sqlite_org, "ci", "editor", actor="ann@example.com")
    (listed,) = list_api_keys(db, sqlite_org)
    assert key not in repr(listed)


def test_a_key_authenticates_with_its_role_and_organization(any_db: Database, org: str) -> None:
    made, key = create_api_key(any_db, org, "ci", "viewer", actor="ann@example.com")
    found = authenticate_api_key(any_db, key, now=NOW)
    assert (found.id, found.role, found.organization) == (made.id, "viewer", "acme")


def test_using_a_key_notes_when(any_db: Database, org: str) -> None:
    _, key = create_api_key(any_db, org, "ci", "viewer", actor="ann@example.com")
    authenticate_api_key(any_db, key, now=NOW)
    (listed,) = list_api_keys(any_db, org)
    assert listed.last_used_at == NOW


@pytest.mark.parametrize("presented", ["", "dk_", "dk_" + "A" * 43, "Bearer", "x" * 5000])
def test_an_unknown_key_is_refused(db: Database, sqlite_org: str, presented: str) -> None:
    create_api_key(db, sqlite_org, "ci", "owner", actor="ann@example.com")
    with pytest.raises(AccessDenied) as refused:
        authenticate_api_key(db, presented, now=NOW)
    assert refused.value.code == "unauthorized"


def test_a_revoked_key_is_refused_and_both_events_are_audited(any_db: Database, org: str) -> None:
    made, key = create_api_key(any_db, org, "ci", "owner", actor="ann@example.com")
    revoke_api_key(any_db, org, made.id, actor="bob@example.com")
    with pytest.raises(AccessDenied) as refused:
        authenticate_api_key(any_db, key, now=NOW)
    assert refused.value.message == "This API key has been revoked."
    assert [(e.actor, e.action) for e in list_events(any_db, org)] == [
        ("bob@example.com", "api_key.revoked"),
        ("ann@example.com", "api_key.created"),
    ]


def test_a_key_of_another_organization_cannot_be_revoked_from_here(
    any_db: Database, org: str
) -> None:
    create_organization(any_db, "other")
    made, _ = create_api_key(any_db, "other", "ci", "owner", actor="x@example.com")
    with pytest.raises(NotFound):
        revoke_api_key(any_db, org, made.id, actor="ann@example.com")


@pytest.mark.parametrize(("name", "role"), [("", "owner"), ("ci", "admin"), ("x" * 101, "viewer")])
def test_a_key_needs_a_name_and_a_real_role(
    db: Database, sqlite_org: str, name: str, role: str
) -> None:
    with pytest.raises(ConfigError):
        create_api_key(db, sqlite_org, name, role, actor="ann@example.com")
