"""``/o/{org}/dashboards``: the list, and the native view (the dashboard page in a frame).

The frame is ``member_routes``' ``/view``: the embed page's renderer and filters, authorized by
the session, every variable editable. ``var.NAME`` parameters given to this page pass through
to the frame, so a link can preselect filters.
"""

from __future__ import annotations

from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import Response

from dashlet.auth.roles import Action
from dashlet.store.dashboards import get_dashboard, list_dashboards
from dashlet.web.admin_pages import admin_view, member, page
from dashlet.web.data_routes import VARIABLE_PREFIX
from dashlet.web.embed_routes import services


@admin_view
async def dashboards_page(request: Request) -> Response:
    me = member(request, Action.READ_DASHBOARDS)
    dashboards = list_dashboards(services(request).db, me.org)
    return page(request, "dashboards.html", {"me": me, "dashboards": dashboards})


def frame_url(request: Request, org: str, slug: str) -> str:
    """The ``/view`` URL this page frames: no title of its own, the page's ``var.*`` passed on."""
    chosen = [
        (key, value)
        for key, value in request.query_params.multi_items()
        if key.startswith(VARIABLE_PREFIX)
    ]
    return f"/o/{org}/dashboards/{slug}/view?" + urlencode([("title", "false"), *chosen])


@admin_view
async def dashboard_page(request: Request) -> Response:
    """A dashboard for a member: the native view in a frame that grows with its content."""
    me = member(request, Action.READ_DASHBOARDS)
    dashboard = get_dashboard(services(request).db, me.org, request.path_params["slug"])
    context = {
        "me": me,
        "dashboard": dashboard,
        "frame_url": frame_url(request, me.org, dashboard.slug),
        "may_edit": me.may(Action.APPLY_DASHBOARDS),
        "may_embed": me.may(Action.MANAGE_EMBED),
    }
    return page(request, "dashboard.html", context)
