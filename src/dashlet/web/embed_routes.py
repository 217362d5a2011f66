"""Embed routes (SPEC "Embedding (CONTRACT)"): thin; the rules live in ``dashlet.embed``.

    GET /d/{org}/{dashboard}?embed_token=JWT            2.0 page (trailing slash accepted)
    GET /d/{org}/{dashboard}/{JWT}                      1.0 page, Deprecation header
    GET /d/{dashboard_id}/{JWT}                         1.0 page by id, Deprecation header
    GET /d/{org}/{dashboard}/charts/{chart}.json        one chart's data
    GET /d/{org}/{dashboard}/data                       every chart's data, streamed as NDJSON
    GET /d/{org}/{dashboard}/charts/{chart}.csv         CSV export, when the dashboard allows it
    GET /d/{org}/{dashboard}/variables/{name}/choices.json   a viewer filter's options
Data routes take the token as ``Authorization: Bearer`` or ``embed_token``, and viewer-chosen
values as ``var.NAME`` (repeated for a multi variable); their handlers (``data_routes``) are
shared with the native view.
"""

from __future__ import annotations

from collections.abc import Callable

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from dashlet.embed.access import Grant
from dashlet.embed.directory import OrganizationEntry
from dashlet.errors import DashletError, NotFound
from dashlet.store.definitions import DashboardDef
from dashlet.web.data_routes import DashboardData, now, viewer_values
from dashlet.web.data_routes import services as services  # the admin and API modules use it
from dashlet.web.embed_page import PageSetup, render_embed_page
from dashlet.web.errors import refusal_response

DEPRECATION = {"Deprecation": "@1577836800"}  # Embedding 1.0 was deprecated on 2020-01-01
MAX_ID = 2**63 - 1  # the largest id a metadata database column holds
Lookup = Callable[[], tuple[OrganizationEntry, DashboardDef]]


def bearer_or_query_token(request: Request) -> str | None:
    header = request.headers.get("authorization")
    if header is not None:
        scheme, _, token = header.partition(" ")
        return token.strip() if scheme.lower() == "bearer" else ""
    return request.query_params.get("embed_token")


def legacy_dashboard_id(text: str) -> int | None:
    """The id of a 1.0 ``/d/{dashboard_id}/JWT`` URL, or None when no stored id can be spelled so."""
    # ASCII only ("²".isdigit() is true) and within a 64-bit column, or the database raises.
    if not (text.isascii() and text.isdigit()) or len(text) > len(str(MAX_ID)):
        return None
    found = int(text)
    return found if found <= MAX_ID else None


async def page(request: Request) -> Response:
    """``/d/{org}/{dashboard}``, or the 1.0 ``/d/{dashboard_id}/{JWT}`` when it holds a token."""
    first, second = request.path_params["first"], request.path_params["second"]
    gate = services(request).gate
    if "." not in second:
        token = request.query_params.get("embed_token")
        return await _page(request, lambda: gate.dashboard(first, second), token, legacy=False)
    dashboard_id = legacy_dashboard_id(first)
    if dashboard_id is None:
        return refusal_response(NotFound(), html=True, headers=DEPRECATION)
    return await _page(request, lambda: gate.dashboard_by_id(dashboard_id), second, legacy=True)


async def legacy_page(request: Request) -> Response:
    """``/d/{org}/{dashboard}/{JWT}``: the 1.0 URL with the token in the path."""
    org, slug, token = (request.path_params[k] for k in ("org", "dashboard", "token"))
    gate = services(request).gate
    return await _page(request, lambda: gate.dashboard(org, slug), token, legacy=True)


async def _page(request: Request, lookup: Lookup, token: str | None, *, legacy: bool) -> Response:
    extra = DEPRECATION if legacy else {}
    try:
        organization, dashboard = lookup()
    except DashletError as error:
        return refusal_response(error, html=True, headers=extra)
    allowed = organization.info.frame_ancestors
    try:
        grant = services(request).gate.open_page(
            organization, dashboard, token, now(), legacy=legacy
        )
    except DashletError as error:
        return refusal_response(error, html=True, frame_ancestors=allowed, headers=extra)
    setup = PageSetup(f"/d/{organization.info.slug}/{dashboard.slug}", token or "", allowed)
    response = render_embed_page(request, grant, setup)
    response.headers.update(extra)
    return response


def embed_grant_of(request: Request) -> Grant:
    """A data request's grant: its token and viewer values, checked by the gate."""
    gate = services(request).gate
    organization, dashboard = gate.dashboard(
        request.path_params["org"], request.path_params["dashboard"]
    )
    return gate.authorize(
        organization, dashboard, bearer_or_query_token(request), viewer_values(request), now()
    )


def embed_routes() -> list[BaseRoute]:
    return [
        *DashboardData(embed_grant_of).routes("/d/{org}/{dashboard}"),
        Route("/d/{first}/{second}", page, methods=["GET"]),
        Route("/d/{first}/{second}/", page, methods=["GET"]),
        Route("/d/{org}/{dashboard}/{token}", legacy_page, methods=["GET"]),
    ]
