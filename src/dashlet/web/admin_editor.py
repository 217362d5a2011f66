"""``/o/{org}/dashboards/{slug}/edit`` and ``/o/{org}/new-dashboard``: the dashboard editor.

Editors and owners only. The page is a shell for the editor script (``frontend/src/editor``),
which reads, previews and saves the dashboard through the editor API (``api_editor_routes``)
with the session cookie and its CSRF token, so a save is checked exactly as ``dashlet apply``.
The config names the organization's sources and the chart types, so a new dashboard needs no
request before its form is drawn.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from dashlet.auth.roles import Action
from dashlet.store.dashboards import get_dashboard
from dashlet.store.sources import list_sources
from dashlet.web.admin_pages import Member, admin_view, member, page
from dashlet.web.api_editor_routes import CHART_TYPES
from dashlet.web.assets import load_manifest
from dashlet.web.embed_page import script_safe_json
from dashlet.web.embed_routes import services

EDITOR_SCRIPT = "admin-editor.js"
EDITOR_STYLE = "admin-editor.css"


def editor_config(request: Request, me: Member, slug: str | None) -> dict[str, Any]:
    """What the editor script reads from the page (``frontend/src/editor/config.ts``)."""
    return {
        "org": me.org,
        "slug": slug,
        "csrfToken": me.signed_in.csrf_token,
        "apiBase": f"/api/v1/orgs/{me.org}/dashboards/",
        "pageBase": f"/o/{me.org}/dashboards/",
        "sources": [source.name for source in list_sources(services(request).db, me.org)],
        "chartTypes": {name: kind.model_dump() for name, kind in CHART_TYPES.items()},
    }


def _render(request: Request, me: Member, slug: str | None, title: str) -> Response:
    manifest = load_manifest()
    context = {
        "me": me,
        "slug": slug,
        "title": title,
        "config": script_safe_json(editor_config(request, me, slug)),
        "script_url": manifest.url(EDITOR_SCRIPT),
        "style_url": manifest.url(EDITOR_STYLE),
        "preload_urls": manifest.preloads(EDITOR_SCRIPT, lazy=False),
    }
    return page(request, "editor.html", context)


@admin_view
async def edit_page(request: Request) -> Response:
    """The editor for a stored dashboard (refused when there is none)."""
    me = member(request, Action.APPLY_DASHBOARDS)
    dashboard = get_dashboard(services(request).db, me.org, request.path_params["slug"])
    return _render(request, me, dashboard.slug, dashboard.title)


@admin_view
async def new_page(request: Request) -> Response:
    """The editor for a dashboard that does not exist yet: the first save creates it."""
    me = member(request, Action.APPLY_DASHBOARDS)
    return _render(request, me, None, "New dashboard")
