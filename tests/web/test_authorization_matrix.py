"""Every API route x every role x anonymous x a member of another organization.

``EXPECTED`` says who may call each route; a route the app serves but this table does not name
fails ``test_the_matrix_names_every_api_route``, so no new route goes unchecked. For each route,
one request that succeeds for an allowed caller is made by every caller, with API keys and
with sessions, and the answer must be a success or the right refusal.
"""

from __future__ import annotations

import itertools
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.routing import APIRoute
from starlette.routing import Route

from dashlet.auth.api_keys import create_api_key
from dashlet.spec.edit import save_document
from dashlet.store.revocations import add_revocation
from dashlet.store.sources import list_sources
from dashlet.web.app import routes
from tests.auth.members import PASSWORD
from tests.web.api_world import ApiWorld, Caller
from tests.web.conftest import EmbedWorld

RANK = {"viewer": 1, "editor": 2, "owner": 3}
SERIAL = itertools.count(1)
ORG = "/api/v1/orgs/{org}"

# Who may call each route: public, session (any signed-in browser), or the least role needed.
EXPECTED: dict[tuple[str, str], str] = {
    ("GET", "/api/openapi.json"): "public",
    ("GET", "/api/docs"): "public",
    ("POST", "/api/v1/session"): "public",
    ("GET", "/api/v1/session"): "session",
    ("DELETE", "/api/v1/session"): "session",
    ("PUT", "/api/v1/session/password"): "session",
    ("GET", ORG): "viewer",
    ("PATCH", f"{ORG}/embedding"): "owner",
    ("GET", f"{ORG}/dashboards"): "viewer",
    ("POST", f"{ORG}/dashboards/apply"): "editor",
    ("POST", f"{ORG}/dashboards/convert"): "editor",
    ("GET", f"{ORG}/dashboards/{{dashboard}}"): "viewer",
    ("DELETE", f"{ORG}/dashboards/{{dashboard}}"): "editor",
    ("GET", f"{ORG}/dashboards/{{dashboard}}/embed"): "owner",
    ("PATCH", f"{ORG}/dashboards/{{dashboard}}/embed"): "owner",
    ("POST", f"{ORG}/dashboards/{{dashboard}}/sign"): "owner",
    ("GET", f"{ORG}/dashboards/{{dashboard}}/document"): "editor",
    ("PUT", f"{ORG}/dashboards/{{dashboard}}/document"): "editor",
    ("POST", f"{ORG}/dashboards/{{dashboard}}/preview"): "editor",
    ("POST", f"{ORG}/secret/reveal"): "owner",
    ("POST", f"{ORG}/secret/reset"): "owner",
    ("POST", f"{ORG}/secret/rotate"): "owner",
    ("GET", f"{ORG}/sources"): "editor",
    ("POST", f"{ORG}/sources"): "editor",
    ("PUT", f"{ORG}/sources/{{source_id}}"): "editor",
    ("POST", f"{ORG}/sources/{{source_id}}/test"): "editor",
    ("GET", f"{ORG}/revocations"): "owner",
    ("POST", f"{ORG}/revocations"): "owner",
    ("DELETE", f"{ORG}/revocations/{{rule_id}}"): "owner",
    ("GET", f"{ORG}/usage"): "owner",
    ("POST", f"{ORG}/tokens/explain"): "owner",
    ("GET", f"{ORG}/audit"): "owner",
    ("GET", f"{ORG}/members"): "owner",
    ("POST", f"{ORG}/members"): "owner",
    ("PUT", f"{ORG}/members/{{user_id}}"): "owner",
    ("DELETE", f"{ORG}/members/{{user_id}}"): "owner",
    ("GET", f"{ORG}/api-keys"): "owner",
    ("POST", f"{ORG}/api-keys"): "owner",
    ("DELETE", f"{ORG}/api-keys/{{key_id}}"): "owner",
}


@dataclass(frozen=True)
class Example:
    """A request that an allowed caller makes successfully (path ids filled per call)."""

    path_values: Callable[[ApiWorld], dict[str, Any]] = lambda api: {}
    body: Callable[[ApiWorld], Any] = lambda api: None


def _apply_files(api: ApiWorld) -> dict[str, str]:
    workspace = api.world.workspace
    warehouse = (workspace / "warehouse.sqlite").resolve()
    return {
        "sources.yaml": f"sources:\n  - {{name: warehouse, url: 'sqlite:///{warehouse}'}}\n",
        "dashboards/sales.yaml": (workspace / "dashboards" / "sales.yaml").read_text(),
    }


def _rule_id(api: ApiWorld) -> dict[str, Any]:
    return {"rule_id": add_revocation(api.db, api.org, "jti", jti="some-jti").id}


def _warehouse(api: ApiWorld) -> dict[str, Any]:
    return {"source_id": list_sources(api.db, api.org)[0].id}


def _fresh_member(api: ApiWorld) -> dict[str, Any]:
    return {"user_id": api.member("viewer").user_id}


def _fresh_dashboard(api: ApiWorld) -> dict[str, Any]:
    slug = f"spare-{next(SERIAL)}"
    chart = "{slug: n, title: N, type: number, value: n, sql: SELECT 1 AS n}"
    text = f"slug: {slug}\ntitle: Spare\nsource: warehouse\ncharts:\n  - {chart}\n"
    save_document(api.db, api.org, slug, text)
    return {"dashboard": slug}


def _fresh_key(api: ApiWorld) -> dict[str, Any]:
    return {"key_id": create_api_key(api.db, api.org, "spare", "viewer", actor="tests")[0].id}


