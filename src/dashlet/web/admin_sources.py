"""``/o/{org}/sources``: editors and owners add, edit and test data sources.

Pages show only the masked ``display_url``. The edit form starts with that masked URL: kept as
is (or left blank) it keeps the stored URL and password; only a typed password replaces it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from starlette.requests import Request
from starlette.responses import Response

from dashlet.auth.roles import Action
from dashlet.errors import DashletError
from dashlet.query.connection_test import check_connection
from dashlet.store import sources as stored
from dashlet.web.admin_pages import NOTICES, Form, admin_view, form_fields, member, page, redirect
from dashlet.web.embed_routes import services

T = TypeVar("T", int, float)
SOURCE_NOTICES = {
    **NOTICES,
    "source_added": "The data source was added.",
    "source_saved": "The data source was saved; dashboards use the new settings from now on.",
}


def _url(org: str) -> str:
    return f"/o/{org}/sources"


def _source_id(request: Request) -> int:
    return int(request.path_params["source_id"])


@admin_view
async def sources_page(request: Request) -> Response:
    me = member(request, Action.APPLY_DASHBOARDS)
    listed = stored.list_sources(services(request).db, me.org)
    context = {"me": me, "sources": listed, "notices": SOURCE_NOTICES}
    return page(request, "sources.html", context)


@admin_view
async def add_source(request: Request) -> Response:
    form = await form_fields(request)
    me = member(request, Action.APPLY_DASHBOARDS, form)
    stored.create_source(services(request).db, me.org, _settings(form), actor=me.principal.actor)
    return redirect(_url(me.org), "source_added")


@admin_view
async def edit_page(request: Request) -> Response:
    me = member(request, Action.APPLY_DASHBOARDS)
    source = stored.get_source(services(request).db, me.org, _source_id(request))
    return page(request, "source_form.html", {"me": me, "source": source})


@admin_view
async def save_source(request: Request) -> Response:
    form = await form_fields(request)
    me = member(request, Action.APPLY_DASHBOARDS, form)
    settings = _settings(form)
    db = services(request).db
    stored.update_source(db, me.org, _source_id(request), settings, actor=me.principal.actor)
    return redirect(_url(me.org), "source_saved")


@admin_view
async def run_connection_test(request: Request) -> Response:
    me = member(request, Action.APPLY_DASHBOARDS, await form_fields(request))
    found = services(request)
    source = stored.find_source_def(found.db, me.org, _source_id(request))
    report = await check_connection(found.engine.engines, source)
    listed = stored.list_sources(found.db, me.org)
    context = {"me": me, "sources": listed, "tested": source.id, "report": report}
    return page(request, "sources.html", context)


def _settings(form: Form) -> stored.SourceSettings:
    return stored.SourceSettings(
        name=form.get("name", ""),
        url=form.get("url", ""),
        read_only="read_only" in form,
        statement_timeout=_number(form, "statement_timeout", float),
        row_limit=_number(form, "row_limit", int),
    )


def _number(form: Form, field: str, kind: Callable[[str], T]) -> T | None:
    text = form.get(field, "").strip()
    if not text:
        return None
    try:
        return kind(text)
    except ValueError:
        message = f"The {field.replace('_', ' ')} must be a number."
        raise DashletError(message, code="invalid_request") from None
