"""``/o/{org}/dashboards``: the list, and the native view (the embed page in a frame).

The native view signs a short token for the signed-in member with the hidden variables they
type in, and frames the embed page with it: the same renderer and filters as an embed.
"""

from __future__ import annotations

from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import Response

from dashlet.auth.roles import Action
from dashlet.embed.urls import embed_page_url, sign_embed_token
from dashlet.errors import VariableError
from dashlet.store.dashboards import get_dashboard, list_dashboards
from dashlet.web.admin_env import typed_env, typed_text
from dashlet.web.admin_pages import admin_view, member, page
from dashlet.web.embed_routes import services

NATIVE_TOKEN_TTL = 15 * 60  # a member's view; the page asks for a reload after this


@admin_view
async def dashboards_page(request: Request) -> Response:
    me = member(request, Action.READ_DASHBOARDS)
    dashboards = list_dashboards(services(request).db, me.org)
    return page(request, "dashboards.html", {"me": me, "dashboards": dashboards})


@admin_view
async def dashboard_page(request: Request) -> Response:
    """The dashboard for a member: hidden variables typed in the page, the rest in the frame."""
    me = member(request, Action.READ_DASHBOARDS)
    found = services(request)
    dashboard = get_dashboard(found.db, me.org, request.path_params["slug"])
    fields = dict(request.query_params)
    problem, frame_url = None, None
    try:
        env = typed_env(dashboard, fields)
    except VariableError as error:
        problem, env = error.message, {}
    missing = [v.name for v in dashboard.variables if v.required and v.name not in env]
    if dashboard.embed.enabled and not missing and problem is None:
        secret = found.directory.organization(me.org).current_secret.decode()
        token = sign_embed_token(
            dashboard.organization_id, dashboard.id, secret, env, NATIVE_TOKEN_TTL
        )
        frame_url = (
            embed_page_url("", me.org, dashboard.slug) + "?" + urlencode({"embed_token": token})
        )
    context = {
        "me": me,
        "dashboard": dashboard,
        "hidden": [v for v in dashboard.variables if v.hidden or v.required],
        "typed": typed_text(fields),
        "missing": missing,
        "problem": problem,
        "frame_url": frame_url,
    }
    return page(request, "dashboard.html", context)
