"""A dashboard's data routes, shared by the embed page and the native view.

    GET {prefix}/charts/{chart}.json        one chart's data
    GET {prefix}/charts/{chart}.csv         CSV export, when the grant allows it
    GET {prefix}/variables/{name}/choices.json   a filter's options
    GET {prefix}/data                       every chart's data (or ``charts=a,b``), as NDJSON
Viewer-chosen values come as ``var.NAME`` (repeated for a multi variable). How a request earns
its ``Grant`` (an embed token, a member's session) is the one thing each user of
``DashboardData`` supplies; usage is counted for embed grants only.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator, Callable

import orjson
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import BaseRoute, Route

from dashlet.embed.access import Grant
from dashlet.embed.choices import choices_for
from dashlet.errors import DashletError, Refusal
from dashlet.query.export import result_csv
from dashlet.query.results import Result
from dashlet.store.definitions import ChartDef
from dashlet.web.errors import error_body, refusal_response
from dashlet.web.headers import json_headers
from dashlet.web.services import Services

VARIABLE_PREFIX = "var."
GrantOf = Callable[[Request], Grant]  # raises a DashletError to refuse the request


def services(request: Request) -> Services:
    found: Services = request.app.state.services
    return found


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def viewer_values(request: Request) -> dict[str, list[str]]:
    """The request's ``var.NAME`` values, by variable name."""
    chosen: dict[str, list[str]] = {}
    for key, value in request.query_params.multi_items():
        if key.startswith(VARIABLE_PREFIX):
            chosen.setdefault(key[len(VARIABLE_PREFIX) :], []).append(value)
    return chosen


class DashboardData:
    """The four data handlers, each authorizing its request through ``grant_of``."""

    def __init__(self, grant_of: GrantOf) -> None:
        self.grant_of = grant_of

    def routes(self, prefix: str) -> list[BaseRoute]:
        """The data routes under ``prefix`` (which names the dashboard for ``grant_of``)."""
        return [
            Route(prefix + "/charts/{chart}.json", self.chart_data, methods=["GET"]),
            Route(prefix + "/charts/{chart}.csv", self.chart_csv, methods=["GET"]),
            Route(
                prefix + "/variables/{name}/choices.json", self.variable_choices, methods=["GET"]
            ),
            Route(prefix + "/data", self.dashboard_data, methods=["GET"]),
        ]

    async def chart_data(self, request: Request) -> Response:
        """One chart's data as the SPEC's JSON answer."""
        try:
            grant = self.grant_of(request)
            chart = grant.dashboard.chart(request.path_params["chart"])
            result = await _run(request, grant, chart)
        except DashletError as error:
            return refusal_response(error, html=False)
        return Response(
            result.to_json_bytes(), headers=json_headers(), media_type="application/json"
        )

    async def dashboard_data(self, request: Request) -> Response:
        """Every chart's data (or the ``charts=a,b`` subset) as NDJSON, each line as it completes."""
        try:
            grant = self.grant_of(request)
            wanted = request.query_params.get("charts")
            charts = (
                [grant.dashboard.chart(slug) for slug in wanted.split(",") if slug]
                if wanted
                else list(grant.dashboard.charts)
            )
        except DashletError as error:
            return refusal_response(error, html=False)
        return StreamingResponse(
            _stream(request, grant, charts),
            headers=json_headers(),
            media_type="application/x-ndjson",
        )

    async def chart_csv(self, request: Request) -> Response:
        """One chart's data as a CSV download, when the grant allows export."""
        try:
            grant = self.grant_of(request)
            if not grant.allow_csv:
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

    async def variable_choices(self, request: Request) -> Response:
        """The options of a filter, computed with the grant's values bound."""
        try:
            grant = self.grant_of(request)
            choices = await choices_for(
                services(request).engine, grant, request.path_params["name"]
            )
        except DashletError as error:
            return refusal_response(error, html=False)
        return Response(
            orjson.dumps({"choices": choices}),
            headers=json_headers(),
            media_type="application/json",
        )


async def _run(request: Request, grant: Grant, chart: ChartDef) -> Result:
    found = services(request)
    result = await found.engine.run_chart(grant.dashboard, chart, grant.values)
    if grant.token is not None:  # a member's native view is not embed usage
        found.usage.record_cache(grant.dashboard.id, grant.usage_value, result.cached, now())
    return result


async def _chart_line(request: Request, grant: Grant, chart: ChartDef) -> bytes:
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


async def _stream(request: Request, grant: Grant, charts: list[ChartDef]) -> AsyncIterator[bytes]:
    tasks = [asyncio.ensure_future(_chart_line(request, grant, chart)) for chart in charts]
    try:
        for finished in asyncio.as_completed(tasks):
            yield await finished
    finally:
        for task in tasks:
            task.cancel()
