"""Data sources as editors change them: encrypted URLs, masked display, kept passwords, versions."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import select

from dashlet.errors import ConfigError, Conflict, NotFound
from dashlet.store.audit import list_events
from dashlet.store.database import Database
from dashlet.store.models import DataSource
from dashlet.store.organizations import OrganizationInfo, create_organization
from dashlet.store.sources import (
    SourceSettings,
    create_source,
    find_source_def,
    list_sources,
    update_source,
)

PG = "postgresql://reader:s3cret@db.example:5432/warehouse"


@pytest.fixture
def org(make_org: Callable[..., OrganizationInfo]) -> str:
    return make_org("acme").slug


def add(db: Database, org: str, name: str = "warehouse", url: str = PG) -> int:
    return create_source(db, org, SourceSettings(name=name, url=url), actor="tests").id


def test_a_created_source_shows_only_the_masked_url(any_db: Database) -> None:
    org = create_organization(any_db, "acme").slug
    add(any_db, org)
    (listed,) = list_sources(any_db, org)
    assert listed.display_url == "postgresql://reader:***@db.example:5432/warehouse"
    assert "s3cret" not in repr(listed)


def test_the_stored_url_is_encrypted(db: Database, org: str) -> None:
    add(db, org)
    with db.session() as session:
        stored = session.scalars(select(DataSource.url)).one()
    assert "s3cret" not in stored
    assert db.box.decrypt(stored) == PG


def test_a_second_source_with_the_same_name_conflicts(db: Database, org: str) -> None:
    add(db, org)
    with pytest.raises(Conflict):
        add(db, org, url="sqlite:////data/other.db")


def test_the_same_name_is_free_in_another_organization(
    db: Database, org: str, make_org: Callable[..., OrganizationInfo]
) -> None:
    add(db, org)
    other = make_org("globex").slug
    add(db, other)
    assert [s.name for s in list_sources(db, other)] == ["warehouse"]


def test_an_invalid_url_is_refused_without_echoing_it(db: Database, org: str) -> None:
    with pytest.raises(ConfigError) as raised:
        add(db, org, url="not a url with p4ssword")
    assert "p4ssword" not in raised.value.message


def test_an_unknown_dialect_is_refused(db: Database, org: str) -> None:
    with pytest.raises(ConfigError, match="dialect"):
        add(db, org, url="nosuchdb://host/db")


def test_a_relative_sqlite_path_is_refused(db: Database, org: str) -> None:
    with pytest.raises(ConfigError, match="absolute"):
        add(db, org, url="sqlite:///warehouse.sqlite")


def test_a_name_with_a_nul_is_refused(db: Database, org: str) -> None:
    with pytest.raises(ConfigError):
        add(db, org, name="ware\x00house")


def test_a_blank_url_on_update_keeps_the_stored_url(db: Database, org: str) -> None:
    source_id = add(db, org)
    update_source(db, org, source_id, SourceSettings(name="renamed", url=""), actor="tests")
    kept = find_source_def(db, org, source_id)
    assert (kept.name, kept.url) == ("renamed", PG)


def test_a_masked_password_on_update_keeps_the_stored_password(db: Database, org: str) -> None:
    source_id = add(db, org)
    moved = "postgresql://reader:***@db2.example:5432/warehouse"
    update_source(db, org, source_id, SourceSettings(name="warehouse", url=moved), actor="tests")
    assert find_source_def(db, org, source_id).url == (
        "postgresql://reader:s3cret@db2.example:5432/warehouse"
    )


def test_a_new_password_replaces_the_stored_one(db: Database, org: str) -> None:
    source_id = add(db, org)
    fresh = "postgresql://reader:n3w@db.example:5432/warehouse"
    update_source(db, org, source_id, SourceSettings(name="warehouse", url=fresh), actor="tests")
    assert find_source_def(db, org, source_id).url == fresh


def test_the_mask_is_refused_as_a_new_password(db: Database, org: str) -> None:
    with pytest.raises(ConfigError, match=r"\*\*\*"):
        add(db, org, url="postgresql://reader:***@db.example/warehouse")


def test_a_change_bumps_the_version(db: Database, org: str) -> None:
    source_id = add(db, org)
    changed = SourceSettings(name="warehouse", row_limit=100)
    assert update_source(db, org, source_id, changed, actor="tests").version == 2


def test_saving_the_same_settings_keeps_the_version(db: Database, org: str) -> None:
    source_id = add(db, org)
    same = SourceSettings(name="warehouse", url="")
    assert update_source(db, org, source_id, same, actor="tests").version == 1


def test_renaming_onto_another_source_conflicts(db: Database, org: str) -> None:
    add(db, org)
    other = add(db, org, name="archive", url="sqlite:////data/archive.db")
    with pytest.raises(Conflict):
        update_source(db, org, other, SourceSettings(name="warehouse"), actor="tests")


def test_another_organizations_source_is_not_found(
    db: Database, org: str, make_org: Callable[..., OrganizationInfo]
) -> None:
    source_id = add(db, org)
    with pytest.raises(NotFound):
        update_source(db, make_org().slug, source_id, SourceSettings(name="x"), actor="tests")


def test_limits_must_be_positive(db: Database, org: str) -> None:
    with pytest.raises(ConfigError):
        create_source(db, org, SourceSettings(name="w", url=PG, statement_timeout=0), actor="tests")


def test_create_and_update_are_audited_without_the_password(db: Database, org: str) -> None:
    source_id = add(db, org)
    update_source(db, org, source_id, SourceSettings(name="warehouse", row_limit=5), actor="ann")
    events = [e for e in list_events(db, org) if e.action.startswith("source.")]
    assert sorted(e.action for e in events) == ["source.created", "source.updated"]
    assert all("s3cret" not in str(e.detail) for e in events)
