import threading

import pytest

from dashlet.auth.passwords import hash_password
from dashlet.errors import ConfigError, Conflict, NotFound
from dashlet.store.audit import list_events
from dashlet.store.database import Database
from dashlet.store.members import (
    change_role,
    list_members,
    membership_in,
    organizations_of,
    remove_member,
)
from dashlet.store.organizations import create_organization
from dashlet.store.users import MemberInfo, add_member


@pytest.fixture
def acme(any_db: Database) -> dict[str, MemberInfo]:
    """Organization acme with an owner (ann) and a viewer (bob)."""
    create_organization(any_db, "acme")
    digest = hash_password("a long password")
    return {
        "ann": add_member(any_db, "ann@example.com", digest, "acme", "owner"),
        "bob": add_member(any_db, "bob@example.com", digest, "acme", "viewer"),
    }


def test_members_are_listed_with_their_roles(any_db: Database, acme: dict[str, MemberInfo]) -> None:
    assert [(m.email, m.role) for m in list_members(any_db, "acme")] == [
        ("ann@example.com", "owner"),
        ("bob@example.com", "viewer"),
    ]


def test_a_role_change_is_audited_with_who_made_it(
    any_db: Database, acme: dict[str, MemberInfo]
) -> None:
    changed = change_role(any_db, "acme", acme["bob"].user_id, "editor", actor="ann@example.com")
    assert changed.role == "editor"
    (event,) = list_events(any_db, "acme")
    assert (event.actor, event.action, event.detail) == (
        "ann@example.com",
        "member.role_changed",
        {
            "user_id": acme["bob"].user_id,
            "email": "bob@example.com",
            "from": "viewer",
            "to": "editor",
        },
    )


def test_the_last_owner_cannot_step_down(any_db: Database, acme: dict[str, MemberInfo]) -> None:
    with pytest.raises(Conflict) as refused:
        change_role(any_db, "acme", acme["ann"].user_id, "editor", actor="ann@example.com")
    assert refused.value.status == 409
    assert list_members(any_db, "acme")[0].role == "owner"


def test_the_last_owner_cannot_be_removed(any_db: Database, acme: dict[str, MemberInfo]) -> None:
    with pytest.raises(Conflict):
        remove_member(any_db, "acme", acme["ann"].user_id, actor="ann@example.com")
    assert len(list_members(any_db, "acme")) == 2


def test_an_owner_can_step_down_once_another_owner_exists(
    any_db: Database, acme: dict[str, MemberInfo]
) -> None:
    change_role(any_db, "acme", acme["bob"].user_id, "owner", actor="ann@example.com")
    change_role(any_db, "acme", acme["ann"].user_id, "viewer", actor="ann@example.com")
    remove_member(any_db, "acme", acme["ann"].user_id, actor="bob@example.com")
    assert [(m.email, m.role) for m in list_members(any_db, "acme")] == [
        ("bob@example.com", "owner")
    ]


def test_a_removed_member_keeps_their_other_organizations(
    any_db: Database, acme: dict[str, MemberInfo]
) -> None:
    create_organization(any_db, "other")
    add_member(any_db, "bob@example.com", "unused", "other", "owner")
    remove_member(any_db, "acme", acme["bob"].user_id, actor="ann@example.com")
    assert [o.slug for o in organizations_of(any_db, acme["bob"].user_id)] == ["other"]
    assert membership_in(any_db, acme["bob"].user_id, "acme") is None


def test_a_stranger_is_not_a_member_here(any_db: Database, acme: dict[str, MemberInfo]) -> None:
    create_organization(any_db, "other")
    stranger = add_member(any_db, "eve@example.com", "unused", "other", "owner")
    with pytest.raises(NotFound):
        change_role(any_db, "acme", stranger.user_id, "owner", actor="eve@example.com")


def test_a_role_must_be_one_of_the_three(db: Database) -> None:
    create_organization(db, "acme")
    member = add_member(db, "ann@example.com", "unused", "acme", "owner")
    with pytest.raises(ConfigError):
        change_role(db, "acme", member.user_id, "admin", actor="ann@example.com")


def test_two_owners_stepping_down_at_once_leave_one_owner(
    any_db: Database, acme: dict[str, MemberInfo]
) -> None:
    change_role(any_db, "acme", acme["bob"].user_id, "owner", actor="ann@example.com")
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def step_down(member: MemberInfo) -> None:
        barrier.wait()
        try:
            change_role(any_db, "acme", member.user_id, "viewer", actor=member.email)
            outcomes.append("changed")
        except Conflict:
            outcomes.append("refused")

    threads = [threading.Thread(target=step_down, args=(m,)) for m in acme.values()]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["changed", "refused"]
    assert [m.role for m in list_members(any_db, "acme")].count("owner") == 1
