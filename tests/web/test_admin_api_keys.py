"""The API keys page: owners make keys (shown once), revoke them; keys work with their role."""

from __future__ import annotations

import re

import httpx
import pytest

from dashlet.auth.api_keys import create_api_key
from dashlet.store.api_keys import list_api_keys
from dashlet.store.audit import list_events
from tests.web.api_world import ApiWorld, Caller
from tests.web.conftest import EmbedWorld
from tests.web.test_admin_pages import caller, code_of, post

KEYS = "/o/acme/api-keys"
API = "/api/v1/orgs/acme"


@pytest.fixture
async def api(world: EmbedWorld) -> ApiWorld:
    return ApiWorld(world)


def shown_key(response: httpx.Response) -> str:
    found = re.search(r'id="new-key">(dk_[A-Za-z0-9_-]+)<', response.text)
    assert found is not None, response.text
    return found.group(1)


async def make_key(api: ApiWorld, owner: Caller, role: str = "viewer") -> str:
    """A key made through the page's form; returns the key the answer shows."""
    return shown_key(await post(api, owner, KEYS, name=f"{role} key", role=role))


def bearer(key: str) -> Caller:
    return Caller("key", {"Authorization": f"Bearer {key}"})


async def test_a_new_key_is_shown_once_and_never_listed_again(api: ApiWorld) -> None:
    owner = api.session_caller("owner")
    made = await post(api, owner, KEYS, name="deploy", role="editor")
    assert (made.status_code, made.headers["cache-control"]) == (200, "no-store")
    assert "it will not be shown again" in made.text
    key = shown_key(made)
    listed = await api.call(owner, "GET", KEYS)
    assert key not in listed.text
    assert key[:10] in listed.text
    assert 'id="new-key"' not in listed.text


async def test_a_viewer_key_made_in_the_page_reads_dashboards_but_cannot_apply(
    api: ApiWorld,
) -> None:
    key = bearer(await make_key(api, api.session_caller("owner"), "viewer"))
    assert (await api.call(key, "GET", f"{API}/dashboards")).status_code == 200
    refused = await api.call(key, "POST", f"{API}/dashboards/apply", json={"files": {}})
    assert (refused.status_code, refused.json()["error"]["code"]) == (403, "forbidden")


async def test_an_owner_may_make_an_owner_key(api: ApiWorld) -> None:
    key = bearer(await make_key(api, api.session_caller("owner"), "owner"))
    assert (await api.call(key, "POST", f"{API}/secret/reveal")).status_code == 200


async def test_a_key_revoked_in_the_page_is_refused_from_then_on(api: ApiWorld) -> None:
    owner = api.session_caller("owner")
    key = await make_key(api, owner)
    (listed,) = list_api_keys(api.db, "acme")
    revoked = await post(api, owner, f"{KEYS}/{listed.id}/revoke")
    assert revoked.headers["location"] == f"{KEYS}?notice=api_key_revoked"
    assert (await api.call(bearer(key), "GET", f"{API}/dashboards")).status_code == 401
    page = await api.call(owner, "GET", revoked.headers["location"])
    assert "requests with it are refused" in page.text
    assert f'action="{KEYS}/{listed.id}/revoke"' not in page.text


async def test_making_and_revoking_are_audited_with_the_owner(api: ApiWorld) -> None:
    owner = api.session_caller("owner")
    await make_key(api, owner)
    (listed,) = list_api_keys(api.db, "acme")
    await post(api, owner, f"{KEYS}/{listed.id}/revoke")
    events = [(e.action, e.actor, e.detail["id"]) for e in list_events(api.db, "acme")]
    assert events == [
        ("api_key.revoked", owner.name, listed.id),
        ("api_key.created", owner.name, listed.id),
    ]


@pytest.mark.parametrize("role", ["editor", "viewer", "anonymous"])
async def test_only_owners_open_the_page(api: ApiWorld, role: str) -> None:
    response = await api.call(caller(api, role), "GET", KEYS)
    if role == "anonymous":
        assert response.headers["location"].startswith("/login?next=")
    else:
        assert (response.status_code, code_of(response)) == (403, "forbidden")


@pytest.mark.parametrize("role", ["editor", "viewer", "anonymous"])
@pytest.mark.parametrize("action", ["make", "revoke"])
async def test_only_owners_make_or_revoke_keys(api: ApiWorld, role: str, action: str) -> None:
    spare = create_api_key(api.db, "acme", "spare", "viewer", actor="tests")[0]
    url = KEYS if action == "make" else f"{KEYS}/{spare.id}/revoke"
    response = await post(api, caller(api, role), url, name="mine", role="owner")
    expected = ("unauthorized", 401) if role == "anonymous" else ("forbidden", 403)
    assert (code_of(response), response.status_code) == expected
    assert [(k.name, k.revoked_at) for k in list_api_keys(api.db, "acme")] == [("spare", None)]


async def test_a_form_without_the_csrf_token_is_refused(api: ApiWorld) -> None:
    owner = api.session_caller("owner")
    response = await post(api, owner, KEYS, csrf_token="", name="ci", role="viewer")
    assert (response.status_code, code_of(response)) == (403, "csrf_failed")
    assert list_api_keys(api.db, "acme") == []


async def test_a_role_that_does_not_exist_is_refused(api: ApiWorld) -> None:
    response = await post(api, api.session_caller("owner"), KEYS, name="ci", role="admin")
    assert (response.status_code, code_of(response)) == (422, "invalid_request")
    assert list_api_keys(api.db, "acme") == []


async def test_a_key_of_another_organization_cannot_be_revoked(api: ApiWorld) -> None:
    api.member("owner", org="other")
    theirs = create_api_key(api.db, "other", "theirs", "owner", actor="tests")[0]
    response = await post(api, api.session_caller("owner"), f"{KEYS}/{theirs.id}/revoke")
    assert response.status_code == 404
    assert list_api_keys(api.db, "other")[0].revoked_at is None


@pytest.mark.parametrize(("role", "shown"), [("owner", True), ("editor", False)])
async def test_the_nav_links_to_the_page_for_owners_only(
    api: ApiWorld, role: str, shown: bool
) -> None:
    page = await api.call(api.session_caller(role), "GET", "/o/acme/dashboards")
    assert (f'href="{KEYS}"' in page.text) is shown
