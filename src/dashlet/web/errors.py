"""Turning any refusal into a response: a friendly HTML page or the SPEC's JSON error shape.

Nothing here ever shows a stack trace, a token or a secret: unexpected errors are logged with
their traceback server-side and answered with a plain ``internal_error``.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

import orjson
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from dashlet.errors import DashletError, NotFound
from dashlet.web.headers import embed_html_headers, json_headers
from dashlet.web.templating import render

log = logging.getLogger("dashlet.web")

INTERNAL_ERROR = ("internal_error", "Something went wrong on our side; it has been logged.")


def error_body(code: str, message: str) -> bytes:
    return orjson.dumps({"error": {"code": code, "message": message}})


def json_error(status: int, code: str, message: str) -> Response:
    return Response(
        error_body(code, message), status, headers=json_headers(), media_type="application/json"
    )


def html_error(
    status: int, code: str, message: str, frame_ancestors: tuple[str, ...] = ()
) -> Response:
    body = render("error.html", {"status": status, "code": code, "message": message})
    return Response(
        body, status, headers=embed_html_headers(frame_ancestors), media_type="text/html"
    )


def refusal_response(
    error: DashletError,
    *,
    html: bool,
    frame_ancestors: tuple[str, ...] = (),
    headers: Mapping[str, str] | None = None,
) -> Response:
    """The response for a deliberate refusal, as HTML (page routes) or JSON (data routes)."""
    if html:
        response = html_error(error.status, error.code, error.message, frame_ancestors)
    else:
        response = json_error(error.status, error.code, error.message)
    response.headers.update(headers or {})
    return response


def wants_json(request: Request) -> bool:
    path = request.url.path
    return path.endswith((".json", ".csv", "/data")) or path.startswith("/api/")


async def handle_http_exception(request: Request, exc: Exception) -> Response:
    """Starlette's own 404/405s, in our shape."""
    assert isinstance(exc, HTTPException)
    code = "not_found" if exc.status_code == 404 else "method_not_allowed"
    message = NotFound().message if exc.status_code == 404 else "This method is not allowed here."
    if wants_json(request):
        return json_error(exc.status_code, code, message)
    return html_error(exc.status_code, code, message)


async def handle_unexpected(request: Request, exc: Exception) -> Response:
    """Anything not raised on purpose: logged in full here, a plain sentence for the client."""
    log.exception("Unexpected error on %s %s", request.method, request.url.path)
    if wants_json(request):
        return json_error(500, *INTERNAL_ERROR)
    return html_error(500, *INTERNAL_ERROR)
