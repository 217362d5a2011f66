import pytest
from sqlalchemy import select

from dashlet.auth.passwords import hash_password, verify_password
from dashlet.errors import ConfigError, NotFound
from dashlet.store.database import Database
from dashlet.store.models import Membership, User
from dashlet.store.organizations import create_organization
from dashlet.store.users import add_member


def test_member_is_created_with_role_and_hashed_password(any_db: Database) -> None:
    create_organization(any_db, "acme")
    member = add_member(any_db, "Ann@Example.com", hash_password("correct horse"), "acme", "owner")
    assert (member.email, member.role) == ("ann@example.com", "owner")
    with any_db.session() as session:
        user = session.scalars(select(User)).one()
        assert user.password_hash.startswith("$argon2id$")
        assert verify_password(user.password_hash, "correct horse")
        assert not verify_password(user.password_hash, "wrong horse")


def test_adding_an_existing_member_changes_the_role_not_the_password(any_db: Database) -> None:
    create_organization(any_db, "acme")
    add_member(any_db, "ann@example.com", hash_password("first-password"), "acme", "viewer")
    add_member(any_db, "ann@example.com", hash_password("other-password"), "acme", "editor")
    with any_db.session() as session:
        assert session.scalars(select(Membership.role)).all() == ["editor"]
        user = session.scalars(select(User)).one()
        assert verify_password(user.password_hash, "first-password")


def test_one_user_can_belong_to_several_organizations(db: Database) -> None:
    create_organization(db, "one")
    create_organization(db, "two")
    add_member(db, "ann@example.com", hash_password("a-password"), "one", "owner")
    add_member(db, "ann@example.com", hash_password("a-password"), "two", "viewer")
    with db.session() as session:
        assert sorted(session.scalars(select(Membership.role))) == ["owner", "viewer"]


def test_unknown_role_is_refused(db: Database) -> None:
    create_organization(db, "acme")
    with pytest.raises(ConfigError, match="Role must be one of"):
        add_member(db, "ann@example.com", hash_password("a-password"), "acme", "admin")


def test_member_of_unknown_organization_is_refused(db: Database) -> None:
    with pytest.raises(NotFound):
        add_member(db, "ann@example.com", hash_password("a-password"), "ghost", "owner")


def test_short_password_is_refused() -> None:
    with pytest.raises(ConfigError, match="at least 8"):
        hash_password("short")
