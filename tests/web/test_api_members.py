"""Members and API keys through the API: invite, roles, the last owner, keys shown once."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from dashlet.store.audit import list_events
from dashlet.store.models import ApiKey
from tests.auth.members import PASSWORD
from tests.web.api_world import ApiWorld, Caller
from tests.web.conftest import EmbedWorld

MEMBERS = "/api/v1/orgs/acme/members"
KEYS = "/api/v1/orgs/acme/api-keys"
REVEAL = "/api/v1/orgs/acme/secret/reveal"


@pytest.fixture
async def api(world: EmbedWorld) -> ApiWorld:
    return ApiWorld(world)


async def test_an_invited_member_can_sign_in_with_their_role(api: ApiWorld) -> None:
    owner = api.key_caller("owner")
    invite = {"email": "New@Example.com", "password": PASSWORD, "role": "editor"}
    response = await api.call(owner, "POST", MEMBERS, json=invite)
    assert response.status_code == 201
    assert response.json()["email"] == "new@example.com"
    signed_in = await api.sign_in("new@example.com")
    assert signed_in.json()["organizations"][0]["role"] == "editor"
    listed = (await api.call(owner, "GET", MEMBERS)).json()
    assert {
        "user_id": response.json()["user_id"],
        "email": "new@example.com",
        "role": "editor",
    } in listed


async def test_inviting_an_existing_member_is_a_conflict(api: ApiWorld) -> None:
    member = api.member("viewer")
    invite = {"email": member.email, "password": PASSWORD, "role": "owner"}
    response = await api.call(api.key_caller("owner"), "POST", MEMBERS, json=invite)
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "conflict"


async def test_an_invalid_email_is_an_invalid_request(api: ApiWorld) -> None:
    invite = {"email": "not an email", "password": PASSWORD, "role": "viewer"}
    response = await api.call(api.key_caller("owner"), "POST", MEMBERS, json=invite)
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_request"


async def test_role_changes_are_audited_with_who_made_them(api: ApiWorld) -> None:
    viewer = api.member("viewer")
    caller = api.session_caller("owner")
    response = await api.call(caller, "PUT", f"{MEMBERS}/{viewer.user_id}", json={"role": "editor"})
    assert response.json()["role"] == "editor"
    event = list_events(api.db, "acme")[0]
    assert (event.action, event.actor) == ("member.role_changed", caller.name)
    assert event.detail == {
        "user_id": viewer.user_id,
        "email": viewer.email,
        "from": "viewer",
        "to": "editor",
    }


async def test_the_last_owner_stays(api: ApiWorld) -> None:
    owner = api.member("owner")
    caller = api.key_caller("owner")
    demoted = await api.call(caller, "PUT", f"{MEMBERS}/{owner.user_id}", json={"role": "viewer"})
    assert demoted.status_code == 409
    removed = await api.call(caller, "DELETE", f"{MEMBERS}/{owner.user_id}")
    assert removed.status_code == 409
    assert [m["role"] for m in (await api.call(caller, "GET", MEMBERS)).json()] == ["owner"]


async def test_a_removed_member_loses_access_at_once(api: ApiWorld) -> None:
    api.member("owner")
    editor = api.member("editor")
    signed_in = await api.sign_in(editor.email)
    cookie = Caller("editor", {"Cookie": f"dashlet_session={signed_in.cookies['dashlet_session']}"})
    assert (await api.call(cookie, "GET", "/api/v1/orgs/acme/dashboards")).status_code == 200
    removed = await api.call(api.key_caller("owner"), "DELETE", f"{MEMBERS}/{editor.user_id}")
    assert removed.status_code == 204
    assert (await api.call(cookie, "GET", "/api/v1/orgs/acme/dashboards")).status_code == 403


async def test_a_key_is_shown_once_and_stored_only_as_a_hash(api: ApiWorld) -> None:
    owner = api.key_caller("owner")
    made = await api.call(owner, "POST", KEYS, json={"name": "deploy", "role": "editor"})
    assert made.status_code == 201
    key = made.json()["key"]
    assert key.startswith("dk_")
    listed = (await api.call(owner, "GET", KEYS)).text
    assert key not in listed
    assert made.json()["prefix"] in listed
    with api.db.session() as session:
        stored = session.scalars(select(ApiKey.key_hash)).all()
    assert key not in stored
    assert len(stored) == 2


async def test_an_editor_key_cannot_reveal_the_secret(api: ApiWorld) -> None:
    owner = api.key_caller("owner")
    made = await api.call(owner, "POST", KEYS, json={"name": "deploy", "role": "editor"})
    editor = Caller("editor key", {"Authorization": f"Bearer {made.json()['key']}"})
    refused = await api.call(editor, "POST", REVEAL)
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "forbidden"
    assert "secret" not in refused.text.lower().replace("secret:manage", "")
    assert (await api.call(editor, "GET", "/api/v1/orgs/acme/dashboards")).status_code == 200


async def test_a_revoked_key_is_refused_from_the_next_request(api: ApiWorld) -> None:
    owner = api.key_caller("owner")
    made = (await api.call(owner, "POST", KEYS, json={"name": "ci", "role": "viewer"})).json()
    key = Caller("ci", {"Authorization": f"Bearer {made['key']}"})
    assert (await api.call(key, "GET", "/api/v1/orgs/acme/dashboards")).status_code == 200
    assert (await api.call(owner, "DELETE", f"{KEYS}/{made['id']}")).status_code == 204
    refused = await api.call(key, "GET", "/api/v1/orgs/acme/dashboards")
    assert refused.status_code == 401
    assert refused.headers["WWW-Authenticate"].startswith("Bearer")
    actions = [e.action for e in list_events(api.db, "acme")]
    assert actions[:2] == ["api_key.revoked", "api_key.created"]


async def test_a_key_records_when_it_was_last_used(api: ApiWorld) -> None:
    owner = api.key_caller("owner")
    made = (await api.call(owner, "POST", KEYS, json={"name": "ci", "role": "viewer"})).json()
    assert made["last_used_at"] is None
    await api.call(
        Caller("ci", {"Authorization": f"Bearer {made['key']}"}), "GET", "/api/v1/orgs/acme"
    )
    listed = {k["id"]: k for k in (await api.call(owner, "GET", KEYS)).json()}
    assert listed[made["id"]]["last_used_at"] is not None


@pytest.mark.parametrize("header", ["Basic dXNlcjpwYXNz", "Bearer", "Bearer dk_made_up", "dk_x"])
async def test_a_malformed_or_unknown_authorization_is_refused(api: ApiWorld, header: str) -> None:
    response = await api.call(Caller("?", {"Authorization": header}), "GET", "/api/v1/orgs/acme")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthorized"


async def test_a_key_beats_a_session_cookie_sent_with_it(api: ApiWorld) -> None:
    session = api.session_caller("owner")
    viewer_key = api.key_caller("viewer")
    both = Caller("both", {**session.headers, **viewer_key.headers})
    assert (await api.call(both, "POST", REVEAL)).status_code == 403
