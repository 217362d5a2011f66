"""The admin pages in process: who may open and post what, CSRF, and what each page does."""

from __future__ import annotations

import re

import httpx
import pytest
from starlette.routing import Route

from dashlet.store.audit import list_events
from dashlet.store.members import list_members
from dashlet.store.organizations import reveal_secret
from dashlet.store.sources import list_sources
from dashlet.web.admin_routes import admin_routes
from dashlet.web.member_routes import member_routes
from tests.auth.members import PASSWORD, member_factory
from tests.web.api_world import ApiWorld, Caller
from tests.web.conftest import EmbedWorld

ORG = "/o/acme"
ROLES = ("owner", "editor", "viewer", "anonymous")
# Every organization page (GET) and form (POST) of the admin app: route, a URL, the least role.
# test_every_admin_route_is_in_a_role_table keeps these tables complete.
PAGE_ROUTES = {
    "/o/{org}/dashboards": (f"{ORG}/dashboards", "viewer"),
    "/o/{org}/new-dashboard": (f"{ORG}/new-dashboard", "editor"),
    "/o/{org}/dashboards/{slug}": (f"{ORG}/dashboards/sales", "viewer"),
    "/o/{org}/dashboards/{slug}/edit": (f"{ORG}/dashboards/sales/edit", "editor"),
    "/o/{org}/dashboards/{slug}/embed": (f"{ORG}/dashboards/sales/embed", "owner"),
    "/o/{org}/embedding": (f"{ORG}/embedding", "owner"),
    "/o/{org}/usage": (f"{ORG}/usage", "owner"),
    "/o/{org}/members": (f"{ORG}/members", "owner"),
    "/o/{org}/api-keys": (f"{ORG}/api-keys", "owner"),
    "/o/{org}/audit": (f"{ORG}/audit", "owner"),
    "/o/{org}/sources": (f"{ORG}/sources", "editor"),
    "/o/{org}/sources/{source_id:int}": (f"{ORG}/sources/1", "editor"),
}
FORM_ROUTES = {
    "/o/{org}/dashboards/{slug}/delete": (f"{ORG}/dashboards/sales/delete", "editor"),
    "/o/{org}/dashboards/{slug}/embed": (f"{ORG}/dashboards/sales/embed", "owner"),
    "/o/{org}/dashboards/{slug}/embed/preview": (f"{ORG}/dashboards/sales/embed/preview", "owner"),
    "/o/{org}/embedding/secret/reveal": (f"{ORG}/embedding/secret/reveal", "owner"),
    "/o/{org}/embedding/secret/reset": (f"{ORG}/embedding/secret/reset", "owner"),
    "/o/{org}/embedding/secret/rotate": (f"{ORG}/embedding/secret/rotate", "owner"),
    "/o/{org}/embedding/settings": (f"{ORG}/embedding/settings", "owner"),
    "/o/{org}/embedding/revocations": (f"{ORG}/embedding/revocations", "owner"),
    "/o/{org}/embedding/revocations/{rule_id:int}/remove": (
        f"{ORG}/embedding/revocations/1/remove",
        "owner",
    ),
    "/o/{org}/embedding/explain": (f"{ORG}/embedding/explain", "owner"),
    "/o/{org}/members": (f"{ORG}/members", "owner"),
    "/o/{org}/members/{user_id:int}/role": (f"{ORG}/members/1/role", "owner"),
    "/o/{org}/members/{user_id:int}/remove": (f"{ORG}/members/1/remove", "owner"),
    "/o/{org}/api-keys": (f"{ORG}/api-keys", "owner"),
    "/o/{org}/api-keys/{key_id:int}/revoke": (f"{ORG}/api-keys/1/revoke", "owner"),
    "/o/{org}/sources": (f"{ORG}/sources", "editor"),
    "/o/{org}/sources/{source_id:int}": (f"{ORG}/sources/1", "editor"),
    "/o/{org}/sources/{source_id:int}/test": (f"{ORG}/sources/1/test", "editor"),
}
# Sign-in and account routes need no organization role (tests/web/test_admin_pages.py below);
# the native view's routes have their own table in tests/web/test_admin_native_view.py.
ACCOUNT_ROUTES = {
    ("GET", "/"),
    ("GET", "/switch"),
    ("GET", "/login"),
    ("POST", "/login"),
    ("POST", "/logout"),
    ("GET", "/account/password"),
    ("POST", "/account/password"),
}
RANK = {"viewer": 0, "editor": 1, "owner": 2}


