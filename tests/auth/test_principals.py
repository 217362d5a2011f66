import datetime as dt

import pytest

from dashlet.auth.api_keys import create_api_key
from dashlet.auth.principals import api_key_principal, member_principal
from dashlet.auth.roles import Action
from dashlet.auth.sessions import start_session
from dashlet.errors import AccessDenied
from dashlet.store.api_keys import ApiKeyInfo
from dashlet.store.database import Database
from tests.auth.members import MakeMember

NOW = dt.datetime(2030, 1, 1, 12, tzinfo=dt.UTC)


def test_a_member_acts_with_their_role_there(db: Database, make_member: MakeMember) -> None:
    member = make_member(role="editor")
    signed_in = start_session(db, member.user_id, now=NOW).signed_in
    principal = member_principal(db, signed_in, "acme")
    assert (principal.role, principal.actor, principal.user_id) == (
        "editor",
        "ann@example.com",
        member.user_id,
    )
    assert principal.require(Action.APPLY_DASHBOARDS) is principal
    with pytest.raises(AccessDenied):
        principal.require(Action.MANAGE_SECRET)


def test_a_user_of_another_organization_is_refused(db: Database, make_member: MakeMember) -> None:
    make_member(org="acme")
    stranger = make_member(email="eve@example.com", org="other")
    signed_in = start_session(db, stranger.user_id, now=NOW).signed_in
    with pytest.raises(AccessDenied) as refused:
        member_principal(db, signed_in, "acme")
    assert refused.value.code == "forbidden"


def key_of(db: Database, org: str, role: str) -> ApiKeyInfo:
    return create_api_key(db, org, "ci", role, actor="ann@example.com")[0]


def test_an_api_key_acts_under_its_name(db: Database, make_member: MakeMember) -> None:
    make_member()
    principal = api_key_principal(key_of(db, "acme", "viewer"), "acme")
    assert (principal.role, principal.actor) == ("viewer", "api-key:ci")


def test_an_api_key_of_another_organization_is_refused(
    db: Database, make_member: MakeMember
) -> None:
    make_member(org="acme")
    make_member(org="other")
    with pytest.raises(AccessDenied):
        api_key_principal(key_of(db, "other", "owner"), "acme")