EXAMPLES: dict[tuple[str, str], Example] = {
    ("POST", "/api/v1/session"): Example(
        body=lambda api: {"email": api.member("viewer").email, "password": PASSWORD}
    ),
    ("PUT", "/api/v1/session/password"): Example(
        body=lambda api: {"current_password": PASSWORD, "new_password": "another password"}
    ),
    ("PATCH", f"{ORG}/embedding"): Example(body=lambda api: {"legacy_enabled": True}),
    ("POST", f"{ORG}/dashboards/apply"): Example(body=lambda api: {"files": _apply_files(api)}),
    ("PATCH", f"{ORG}/dashboards/{{dashboard}}/embed"): Example(
        body=lambda api: {"allow_csv": True}
    ),
    ("POST", f"{ORG}/dashboards/{{dashboard}}/sign"): Example(
        body=lambda api: {"env": {"TENANT": 1}}
    ),
    ("POST", f"{ORG}/dashboards/convert"): Example(body=lambda api: {"yaml": "slug: x\n"}),
    ("PUT", f"{ORG}/dashboards/{{dashboard}}/document"): Example(
        body=lambda api: {"yaml": _apply_files(api)["dashboards/sales.yaml"]}
    ),
    ("POST", f"{ORG}/dashboards/{{dashboard}}/preview"): Example(
        body=lambda api: {
            "yaml": _apply_files(api)["dashboards/sales.yaml"],
            "chart": "total",
            "values": {"TENANT": "1"},
        }
    ),
    ("POST", f"{ORG}/secret/rotate"): Example(body=lambda api: {"grace_seconds": 60}),
    ("POST", f"{ORG}/sources"): Example(
        body=lambda api: {"name": f"source {next(SERIAL)}", "url": "sqlite:////srv/spare.db"}
    ),
    ("PUT", f"{ORG}/sources/{{source_id}}"): Example(
        path_values=_warehouse, body=lambda api: {"name": "warehouse"}
    ),
    ("POST", f"{ORG}/sources/{{source_id}}/test"): Example(path_values=_warehouse),
    ("POST", f"{ORG}/revocations"): Example(body=lambda api: {"kind": "jti", "jti": "gone"}),
    ("DELETE", f"{ORG}/revocations/{{rule_id}}"): Example(path_values=_rule_id),
    ("POST", f"{ORG}/tokens/explain"): Example(body=lambda api: {"token": api.world.sign()}),
    ("POST", f"{ORG}/members"): Example(
        body=lambda api: {
            "email": f"new{next(SERIAL)}@x.test",
            "password": PASSWORD,
            "role": "viewer",
        }
    ),
    ("PUT", f"{ORG}/members/{{user_id}}"): Example(
        path_values=_fresh_member, body=lambda api: {"role": "editor"}
    ),
    ("DELETE", f"{ORG}/members/{{user_id}}"): Example(path_values=_fresh_member),
    ("POST", f"{ORG}/api-keys"): Example(body=lambda api: {"name": "ci", "role": "viewer"}),
    ("DELETE", f"{ORG}/api-keys/{{key_id}}"): Example(path_values=_fresh_key),
    ("DELETE", f"{ORG}/dashboards/{{dashboard}}"): Example(path_values=_fresh_dashboard),
}


def served_routes() -> set[tuple[str, str]]:
    """Every ``/api/`` route of the app's own route table."""
    found = set()
    for route in routes(demo=False):
        if isinstance(route, APIRoute | Route) and route.path.startswith("/api/"):
            found |= {(method, route.path) for method in route.methods or () if method != "HEAD"}
    return found


def test_the_matrix_names_every_api_route() -> None:
    assert served_routes() == set(EXPECTED)


def outcome(rule: str, caller: str, kind: str) -> str:
    """What ``caller`` ("anonymous", "stranger" or a role) must get: ok, 401 or 403."""
    if rule == "public":
        return "ok"
    if caller == "anonymous" or (rule == "session" and kind == "key"):
        return "401"
    if rule == "session" or (caller != "stranger" and RANK[caller] >= RANK[rule]):
        return "ok"
    return "403"


@pytest.fixture
async def api(world: EmbedWorld) -> ApiWorld:
    return ApiWorld(world)


CALLERS = ("anonymous", "stranger", "viewer", "editor", "owner")


def make_caller(api: ApiWorld, who: str, kind: str) -> Caller:
    if who == "anonymous":
        return Caller.anonymous()
    if who == "stranger":  # an owner, but of another organization
        api.member("owner", org="other")
        make: Callable[..., Caller] = api.key_caller if kind == "key" else api.session_caller
        return make("owner", org="other")
    return api.key_caller(who) if kind == "key" else api.session_caller(who)


Request = Callable[[Caller], Awaitable[Any]]


def request_for(api: ApiWorld, method: str, path: str) -> Request:
    example = EXAMPLES.get((method, path), Example())

    async def send(caller: Caller) -> Any:
        values = {"org": api.org, "dashboard": "sales", **example.path_values(api)}
        return await api.call(caller, method, path.format(**values), json=example.body(api))

    return send


@pytest.mark.parametrize(("method", "path"), sorted(EXPECTED))
async def test_each_caller_is_allowed_or_refused_as_the_table_says(
    api: ApiWorld, method: str, path: str
) -> None:
    rule = EXPECTED[(method, path)]
    send = request_for(api, method, path)
    seen, expected = {}, {}
    for kind in ("key", "session"):
        for who in CALLERS:
            response = await send(make_caller(api, who, kind))
            got = "ok" if response.is_success else str(response.status_code)
            seen[(who, kind)] = (got, response.text[:200])
            expected[(who, kind)] = outcome(rule, who, kind)
    assert {caller: got for caller, (got, _) in seen.items()} == expected, seen
    for caller, (got, text) in seen.items():
        if got in ("401", "403"):
            assert '"code":"unauthorized"' in text or '"code":"forbidden"' in text, (caller, text)