@pytest.fixture
async def api(world: EmbedWorld) -> ApiWorld:
    return ApiWorld(world)


def caller(api: ApiWorld, role: str) -> Caller:
    return Caller.anonymous() if role == "anonymous" else api.session_caller(role)


async def get(api: ApiWorld, who: Caller, url: str) -> httpx.Response:
    return await api.call(who, "GET", url)


async def post(api: ApiWorld, who: Caller, url: str, **fields: str) -> httpx.Response:
    """A form POST carrying ``who``'s CSRF token as the hidden field does (unless given)."""
    api.client.cookies.clear()
    form = {"csrf_token": who.headers.get("X-CSRF-Token", ""), **fields}
    cookie = {"Cookie": who.headers["Cookie"]} if "Cookie" in who.headers else {}
    return await api.client.post(url, data=form, headers=cookie)


def code_of(response: httpx.Response) -> str | None:
    found = re.search(r'data-code="([a-z_]+)"', response.text)
    return found.group(1) if found else None


def test_every_admin_route_is_in_a_role_table() -> None:
    native = {(m, r.path) for r in member_routes() if isinstance(r, Route) for m in r.methods or ()}
    served = {
        (method, route.path)
        for route in admin_routes()
        if isinstance(route, Route)
        for method in route.methods or ()
        if method != "HEAD"
    }
    tables = (
        {("GET", path) for path in PAGE_ROUTES}
        | {("POST", path) for path in FORM_ROUTES}
        | ACCOUNT_ROUTES
        | {(m, path) for m, path in native if m != "HEAD"}
    )
    assert served == tables


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("route", PAGE_ROUTES)
async def test_each_page_opens_for_its_roles_only(api: ApiWorld, route: str, role: str) -> None:
    url, least = PAGE_ROUTES[route]
    if url.endswith("/sources/1"):
        url = f"{ORG}/sources/{list_sources(api.db, 'acme')[0].id}"
    response = await get(api, caller(api, role), url)
    if role == "anonymous":
        assert (response.status_code, response.headers["location"]) == (
            303,
            f"/login?next={url.replace('/', '%2F')}",
        )
    elif RANK[role] >= RANK[least]:
        assert response.status_code == 200
    else:
        assert (response.status_code, code_of(response)) == (403, "forbidden")
    assert response.headers["x-frame-options"] == "DENY"


@pytest.mark.parametrize(
    ("route", "role"),
    [
        (route, role)
        for route, (_, least) in FORM_ROUTES.items()
        for role in ("editor", "viewer", "anonymous")
        if role == "anonymous" or RANK[role] < RANK[least]
    ],
)
async def test_forms_are_refused_below_their_role(api: ApiWorld, route: str, role: str) -> None:
    url, _ = FORM_ROUTES[route]
    before = api.world.dashboard().version
    response = await post(api, caller(api, role), url, confirm="reset", grace_minutes="5")
    expected = ("unauthorized", 401) if role == "anonymous" else ("forbidden", 403)
    assert (code_of(response), response.status_code) == expected
    assert "secret-value" not in response.text
    assert api.world.dashboard().version == before


async def test_a_form_without_the_csrf_token_is_refused(api: ApiWorld) -> None:
    owner = api.session_caller("owner")
    response = await post(api, owner, f"{ORG}/embedding/secret/reveal", csrf_token="")
    assert (response.status_code, code_of(response)) == (403, "csrf_failed")
    assert list_events(api.db, "acme") == []


async def test_a_form_posted_from_another_site_is_refused(api: ApiWorld) -> None:
    owner = api.session_caller("owner")
    api.client.cookies.clear()
    response = await api.client.post(
        f"{ORG}/embedding/secret/reveal",
        data={"csrf_token": owner.headers["X-CSRF-Token"]},
        headers={"Cookie": owner.headers["Cookie"], "Origin": "https://evil.example"},
    )
    assert code_of(response) == "csrf_failed"


async def test_signing_in_sets_a_session_and_goes_where_asked(api: ApiWorld) -> None:
    owner = api.member("owner")
    response = await api.client.post(
        "/login", data={"email": owner.email, "password": PASSWORD, "next": f"{ORG}/usage"}
    )
    assert (response.status_code, response.headers["location"]) == (303, f"{ORG}/usage")
    assert "dashlet_session" in response.headers["set-cookie"]
    assert (await api.client.get("/")).headers["location"] == f"{ORG}/dashboards"


