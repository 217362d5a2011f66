"""The dashboard page: server-rendered shell plus the data the script needs.

One page for two audiences: the embed page (``/d/...``, a token in the config) and a signed-in
member's native view (``/o/{org}/dashboards/{slug}/view``, no token: the session cookie). A
``PageSetup`` says where its data routes are, which token to send and who may frame it.
"""

from __future__ import annotations

import datetime as dt
import functools
import secrets
from dataclasses import dataclass
from typing import Any

import orjson
from starlette.requests import Request
from starlette.responses import Response

from dashlet.embed.access import Grant
from dashlet.query.sql import parse_sql
from dashlet.store.definitions import ChartDef, DashboardDef, VariableDef
from dashlet.web.assets import load_manifest
from dashlet.web.headers import embed_html_headers
from dashlet.web.templating import render

THEMES = ("light", "dark", "transparent")
PAGE_SCRIPT = "embed-page.js"
PAGE_STYLE = "embed-page.css"
# Chart types drawn by the ECharts chunk; tables and numbers need only the page script.
CANVAS_TYPES = frozenset({"bar", "line", "area", "pie", "scatter"})


@dataclass(frozen=True)
class PageSetup:
    """What differs between the embed page and the native view."""

    data_base: str  # the data routes' prefix: {data_base}/data, /charts/, /variables/
    token: str  # the embed token the script sends; "" to send the session cookie instead
    frame_ancestors: tuple[str, ...]  # who may frame the page (empty: any origin)


def _json_ready(value: object) -> object:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [_json_ready(item) for item in value]
    return value


def chart_variables(chart: ChartDef, editable: frozenset[str]) -> list[str]:
    """The viewer-editable variables a chart's SQL uses: changing one refetches the chart."""
    return sorted(parse_sql(chart.sql).variables & editable)


def choices_variables(variable: VariableDef, editable: frozenset[str]) -> list[str]:
    """The other viewer-editable variables a filter's ``choices_sql`` uses: its options follow them."""
    if variable.choices is not None or variable.choices_sql is None:
        return []
    return sorted((parse_sql(variable.choices_sql).variables & editable) - {variable.name})


def _variable(variable: VariableDef, grant: Grant, editable: frozenset[str]) -> dict[str, Any]:
    return {
        "name": variable.name,
        "label": variable.label or variable.name,
        "type": variable.type,
        "multi": variable.multi,
        "required": variable.required,
        "value": _json_ready(grant.values.get(variable.name)),
        "choices": _json_ready(variable.choices) if variable.choices is not None else None,
        "choicesFromServer": variable.choices is None and variable.choices_sql is not None,
        "choicesVariables": choices_variables(variable, editable),
    }


def page_config(grant: Grant, setup: PageSetup, now: dt.datetime) -> dict[str, Any]:
    """What the page script needs: where the data is, the token to send, charts and filters."""
    dashboard = grant.dashboard
    base = setup.data_base
    editable = frozenset(variable.name for variable in grant.editable)
    return {
        "version": 1,
        "dataUrl": f"{base}/data",
        "chartUrl": f"{base}/charts/",
        "choicesUrl": f"{base}/variables/",
        "token": setup.token,
        "expiresAt": grant.expires_at,
        "serverTime": now.timestamp(),
        "charts": [
            {
                "slug": chart.slug,
                "title": chart.title,
                "type": chart.type,
                "width": chart.width,
                "height": chart.height,
                "encoding": dict(chart.encoding),
                "variables": chart_variables(chart, editable),
            }
            for chart in dashboard.charts
        ],
        "variables": [_variable(variable, grant, editable) for variable in grant.editable],
        "allowCsv": grant.allow_csv,
        "frameAncestors": list(setup.frame_ancestors),
    }


def script_safe_json(value: object) -> str:
    """JSON that can sit inside a ``<script>`` element: no ``</script>`` can close it early."""
    text = orjson.dumps(value).decode()
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


class _Version:
    """A dashboard as a cache key: equal when its id and version are, whatever its content."""

    def __init__(self, dashboard: DashboardDef) -> None:
        self.dashboard = dashboard
        self.key = (dashboard.id, dashboard.version)

    def __hash__(self) -> int:
        return hash(self.key)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Version) and other.key == self.key


@functools.lru_cache(maxsize=512)
def _grid(version: _Version) -> str:
    # The chart cards change only with the dashboard's version: rendered once, not per load.
    return render("embed_grid.html", {"charts": version.dashboard.charts})


def render_embed_page(request: Request, grant: Grant, setup: PageSetup) -> Response:
    """The page for ``grant``; ``?theme=`` and ``?title=false`` choose how it looks."""
    theme = request.query_params.get("theme", "light")
    nonce = secrets.token_urlsafe(16)
    manifest = load_manifest()
    draws_canvas = any(chart.type in CANVAS_TYPES for chart in grant.dashboard.charts)
    body = render(
        "embed_page.html",
        {
            "dashboard": grant.dashboard,
            "grid": _grid(_Version(grant.dashboard)),
            "show_title": request.query_params.get("title", "true").lower() != "false",
            "theme": theme if theme in THEMES else "light",
            "theme_variables": dict(grant.dashboard.theme),
            "nonce": nonce,
            "config": script_safe_json(page_config(grant, setup, dt.datetime.now(dt.UTC))),
            "script_url": manifest.url(PAGE_SCRIPT),
            "style_url": manifest.url(PAGE_STYLE),
            "preload_urls": manifest.preloads(PAGE_SCRIPT, lazy=draws_canvas),
        },
    )
    headers = embed_html_headers(setup.frame_ancestors, style_nonce=nonce)
    return Response(body, headers=headers, media_type="text/html")
