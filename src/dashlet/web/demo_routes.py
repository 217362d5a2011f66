"""``/demo``: a page that plays the host application, minting tokens server-side per tenant.

Only ``dashlet demo`` mounts it: it signs tokens for the ``demo`` organization to anyone who asks.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from dashlet.embed.urls import sign_embed_url
from dashlet.errors import DashletError
from dashlet.store.dashboards import list_dashboards
from dashlet.web.embed_routes import services
from dashlet.web.errors import refusal_response
from dashlet.web.headers import app_html_headers
from dashlet.web.templating import render

DEMO_ORG = "demo"
TENANTS_SQL = "SELECT tenant_id, name FROM tenants ORDER BY tenant_id"
DEMO_TOKEN_TTL = 600
MAIN_DASHBOARD = "sales"


async def demo_page(request: Request) -> Response:
    found = services(request)
    try:
        organization = found.directory.organization(DEMO_ORG)
        dashboards = [d for d in list_dashboards(found.db, DEMO_ORG) if d.embed.enabled]
        wanted = request.query_params.get("dashboard", MAIN_DASHBOARD)
        chosen = next((d for d in dashboards if d.slug == wanted), dashboards[0])
        tenants = await found.engine.run_sql(chosen.source, TENANTS_SQL, (), {}, ttl=3600)
    except (DashletError, IndexError):
        return refusal_response(
            DashletError("The demo is not set up; run dashlet demo."), html=True
        )
    tenant_ids = [row[0] for row in tenants.rows]
    requested = request.query_params.get("tenant", "")
    tenant = (
        int(requested) if requested.isdigit() and int(requested) in tenant_ids else tenant_ids[0]
    )
    url = sign_embed_url(
        "",
        DEMO_ORG,
        chosen.slug,
        organization.info.id,
        chosen.id,
        organization.current_secret.decode(),
        env={"TENANT": tenant},
        ttl=DEMO_TOKEN_TTL,
    )
    body = render(
        "demo.html",
        {
            "dashboards": dashboards,
            "chosen": chosen,
            "tenants": tenants.rows,
            "tenant": tenant,
            "embed_url": url,
        },
    )
    return Response(body, headers=app_html_headers(), media_type="text/html")


def demo_routes() -> list[BaseRoute]:
    return [Route("/demo", demo_page, methods=["GET"])]
