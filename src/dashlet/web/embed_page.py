"""The embedded dashboard page: server-rendered shell plus the data the script needs."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

import orjson
from starlette.requests import Request
from starlette.responses import Response

from dashlet.embed.access import EmbedGrant
from dashlet.web.headers import embed_html_headers
from dashlet.web.templating import render

THEMES = ("light", "dark", "transparent")


def _json_ready(value: object) -> object:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list):
        return [_json_ready(item) for item in value]
    return value


def page_config(request: Request, grant: EmbedGrant, token: str) -> dict[str, Any]:
    """What the page script needs: where the data is, the token to send, charts and filters."""
    dashboard = grant.dashboard
    base = f"/d/{grant.organization.info.slug}/{dashboard.slug}"
    return {
        "version": 1,
        "dataUrl": f"{base}/data",
        "chartUrl": f"{base}/charts/",
        "token": token,
        "charts": [
            {
                "slug": chart.slug,
                "title": chart.title,
                "type": chart.type,
                "width": chart.width,
                "height": chart.height,
                "encoding": dict(chart.encoding),
            }
            for chart in dashboard.charts
        ],
        "variables": [
            {
                "name": variable.name,
                "label": variable.label or variable.name,
                "type": variable.type,
                "multi": variable.multi,
                "value": _json_ready(grant.values.get(variable.name)),
            }
            for variable in grant.editable
        ],
        "allowCsv": dashboard.embed.allow_csv,
    }


def script_safe_json(value: object) -> str:
    """JSON that can sit inside a ``<script>`` element: no ``</script>`` can close it early."""
    text = orjson.dumps(value).decode()
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def render_embed_page(request: Request, grant: EmbedGrant, token: str) -> Response:
    theme = request.query_params.get("theme", "light")
    nonce = secrets.token_urlsafe(16)
    body = render(
        "embed_page.html",
        {
            "dashboard": grant.dashboard,
            "show_title": request.query_params.get("title", "true").lower() != "false",
            "theme": theme if theme in THEMES else "light",
            "theme_variables": dict(grant.dashboard.theme),
            "nonce": nonce,
            "config": script_safe_json(page_config(request, grant, token)),
        },
    )
    headers = embed_html_headers(grant.organization.info.frame_ancestors, style_nonce=nonce)
    return Response(body, headers=headers, media_type="text/html")
