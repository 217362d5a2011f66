"""Embed routes (SPEC "Embedding (CONTRACT)"): thin; the rules live in ``dashlet.embed``.

    GET /d/{org}/{dashboard}?embed_token=JWT            2.0 page (trailing slash accepted)
    GET /d/{org}/{dashboard}/{JWT}                      1.0 page, Deprecation header
    GET /d/{dashboard_id}/{JWT}                         1.0 page by id, Deprecation header
    GET /d/{org}/{dashboard}/charts/{chart}.json        one chart's data
    GET /d/{org}/{dashboard}/data                       every chart's data, streamed as NDJSON
    GET /d/{org}/{dashboard}/charts/{chart}.csv         CSV export, when the dashboard allows it
    GET /d/{org}/{dashboard}/variables/{name}/choices.json   a viewer filter's options
Data routes take the token as ``Authorization: Bearer`` or ``embed_token``, and viewer-chosen
values as ``var.NAME`` (repeated for a multi variable).
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator, Callable

import orjson
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import BaseRoute, Route

from dashlet.embed.access import EmbedGrant
from dashlet.embed.choices import choices_for
from dashlet.embed.directory import OrganizationEntry
from dashlet.errors import DashletError, NotFound, Refusal
from dashlet.query.export import result_csv
from dashlet.query.results import Result
from dashlet.store.definitions import ChartDef, DashboardDef
from dashlet.web.embed_page import render_embed_page
from dashlet.web.errors import error_body, refusal_response
from dashlet.web.headers import json_headers
from dashlet.web.services import Services

DEPRECATION = {"Deprecation": "@1577836800"}  # Embedding 1.0 was deprecated on 2020-01-01
VARIABLE_PREFIX = "var."
MAX_ID = 2**63 - 1  # the largest id a metadata database column holds
Lookup = Callable[[], tuple[OrganizationEntry, DashboardDef]]


def services(request: Request) -> Services:
    found: Services = request.app.state.services
    return found


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def bearer_or_query_token(request: Request) -> str | None:
    header = request.headers.get("authorization")
    if header is not None:
        scheme, _, token = header.partition(" ")
        return token.strip() if scheme.lower() == "bearer" else ""
    return request.query_params.get("embed_token")


def viewer_values(request: Request) -> dict[str, list[str]]:
    chosen: dict[str, list[str]] = {}
    for key, value in request.query_params.multi_items():
        if key.startswith(VARIABLE_PREFIX):
            chosen.setdefault(key[len(VARIABLE_PREFIX) :], []).append(value)
    return chosen


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
    response = render_embed_page(request, grant, token or "")
    response.headers.update(extra)
    return response


def _data_grant(request: Request) -> EmbedGrant:
    gate = services(request).gate
    organization, dashboard = gate.dashboard(
        request.path_params["org"], request.path_params["dashboard"]
    )
    return gate.authorize(
        organization, dashboard, bearer_or_query_token(request), viewer_values(request), now()
    )


async def _run(request: Request, grant: EmbedGrant, chart: ChartDef) -> Result:
    found = services(request)
    result = await found.engine.run_chart(grant.dashboard, chart, grant.values)
    found.usage.record_cache(grant.dashboard.id, grant.usage_value, result.cached, now())
    return result


async def chart_data(request: Request) -> Response:
    """One chart's data as the SPEC's JSON answer."""
    try:
        grant = _data_grant(request)
        chart = grant.dashboard.chart(request.path_params["chart"])
        result = await _run(request, grant, chart)
    except DashletError as error:
        return refusal_response(error, html=False)
    return Response(result.to_json_bytes(), headers=json_headers(), media_type="application/json")


async def dashboard_data(request: Request) -> Response:
    """Every chart's data (or the ``charts=a,b`` subset) as NDJSON, each line as it completes."""
    try:
        grant = _data_grant(request)
        wanted = request.query_params.get("charts")
        charts = (
            [grant.dashboard.chart(slug) for slug in wanted.split(",") if slug]
            if wanted
            else list(grant.dashboard.charts)
        )
    except DashletError as error:
        return refusal_response(error, html=False)
    return StreamingResponse(
        _stream(request, grant, charts), headers=json_headers(), media_type="application/x-ndjson"
    )


async def _chart_line(request: Request, grant: EmbedGrant, chart: ChartDef) -> bytes:
    try:
        result = await _run(request, grant, chart)
    except DashletError as error:
        return (
            b'{"chart":'
            + orjson.dumps(chart.slug)
            + b","
            + error_body(error.code, error.message)[1:]
            + b"\n"
        )
    return b'{"chart":' + orjson.dumps(chart.slug) + b',"result":' + result.to_json_bytes() + b"}\n"


async def _stream(
    request: Request, grant: EmbedGrant, charts: list[ChartDef]
) -> AsyncIterator[bytes]:
    tasks = [asyncio.ensure_future(_chart_line(request, grant, chart)) for chart in charts]
    try:
        for finished in asyncio.as_completed(tasks):
            yield await finished
    finally:
        for task in tasks:
            task.cancel()


async def chart_csv(request: Request) -> Response:
    """One chart's data as a CSV download, when the dashboard allows export."""
    try:
        grant = _data_grant(request)
        if not grant.dashboard.embed.allow_csv:
            raise Refusal(code="export_disabled")
        chart = grant.dashboard.chart(request.path_params["chart"])
        result = await _run(request, grant, chart)
    except DashletError as error:
        return refusal_response(error, html=False)
    headers = {
        **json_headers(),
        "Content-Disposition": f'attachment; filename="{chart.slug}.csv"',
    }
    return Response(result_csv(result), headers=headers, media_type="text/csv; charset=utf-8")


async def variable_choices(request: Request) -> Response:
    """The options of a viewer filter, computed with the token's locked values bound."""
    try:
        grant = _data_grant(request)
        choices = await choices_for(services(request).engine, grant, request.path_params["name"])
    except DashletError as error:
        return refusal_response(error, html=False)
    return Response(
        orjson.dumps({"choices": choices}), headers=json_headers(), media_type="application/json"
    )


def embed_routes() -> list[BaseRoute]:
    return [
        Route("/d/{org}/{dashboard}/charts/{chart}.json", chart_data, methods=["GET"]),
        Route("/d/{org}/{dashboard}/charts/{chart}.csv", chart_csv, methods=["GET"]),
        Route(
            "/d/{org}/{dashboard}/variables/{name}/choices.json", variable_choices, methods=["GET"]
        ),
        Route("/d/{org}/{dashboard}/data", dashboard_data, methods=["GET"]),
        Route("/d/{first}/{second}", page, methods=["GET"]),
        Route("/d/{first}/{second}/", page, methods=["GET"]),
        Route("/d/{org}/{dashboard}/{token}", legacy_page, methods=["GET"]),
    ]
