"""``/o/{org}/audit``: the audit log, newest first, a page at a time."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from dashlet.auth.roles import Action
from dashlet.store.audit import list_events
from dashlet.web.admin_pages import admin_view, member, page
from dashlet.web.embed_routes import services

PAGE_SIZE = 100


@admin_view
async def audit_page(request: Request) -> Response:
    me = member(request, Action.READ_AUDIT)
    before = request.query_params.get("before", "")
    before_id = int(before) if before.isdigit() and len(before) < 19 else None
    events = list_events(services(request).db, me.org, limit=PAGE_SIZE, before_id=before_id)
    older = events[-1].id if len(events) == PAGE_SIZE else None
    return page(request, "audit.html", {"me": me, "events": events, "older": older})