async def test_a_wrong_password_shows_the_form_again(api: ApiWorld) -> None:
    owner = api.member("owner")
    response = await api.client.post("/login", data={"email": owner.email, "password": "nope"})
    assert response.status_code == 401
    assert "The email or password is wrong." in response.text


async def test_signing_in_never_redirects_to_another_site(api: ApiWorld) -> None:
    owner = api.member("owner")
    response = await api.client.post(
        "/login", data={"email": owner.email, "password": PASSWORD, "next": "//evil.example/"}
    )
    assert response.headers["location"] == "/"


async def test_signing_out_ends_the_session(api: ApiWorld) -> None:
    owner = api.session_caller("owner")
    assert (await post(api, owner, "/logout")).headers["location"] == "/login"
    assert (await get(api, owner, f"{ORG}/dashboards")).status_code == 303


async def test_the_secret_is_hidden_until_revealed_and_each_reveal_is_audited(
    api: ApiWorld,
) -> None:
    owner = api.session_caller("owner")
    secret = reveal_secret(api.db, "acme")
    assert secret not in (await get(api, owner, f"{ORG}/embedding")).text
    revealed = await post(api, owner, f"{ORG}/embedding/secret/reveal")
    assert secret in revealed.text
    assert [e.action for e in list_events(api.db, "acme")] == ["secret.revealed"]


async def test_a_reset_needs_confirming_and_then_breaks_old_embeds(api: ApiWorld) -> None:
    owner = api.session_caller("owner")
    old = api.world.sign()
    unconfirmed = await post(api, owner, f"{ORG}/embedding/secret/reset", confirm="")
    assert unconfirmed.status_code == 422
    assert (await api.client.get(api.world.page_url(old))).status_code == 200
    done = await post(api, owner, f"{ORG}/embedding/secret/reset", confirm="reset")
    assert done.headers["location"] == f"{ORG}/embedding?notice=secret_reset"
    assert (await api.client.get(api.world.page_url(old))).status_code == 403


async def test_an_env_revocation_rule_added_in_the_page_refuses_that_tenant(
    api: ApiWorld,
) -> None:
    owner = api.session_caller("owner")
    fields = {"kind": "env", "env_name": "TENANT", "env_value": "1"}
    assert (await post(api, owner, f"{ORG}/embedding/revocations", **fields)).status_code == 303
    assert (await api.client.get(api.world.page_url(api.world.sign()))).status_code == 403
    assert "env <code>TENANT</code>" in (await get(api, owner, f"{ORG}/embedding")).text


async def test_an_empty_frame_list_says_any_origin_may_frame(api: ApiWorld) -> None:
    owner = api.session_caller("owner")
    assert "any origin may frame" in (await get(api, owner, f"{ORG}/embedding")).text
    fields = {"frame_ancestors": "https://app.example.com"}
    await post(api, owner, f"{ORG}/embedding/settings", **fields)
    assert "any origin may frame" not in (await get(api, owner, f"{ORG}/embedding")).text


async def test_the_explain_tool_names_a_bad_signature(api: ApiWorld) -> None:
    owner = api.session_caller("owner")
    token = api.world.sign(secret="not-the-secret-at-all-but-long-enough")
    response = await post(api, owner, f"{ORG}/embedding/explain", token=token)
    assert "check-failed" in response.text


async def test_unchecking_viewer_variables_in_the_panel_saves_it(api: ApiWorld) -> None:
    owner = api.session_caller("owner")
    response = await post(api, owner, f"{ORG}/dashboards/sales/embed", enabled="on")
    assert response.status_code == 303
    embed = api.world.dashboard().embed
    assert (embed.enabled, embed.allow_viewer_variables, embed.allow_csv) == (True, False, False)


async def test_the_panel_shows_code_in_four_languages_and_the_url_length(api: ApiWorld) -> None:
    owner = api.session_caller("owner")
    text = (await get(api, owner, f"{ORG}/dashboards/sales/embed")).text
    for language in ("python", "ruby", "javascript", "php"):
        assert f'id="snippet-{language}"' in text
    assert re.search(r'id="url-length">\d+<', text)


async def test_the_preview_frames_a_token_for_the_typed_env(api: ApiWorld) -> None:
    owner = api.session_caller("owner")
    response = await post(
        api, owner, f"{ORG}/dashboards/sales/embed/preview", **{"env.TENANT": "2"}
    )
    frame = re.search(r'<iframe[^>]+src="([^"]+)"', response.text)
    assert frame is not None
    assert (await api.client.get(frame.group(1).replace("&amp;", "&"))).status_code == 200


