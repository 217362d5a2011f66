import base64

import pytest
from sqlalchemy import select

from dashlet.errors import ConfigError, NotFound
from dashlet.store.database import Database
from dashlet.store.models import Organization
from dashlet.store.organizations import (
    create_organization,
    get_organization,
    reset_secret,
    reveal_secret,
)


def test_organization_gets_a_strong_secret_at_creation(any_db: Database) -> None:
    create_organization(any_db, "acme", "Acme Inc")
    secret = reveal_secret(any_db, "acme")
    assert len(base64.urlsafe_b64decode(secret + "=")) >= 32
    assert set(secret) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


def test_secret_is_encrypted_at_rest(any_db: Database) -> None:
    create_organization(any_db, "acme")
    secret = reveal_secret(any_db, "acme")
    with any_db.session() as session:
        stored = session.scalars(select(Organization.embed_secret)).one()
    assert secret not in stored


def test_each_organization_has_its_own_secret(any_db: Database) -> None:
    create_organization(any_db, "one")
    create_organization(any_db, "two")
    assert reveal_secret(any_db, "one") != reveal_secret(any_db, "two")


def test_reset_replaces_the_secret_and_bumps_its_version(any_db: Database) -> None:
    before = create_organization(any_db, "acme")
    old = reveal_secret(any_db, "acme")
    new = reset_secret(any_db, "acme")
    assert new != old
    assert reveal_secret(any_db, "acme") == new
    assert get_organization(any_db, "acme").secret_version == before.secret_version + 1


def test_slug_must_be_unique(any_db: Database) -> None:
    create_organization(any_db, "acme")
    with pytest.raises(ConfigError, match="already exists"):
        create_organization(any_db, "acme")


@pytest.mark.parametrize("slug", ["", "Acme", "acme_inc", "-acme", "acme-", "a" * 65, "ac me"])
def test_bad_slugs_are_refused(db: Database, slug: str) -> None:
    with pytest.raises(ConfigError, match="not a valid slug"):
        create_organization(db, slug)


def test_unknown_organization_is_not_found(db: Database) -> None:
    with pytest.raises(NotFound, match="no organization 'ghost'"):
        get_organization(db, "ghost")
