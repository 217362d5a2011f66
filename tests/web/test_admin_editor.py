"""The dashboard editor's pages: a shell with the editor script and its config, for editors and
owners only; the script's API is tested in test_api_editor.py and in the browser suite."""

from __future__ import annotations

import json
import re
from typing import Any

import httpx
import pytest

from dashlet.web.assets import load_manifest
from tests.web.api_world import ApiWorld
from tests.web.conftest import EmbedWorld
from tests.web.test_admin_pages import caller, code_of, get

EDIT = "/o/acme/dashboards/sales/edit"
NEW = "/o/acme/new-dashboard"


@pytest.fixture
async def api(world: EmbedWorld) -> ApiWorld:
    return ApiWorld(world)


def config_of(response: httpx.Response) -> dict[str, Any]:
    found = re.search(
        r'<script type="application/json" id="editor-config">(.*?)</script>', response.text
    )
    assert found is not None, response.text
    config: dict[str, Any] = json.loads(found.group(1))
    return config


@pytest.mark.parametrize("role", ["editor", "owner"])
async def test_the_edit_page_carries_the_editor_and_its_config(api: ApiWorld, role: str) -> None:
    who = api.session_caller(role)
    response = await get(api, who, EDIT)
    assert response.status_code == 200
    config = config_of(response)
    assert config["org"] == "acme"
    assert config["slug"] == "sales"
    assert config["csrfToken"] == who.headers["X-CSRF-Token"]
    assert config["apiBase"] == "/api/v1/orgs/acme/dashboards/"
    assert config["sources"] == ["warehouse"]
    assert config["chartTypes"]["bar"] == {
        "encoding": ["x", "y", "series", "format"],
        "required": ["x", "y"],
    }
    assert 'id="dashboard-editor"' in response.text
    assert f'src="{load_manifest().url("admin-editor.js")}"' in response.text


async def test_the_new_page_starts_a_dashboard_without_a_slug(api: ApiWorld) -> None:
    response = await get(api, api.session_caller("editor"), NEW)
    assert response.status_code == 200
    assert config_of(response)["slug"] is None
    assert "<h1>New dashboard</h1>" in response.text


@pytest.mark.parametrize("url", [EDIT, NEW])
async def test_a_viewer_is_refused_the_editor(api: ApiWorld, url: str) -> None:
    response = await get(api, api.session_caller("viewer"), url)
    assert response.status_code == 403
    assert code_of(response) == "forbidden"
    assert "editor-config" not in response.text


@pytest.mark.parametrize("url", [EDIT, NEW])
async def test_signing_in_comes_first(api: ApiWorld, url: str) -> None:
    response = await get(api, caller(api, "anonymous"), url)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login?next=")


async def test_editing_a_dashboard_that_does_not_exist_is_not_found(api: ApiWorld) -> None:
    response = await get(api, api.session_caller("editor"), "/o/acme/dashboards/nope/edit")
    assert response.status_code == 404


async def test_the_editor_runs_under_the_admin_pages_policy(api: ApiWorld) -> None:
    response = await get(api, api.session_caller("editor"), EDIT)
    policy = response.headers["content-security-policy"]
    assert "default-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy
    assert response.headers["cache-control"] == "no-store"
    # No inline script or style attribute that the policy would block.
    assert not re.search(r"<script(?![^>]*(?:src=|type=\"application/json\"))", response.text)
    assert " style=" not in response.text


@pytest.mark.parametrize("role", ["editor", "owner"])
async def test_the_dashboards_list_links_to_the_editor(api: ApiWorld, role: str) -> None:
    response = await get(api, api.session_caller(role), "/o/acme/dashboards")
    assert 'href="/o/acme/new-dashboard"' in response.text
    assert 'href="/o/acme/dashboards/sales/edit"' in response.text


async def test_a_viewer_sees_no_editor_links(api: ApiWorld) -> None:
    response = await get(api, api.session_caller("viewer"), "/o/acme/dashboards")
    assert "/new-dashboard" not in response.text
    assert "/edit" not in response.text
