"""The API as a whole: its headers, its error shape, its OpenAPI document and docs page."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import pytest

from dashlet.errors import REFUSALS
from dashlet.web.api_routes import MAX_BODY_BYTES
from tests.web.api_world import ApiWorld, Caller
from tests.web.conftest import EmbedWorld


@pytest.fixture
async def api(world: EmbedWorld) -> ApiWorld:
    return ApiWorld(world)


@pytest.mark.parametrize(
    ("method", "path", "who"),
    [
        ("GET", "/api/v1/orgs/acme/dashboards", "viewer"),
        ("POST", "/api/v1/orgs/acme/secret/reveal", "viewer"),
        ("GET", "/api/v1/orgs/acme/dashboards", "anonymous"),
        ("GET", "/api/v1/orgs/acme/nothing-here", "viewer"),
    ],
)
async def test_every_answer_is_never_stored_nor_framed(
    api: ApiWorld, method: str, path: str, who: str
) -> None:
    caller = Caller.anonymous() if who == "anonymous" else api.key_caller(who)
    response = await api.call(caller, method, path)
    assert response.headers["Cache-Control"] == "no-store"
    if response.status_code != 404:
        assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
        assert response.headers["X-Frame-Options"] == "DENY"


async def test_refusals_use_the_embed_routes_shape(api: ApiWorld) -> None:
    response = await api.call(Caller.anonymous(), "GET", "/api/v1/orgs/acme/usage")
    assert response.json() == {
        "error": {"code": "unauthorized", "message": response.json()["error"]["message"]}
    }
    assert response.status_code == REFUSALS["unauthorized"][0]


async def test_an_unknown_field_is_an_invalid_request_not_fastapis_shape(api: ApiWorld) -> None:
    response = await api.call(
        api.key_caller("owner"), "POST", "/api/v1/orgs/acme/secret/rotate", json={"grace": 5}
    )
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "invalid_request"
    assert "body.grace" in error["message"]
    assert "detail" not in response.json()


async def test_text_no_database_can_store_is_refused(api: ApiWorld) -> None:
    response = await api.call(
        api.key_caller("owner"),
        "POST",
        "/api/v1/orgs/acme/api-keys",
        json={"name": "nul\u0000name", "role": "viewer"},
    )
    assert response.json()["error"]["code"] == "invalid_request"


async def test_a_body_past_the_limit_is_refused_before_it_is_read(api: ApiWorld) -> None:
    body = {"token": "x" * (MAX_BODY_BYTES + 1)}
    response = await api.call(
        api.key_caller("owner"), "POST", "/api/v1/orgs/acme/tokens/explain", json=body
    )
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "request_too_large"


async def test_a_streamed_body_past_the_limit_is_refused(api: ApiWorld) -> None:
    async def chunks() -> AsyncIterator[bytes]:
        for _ in range(MAX_BODY_BYTES // 1024 + 2):
            yield b"x" * 1024

    response = await api.client.post(
        "/api/v1/orgs/acme/tokens/explain",
        content=chunks(),
        headers={**api.key_caller("owner").headers, "Content-Type": "application/json"},
    )
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "request_too_large"


async def test_the_openapi_document_describes_every_route_and_both_credentials(
    api: ApiWorld,
) -> None:
    document = (await api.client.get("/api/openapi.json")).json()
    assert document["openapi"].startswith("3.")
    assert set(document["components"]["securitySchemes"]) == {"apiKey", "session"}
    reveal = document["paths"]["/api/v1/orgs/{org}/secret/reveal"]["post"]
    assert reveal["x-dashlet-roles"] == ["owner"]
    assert reveal["responses"]["403"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ErrorOut"
    }
    listing = document["paths"]["/api/v1/orgs/{org}/dashboards"]["get"]
    assert listing["x-dashlet-roles"] == ["owner", "editor", "viewer"]


async def test_the_docs_page_loads_nothing_from_another_host(api: ApiWorld) -> None:
    response = await api.client.get("/api/docs")
    assert response.status_code == 200
    assert "/api/v1/orgs/{org}/secret/reveal" in response.text
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", response.text)
    policy = response.headers["Content-Security-Policy"]
    assert "default-src 'none'" in policy
    assert "frame-ancestors 'none'" in policy
    assert response.headers["Cache-Control"] == "no-store"
