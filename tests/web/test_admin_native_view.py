"""The native dashboard view: the admin page, its framed ``/view`` and the session data routes."""

from __future__ import annotations

import json
import re
from html import unescape
from typing import Any

import httpx
import pytest
from starlette.routing import Route

from dashlet.store.dashboards import set_embed_settings
from dashlet.store.usage import usage_report
from dashlet.web.member_routes import member_routes
from tests.web.api_world import ApiWorld, Caller
from tests.web.conftest import EmbedWorld

BASE = "/o/acme/dashboards/sales"
ROLES = ("owner", "editor", "viewer")
# Each route of the native view, and a request to it that succeeds for any member.
ROUTES = {
    "/o/{org}/dashboards/{slug}/view": f"{BASE}/view",
    "/o/{org}/dashboards/{slug}/data": f"{BASE}/data?var.TENANT=1",
    "/o/{org}/dashboards/{slug}/charts/{chart}.json": f"{BASE}/charts/total.json?var.TENANT=1",
    "/o/{org}/dashboards/{slug}/charts/{chart}.csv": f"{BASE}/charts/total.csv?var.TENANT=1",
    "/o/{org}/dashboards/{slug}/variables/{name}/choices.json": (
        f"{BASE}/variables/REGION/choices.json?var.TENANT=1"
    ),
}
DATA_ROUTES = [url for url in ROUTES.values() if "/view" not in url]


@pytest.fixture
async def api(world: EmbedWorld) -> ApiWorld:
    return ApiWorld(world)


async def get(api: ApiWorld, who: Caller, url: str) -> httpx.Response:
    return await api.call(who, "GET", url)


def lines(response: httpx.Response) -> dict[str, dict[str, Any]]:
    return {line["chart"]: line for line in map(json.loads, response.text.splitlines())}


def page_config(response: httpx.Response) -> dict[str, Any]:
    found = re.search(
        r'<script type="application/json" id="dashlet-config">(.*?)</script>', response.text
    )
    assert found is not None
    loaded: dict[str, Any] = json.loads(found.group(1))
    return loaded


def frame_src(response: httpx.Response) -> str:
    found = re.search(r'<iframe[^>]+src="([^"]+)"', response.text)
    assert found is not None
    return unescape(found.group(1))


def test_the_table_names_every_route_of_the_native_view() -> None:
    assert {route.path for route in member_routes() if isinstance(route, Route)} == set(ROUTES)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("url", ROUTES.values())
async def test_every_role_may_use_every_route(api: ApiWorld, role: str, url: str) -> None:
    response = await get(api, api.session_caller(role), url)
    assert response.status_code == 200


async def test_the_view_draws_the_dashboard_and_its_data_streams(api: ApiWorld) -> None:
    viewer = api.session_caller("viewer")
    assert 'data-chart="by_region"' in (await get(api, viewer, f"{BASE}/view")).text
    data = await get(api, viewer, f"{BASE}/data?var.TENANT=1")
    assert data.headers["content-type"] == "application/x-ndjson"
    assert lines(data)["total"]["result"]["rows"] == [[61.0, 1]]


@pytest.mark.parametrize("url", DATA_ROUTES)
async def test_data_routes_answer_401_json_without_a_session(api: ApiWorld, url: str) -> None:
    response = await get(api, Caller.anonymous(), url)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthorized"


async def test_the_view_without_a_session_is_a_refusal_page_not_a_redirect(
    api: ApiWorld,
) -> None:
    response = await get(api, Caller.anonymous(), f"{BASE}/view")
    assert response.status_code == 401
    assert 'data-code="unauthorized"' in response.text
    assert "frame-ancestors 'self'" in response.headers["content-security-policy"]


@pytest.mark.parametrize("url", ROUTES.values())
async def test_a_member_of_another_organization_is_refused(api: ApiWorld, url: str) -> None:
    stranger = api.session_caller("owner", org="other")
    response = await get(api, stranger, url)
    assert response.status_code == 403
    assert "forbidden" in response.text
    assert "north" not in response.text


async def test_an_unknown_dashboard_is_not_found_for_a_member(api: ApiWorld) -> None:
    response = await get(api, api.session_caller("viewer"), "/o/acme/dashboards/ghost/data")
    assert (response.status_code, response.json()["error"]["code"]) == (404, "not_found")


async def test_a_member_sets_the_hidden_tenant_and_sees_that_tenants_rows(api: ApiWorld) -> None:
    viewer = api.session_caller("viewer")
    first = await get(api, viewer, f"{BASE}/charts/by_region.json?var.TENANT=1")
    second = await get(api, viewer, f"{BASE}/charts/by_region.json?var.TENANT=2")
    assert first.json()["rows"] == [["north", 30.5, 1], ["south", 30.5, 1]]
    assert second.json()["rows"] == [["east", 30.5, 2], ["west", 30.5, 2]]