async def test_an_owner_adds_a_member_and_changes_their_role(api: ApiWorld) -> None:
    owner = api.session_caller("owner")
    fields = {"email": "new@acme.test", "password": "long enough pw", "role": "viewer"}
    assert (await post(api, owner, f"{ORG}/members", **fields)).status_code == 303
    added = next(m for m in list_members(api.db, "acme") if m.email == "new@acme.test")
    await post(api, owner, f"{ORG}/members/{added.user_id}/role", role="editor")
    roles = {m.email: m.role for m in list_members(api.db, "acme")}
    assert roles["new@acme.test"] == "editor"


async def test_the_last_owner_cannot_be_removed(api: ApiWorld) -> None:
    owner = api.session_caller("owner")
    (only,) = list_members(api.db, "acme")
    response = await post(api, owner, f"{ORG}/members/{only.user_id}/remove")
    assert (response.status_code, code_of(response)) == (409, "conflict")


async def test_usage_counts_loads_per_dashboard(api: ApiWorld) -> None:
    owner = api.session_caller("owner")
    assert (await api.client.get(api.world.page_url(api.world.sign()))).status_code == 200
    api.world.services.usage.flush()
    text = (await get(api, owner, f"{ORG}/usage")).text
    assert re.search(r'class="loads">1<', text)
    assert re.search(r'class="new-tokens">1<', text)


async def test_the_audit_page_lists_who_did_what(api: ApiWorld) -> None:
    owner = api.session_caller("owner")
    await post(api, owner, f"{ORG}/embedding/secret/reveal")
    text = (await get(api, owner, f"{ORG}/audit")).text
    assert 'data-action="secret.revealed"' in text
    assert owner.name in text


async def test_a_password_change_keeps_this_browser_signed_in(api: ApiWorld) -> None:
    owner = api.member("owner")
    await api.client.post("/login", data={"email": owner.email, "password": PASSWORD})
    page = await api.client.get("/account/password")
    token = re.search(r'name="csrf_token" value="([0-9a-f]+)"', page.text)
    assert token is not None
    fields = {"csrf_token": token.group(1), "current_password": PASSWORD, "new_password": "x" * 12}
    changed = await api.client.post("/account/password", data=fields)
    assert changed.headers["location"] == "/account/password?notice=password_changed"
    assert (await api.client.get(f"{ORG}/dashboards")).status_code == 200


async def test_the_switcher_lists_every_organization_of_a_member_of_several(
    api: ApiWorld,
) -> None:
    owner = api.member("owner")
    member_factory(api.db)(email=owner.email, role="viewer", org="other")
    api.client.cookies.clear()
    await api.client.post("/login", data={"email": owner.email, "password": PASSWORD})
    text = (await api.client.get(f"{ORG}/dashboards")).text
    assert 'action="/switch"' in text
    assert (await api.client.get("/switch?org=other")).headers["location"] == "/o/other/dashboards"


async def test_a_rotation_keeps_old_embeds_working_for_the_grace_window(api: ApiWorld) -> None:
    owner = api.session_caller("owner")
    old = api.world.sign()
    rotated = await post(api, owner, f"{ORG}/embedding/secret/rotate", grace_minutes="30")
    assert rotated.headers["location"] == f"{ORG}/embedding?notice=secret_rotated"
    assert (await api.client.get(api.world.page_url(old))).status_code == 200
    assert "keeps working until" in (await get(api, owner, f"{ORG}/embedding")).text


async def test_a_dashboard_is_deleted_only_when_its_slug_is_typed(api: ApiWorld) -> None:
    editor = api.session_caller("editor")
    page = await get(api, editor, f"{ORG}/dashboards/sales")
    assert 'action="/o/acme/dashboards/sales/delete"' in page.text
    unconfirmed = await post(api, editor, f"{ORG}/dashboards/sales/delete", confirm="sale")
    assert (unconfirmed.status_code, code_of(unconfirmed)) == (422, "invalid_request")
    assert api.world.dashboard().slug == "sales"
    deleted = await post(api, editor, f"{ORG}/dashboards/sales/delete", confirm="sales")
    assert deleted.headers["location"] == f"{ORG}/dashboards?notice=dashboard_deleted"
    assert (await get(api, editor, f"{ORG}/dashboards/sales")).status_code == 404


async def test_a_viewer_is_offered_no_delete_form(api: ApiWorld) -> None:
    page = await get(api, api.session_caller("viewer"), f"{ORG}/dashboards/sales")
    assert "/delete" not in page.text
