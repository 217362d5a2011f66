"""``/o/{org}/dashboards``: the list, the native view (the dashboard page in a frame), delete.

The frame is ``member_routes``' ``/view``: the embed page's renderer and filters, authorized by
the session, every variable editable. ``var.NAME`` parameters given to this page pass through
to the frame, so a link can preselect filters.
"""

from __future__ import annotations

from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import Response

from dashlet.auth.roles import Action
from dashlet.errors import DashletError
from dashlet.store import dashboards as stored
from dashlet.store.dashboards import get_dashboard, list_dashboards
from dashlet.web.admin_pages import admin_view, form_fields, member, page, redirect
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


@admin_view
async def delete_dashboard(request: Request) -> Response:
    """Delete the dashboard once its slug is typed to confirm; back to the list."""
    form = await form_fields(request)
    me = member(request, Action.APPLY_DASHBOARDS, form)
    slug = request.path_params["slug"]
    if form.get("confirm", "").strip() != slug:
        message = f"Type the dashboard's slug ({slug}) to confirm; nothing was deleted."
        raise DashletError(message, code="invalid_request")
    stored.delete_dashboard(services(request).db, me.org, slug, actor=me.principal.actor)
    return redirect(f"/o/{me.org}/dashboards", "dashboard_deleted")