async def test_filter_options_follow_the_tenant_the_member_chose(api: ApiWorld) -> None:
    viewer = api.session_caller("viewer")
    response = await get(api, viewer, f"{BASE}/variables/REGION/choices.json?var.TENANT=2")
    assert response.json() == {"choices": ["east", "west"]}


async def test_a_required_variable_without_a_value_is_the_usual_refusal(api: ApiWorld) -> None:
    response = await get(api, api.session_caller("viewer"), f"{BASE}/data")
    assert (response.status_code, response.json()["error"]["code"]) == (400, "missing_variable")


async def test_a_variable_the_dashboard_does_not_declare_is_refused(api: ApiWorld) -> None:
    url = f"{BASE}/data?var.TENANT=1&var.NOPE=1"
    response = await get(api, api.session_caller("viewer"), url)
    assert response.json()["error"]["code"] == "unknown_variable"


async def test_the_view_works_with_embedding_off(api: ApiWorld) -> None:
    set_embed_settings(api.db, "acme", "sales", enabled=False, allow_viewer_variables=False)
    viewer = api.session_caller("viewer")
    assert (await get(api, viewer, f"{BASE}/view")).status_code == 200
    data = await get(api, viewer, f"{BASE}/data?var.TENANT=2&var.REGION=east")
    assert lines(data)["by_region"]["result"]["rows"] == [["east", 30.5, 2]]


async def test_csv_is_allowed_for_members_with_the_embed_csv_switch_off(api: ApiWorld) -> None:
    set_embed_settings(
        api.db, "acme", "sales", enabled=True, allow_viewer_variables=True, allow_csv=False
    )
    viewer = api.session_caller("viewer")
    response = await get(api, viewer, f"{BASE}/charts/by_region.csv?var.TENANT=1")
    assert response.status_code == 200
    assert response.text.lstrip("\ufeff").splitlines()[0] == "region,revenue,tenant_id"
    assert page_config(await get(api, viewer, f"{BASE}/view"))["allowCsv"] is True


async def test_native_loads_record_no_embed_usage(api: ApiWorld) -> None:
    viewer = api.session_caller("viewer")
    await get(api, viewer, f"{BASE}/view")
    await get(api, viewer, f"{BASE}/data?var.TENANT=1")
    await get(api, viewer, f"{BASE}/data")  # refused: no tenant
    api.world.services.usage.flush()
    (sales,) = usage_report(api.db, "acme")
    assert (sales.loads, sales.cache_hits, sales.cache_misses, sales.refusals) == (0, 0, 0, {})


async def test_the_view_may_be_framed_by_this_origin_only(api: ApiWorld) -> None:
    response = await get(api, api.session_caller("viewer"), f"{BASE}/view")
    assert "frame-ancestors 'self'" in response.headers["content-security-policy"]
    assert "x-frame-options" not in response.headers


async def test_the_views_config_uses_the_session_routes_and_every_variable(
    api: ApiWorld,
) -> None:
    config = page_config(await get(api, api.session_caller("viewer"), f"{BASE}/view"))
    assert (config["token"], config["expiresAt"]) == ("", None)
    assert config["dataUrl"] == f"{BASE}/data"
    assert config["chartUrl"] == f"{BASE}/charts/"
    assert config["choicesUrl"] == f"{BASE}/variables/"
    assert config["frameAncestors"] == ["'self'"]
    variables = {v["name"]: v for v in config["variables"]}
    assert list(variables) == ["TENANT", "REGION", "MIN_AMOUNT"]
    assert variables["REGION"]["choicesVariables"] == ["TENANT"]
    assert {c["slug"]: c["variables"] for c in config["charts"]}["total"] == ["TENANT"]


async def test_the_admin_page_frames_the_view_and_passes_filters_on(api: ApiWorld) -> None:
    page = await get(api, api.session_caller("viewer"), f"{BASE}?var.TENANT=2&var.REGION=east")
    assert page.headers["x-frame-options"] == "DENY"
    assert frame_src(page) == f"{BASE}/view?title=false&var.TENANT=2&var.REGION=east"
    assert '<script src="/static/dashlet-embed.js"' in page.text


@pytest.mark.parametrize(
    ("role", "edit", "embed"),
    [("owner", True, True), ("editor", True, False), ("viewer", False, False)],
)
async def test_the_admin_page_links_edit_and_embed_settings_by_role(
    api: ApiWorld, role: str, edit: bool, embed: bool
) -> None:
    page = await get(api, api.session_caller(role), BASE)
    assert (f'href="{BASE}/edit"' in page.text) is edit
    assert (f'href="{BASE}/embed"' in page.text) is embed
