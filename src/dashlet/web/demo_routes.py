"""``/demo``: a page that plays the host application, minting tokens server-side per tenant.

Only ``dashlet demo`` mounts it: it signs tokens for the ``demo`` organization to anyone who asks.
``/demo/token`` is what a real host's backend provides to ``Dashlet.mount``'s ``getToken``.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

import orjson
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from dashlet.embed.directory import OrganizationEntry
from dashlet.embed.urls import embed_page_url, sign_embed_token
from dashlet.errors import DashletError
from dashlet.store.dashboards import list_dashboards
from dashlet.store.definitions import DashboardDef
from dashlet.web.assets import load_manifest
from dashlet.web.embed_routes import services
from dashlet.web.errors import json_error, refusal_response
from dashlet.web.headers import app_html_headers, json_headers
from dashlet.web.templating import render

DEMO_ORG = "demo"
TENANTS_SQL = "SELECT tenant_id, name FROM tenants ORDER BY tenant_id"
DEMO_TOKEN_TTL = 600
MAIN_DASHBOARD = "sales"
THEMES = ("light", "dark")
NOT_SET_UP = "The demo is not set up; run dashlet demo."


@dataclass(frozen=True)
class DemoChoice:
    """What the host page shows: the organization, its embeddable dashboards, tenant and theme."""

    organization: OrganizationEntry
    dashboards: list[DashboardDef]
    chosen: DashboardDef
    tenants: list[list[object]]
    tenant: int
    theme: str

    def token(self) -> str:
        """A token for the chosen tenant, as the host's backend would sign it."""
        return sign_embed_token(
            self.organization.info.id,
            self.chosen.id,
            self.organization.current_secret.decode(),
            {"TENANT": self.tenant},
            DEMO_TOKEN_TTL,
        )


async def demo_choice(request: Request) -> DemoChoice:
    """The dashboard (``sales`` first), tenant and theme named by the query, else the defaults."""
    found = services(request)
    organization = found.directory.organization(DEMO_ORG)
    dashboards = sorted(
        (d for d in list_dashboards(found.db, DEMO_ORG) if d.embed.enabled),
        key=lambda d: (d.slug != MAIN_DASHBOARD, d.title),
    )
    if not dashboards:
        raise DashletError(NOT_SET_UP)
    wanted = request.query_params.get("dashboard", MAIN_DASHBOARD)
    chosen = next((d for d in dashboards if d.slug == wanted), dashboards[0])
    tenants = await found.engine.run_sql(chosen.source, TENANTS_SQL, (), {}, ttl=3600)
    tenant_ids = [row[0] for row in tenants.rows]
    requested = request.query_params.get("tenant", "")
    tenant = (
        int(requested) if requested.isdigit() and int(requested) in tenant_ids else tenant_ids[0]
    )
    theme = request.query_params.get("theme", "light")
    return DemoChoice(
        organization,
        dashboards,
        chosen,
        tenants.rows,
        tenant,
        theme if theme in THEMES else "light",
    )


def _frame_url(request: Request, choice: DemoChoice) -> str:
    """The iframe's URL: the signed token, the theme, and the viewer's filters kept in the host URL."""
    params = [("embed_token", choice.token()), ("theme", choice.theme)]
    params += [(k, v) for k, v in request.query_params.multi_items() if k.startswith("var.")]
    page = embed_page_url("", DEMO_ORG, choice.chosen.slug)
    return f"{page}?{urlencode(params)}"


async def demo_page(request: Request) -> Response:
    try:
        choice = await demo_choice(request)
    except (DashletError, IndexError):
        return refusal_response(DashletError(NOT_SET_UP), html=True)
    manifest = load_manifest()
    body = render(
        "demo.html",
        {
            "choice": choice,
            "embed_url": _frame_url(request, choice),
            "token_url": "/demo/token?"
            + urlencode({"dashboard": choice.chosen.slug, "tenant": choice.tenant}),
            "host_script_url": manifest.url("dashlet-embed.js"),
        },
    )
    return Response(body, headers=app_html_headers(), media_type="text/html")


async def demo_token(request: Request) -> Response:
    """A fresh token for the same tenant and dashboard: the host's answer to ``getToken``."""
    try:
        choice = await demo_choice(request)
    except (DashletError, IndexError):
        return json_error(404, "not_found", NOT_SET_UP)
    body = orjson.dumps({"token": choice.token(), "expires_in": DEMO_TOKEN_TTL})
    return Response(body, headers=json_headers(), media_type="application/json")


def demo_routes() -> list[BaseRoute]:
    return [
        Route("/demo", demo_page, methods=["GET"]),
        Route("/demo/token", demo_token, methods=["GET"]),
    ]
