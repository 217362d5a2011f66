"""``/o/{org}/dashboards/{slug}/embed``: a dashboard's Settings → Embed panel (owners).

The switches (embedding, viewer variables, CSV), the example code of ``dashlet snippet`` in four
languages, a live preview signed for the env values the owner types, a URL-length meter against
the 2,038-character limit and the fail-closed tenancy report.
"""

from __future__ import annotations

from collections.abc import Mapping

from starlette.requests import Request
from starlette.responses import Response

from dashlet.auth.roles import Action
from dashlet.embed.snippets import LANGUAGES, env_entries, render_snippet
from dashlet.embed.urls import URL_LENGTH_LIMIT, JsonValue, embed_page_url, sign_embed_token
from dashlet.errors import VariableError
from dashlet.spec.tenancy import require_fail_closed, tenancy_report
from dashlet.store.audit import record_event
from dashlet.store.dashboards import get_dashboard, set_embed_settings
from dashlet.store.definitions import DashboardDef
from dashlet.web.admin_env import typed_env, typed_text
from dashlet.web.admin_pages import Member, admin_view, form_fields, member, page, redirect
from dashlet.web.embed_routes import services

PREVIEW_TTL = 10 * 60


def _signed_path(
    request: Request, me: Member, dashboard: DashboardDef, env: Mapping[str, JsonValue]
) -> str:
    """The embed page's path and a fresh token's query (the base URL is the host's choice)."""
    secret = services(request).directory.organization(me.org).current_secret.decode()
    token = sign_embed_token(dashboard.organization_id, dashboard.id, secret, env, PREVIEW_TTL)
    return f"{embed_page_url('', me.org, dashboard.slug)}?embed_token={token}"


def _render(
    request: Request,
    me: Member,
    dashboard: DashboardDef,
    fields: Mapping[str, str],
    *,
    preview: bool,
) -> Response:
    settings = services(request).settings
    problem, env = None, {}
    try:
        env = typed_env(dashboard, fields)
    except VariableError as error:
        problem = error.message
    # The meter measures what the host would sign: typed values, else the snippet's examples.
    measured = {entry.name: entry.value for entry in env_entries(dashboard)} | env
    path = _signed_path(request, me, dashboard, measured)
    snippets = {
        language: render_snippet(
            language, base_url=settings.base_url, org_slug=me.org, dashboard=dashboard, env=env
        )
        for language in LANGUAGES
    }
    context = {
        "me": me,
        "dashboard": dashboard,
        "snippets": snippets,
        "report": tenancy_report(dashboard),
        "typed": typed_text(fields),
        "problem": problem,
        "url_length": len(settings.base_url.rstrip("/")) + len(path),
        "url_limit": URL_LENGTH_LIMIT,
        "preview_url": (
            _signed_path(request, me, dashboard, env)
            if preview and problem is None and dashboard.embed.enabled
            else None
        ),
    }
    return page(request, "embed_panel.html", context)


def _dashboard(request: Request, me: Member) -> DashboardDef:
    return get_dashboard(services(request).db, me.org, request.path_params["slug"])


@admin_view
async def embed_panel(request: Request) -> Response:
    me = member(request, Action.MANAGE_EMBED)
    return _render(request, me, _dashboard(request, me), {}, preview=False)


@admin_view
async def preview(request: Request) -> Response:
    """The panel with a live preview signed for the typed env values (answered to the POST)."""
    form = await form_fields(request)
    me = member(request, Action.SIGN_EMBED_URLS, form)
    return _render(request, me, _dashboard(request, me), form, preview=True)


@admin_view
async def save_embed_settings(request: Request) -> Response:
    """The three switches; turning embedding on is refused while the tenancy rule fails."""
    form = await form_fields(request)
    me = member(request, Action.MANAGE_EMBED, form)
    slug = request.path_params["slug"]
    db = services(request).db
    switches = {
        name: form.get(name) == "on" for name in ("enabled", "allow_viewer_variables", "allow_csv")
    }
    set_embed_settings(
        db,
        me.org,
        slug,
        enabled=switches["enabled"],
        allow_viewer_variables=switches["allow_viewer_variables"],
        allow_csv=switches["allow_csv"],
        check=require_fail_closed,
    )
    record_event(db, me.org, me.principal.actor, "embed.changed", {"dashboard": slug, **switches})
    return redirect(f"/o/{me.org}/dashboards/{slug}/embed", "embed_saved")
