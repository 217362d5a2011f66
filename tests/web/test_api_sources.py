"""Data sources through the API: masked URLs, kept passwords, conflicts, the connection test."""

from __future__ import annotations

import pytest

from dashlet.store.sources import find_source_def, list_sources
from tests.web.api_world import ApiWorld
from tests.web.conftest import EmbedWorld

SOURCES = "/api/v1/orgs/acme/sources"
PG = "postgresql://reader:s3cret@127.0.0.1:1/warehouse"


@pytest.fixture
async def api(world: EmbedWorld) -> ApiWorld:
    return ApiWorld(world)


def warehouse_id(api: ApiWorld) -> int:
    return next(s.id for s in list_sources(api.db, "acme") if s.name == "warehouse")


async def test_a_created_source_answers_with_the_masked_url(api: ApiWorld) -> None:
    body = {"name": "pg", "url": PG, "row_limit": 500}
    response = await api.call(api.key_caller("editor"), "POST", SOURCES, json=body)
    assert response.status_code == 201
    assert response.json()["display_url"] == "postgresql://reader:***@127.0.0.1:1/warehouse"
    assert "s3cret" not in response.text


async def test_the_list_never_holds_a_password(api: ApiWorld) -> None:
    editor = api.key_caller("editor")
    await api.call(editor, "POST", SOURCES, json={"name": "pg", "url": PG})
    response = await api.call(editor, "GET", SOURCES)
    assert [s["name"] for s in response.json()] == ["pg", "warehouse"]
    assert "s3cret" not in response.text


async def test_a_taken_name_is_a_conflict(api: ApiWorld) -> None:
    body = {"name": "warehouse", "url": PG}
    response = await api.call(api.key_caller("editor"), "POST", SOURCES, json=body)
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "conflict"


async def test_an_invalid_url_is_an_invalid_request(api: ApiWorld) -> None:
    body = {"name": "bad", "url": "no url here"}
    response = await api.call(api.key_caller("editor"), "POST", SOURCES, json=body)
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_request"


async def test_a_change_without_a_url_keeps_it_and_bumps_the_version(api: ApiWorld) -> None:
    source_id = warehouse_id(api)
    before = find_source_def(api.db, "acme", source_id)
    body = {"name": "warehouse", "row_limit": 10}
    response = await api.call(api.key_caller("editor"), "PUT", f"{SOURCES}/{source_id}", json=body)
    assert response.json()["version"] == before.version + 1
    assert find_source_def(api.db, "acme", source_id).url == before.url


async def test_a_masked_password_keeps_the_stored_one(api: ApiWorld) -> None:
    editor = api.key_caller("editor")
    created = (await api.call(editor, "POST", SOURCES, json={"name": "pg", "url": PG})).json()
    moved = {"name": "pg", "url": created["display_url"].replace("127.0.0.1:1", "127.0.0.1:2")}
    await api.call(editor, "PUT", f"{SOURCES}/{created['id']}", json=moved)
    kept = find_source_def(api.db, "acme", created["id"])
    assert kept.url == "postgresql://reader:s3cret@127.0.0.1:2/warehouse"


async def test_the_connection_test_reports_the_time_taken(api: ApiWorld) -> None:
    path = f"{SOURCES}/{warehouse_id(api)}/test"
    report = (await api.call(api.key_caller("editor"), "POST", path)).json()
    assert report["ok"] is True
    assert report["elapsed_ms"] >= 0


async def test_a_failed_connection_test_never_shows_the_password(api: ApiWorld) -> None:
    editor = api.key_caller("editor")
    created = (await api.call(editor, "POST", SOURCES, json={"name": "pg", "url": PG})).json()
    response = await api.call(editor, "POST", f"{SOURCES}/{created['id']}/test")
    report = response.json()
    assert (report["ok"], report["code"]) == (False, "query_failed")
    assert report["message"]
    assert "s3cret" not in response.text


async def test_a_viewer_cannot_list_sources(api: ApiWorld) -> None:
    response = await api.call(api.key_caller("viewer"), "GET", SOURCES)
    assert response.status_code == 403
