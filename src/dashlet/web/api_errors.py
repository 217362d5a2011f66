"""REST API refusals in the embed routes' JSON shape: ``{"error": {"code", "message"}}``.

``invalid_spec`` adds ``problems`` (file, line, field, message), ``too_many_attempts`` a
``Retry-After`` header and ``unauthorized`` a ``WWW-Authenticate`` header. A request that does
not fit the OpenAPI document is ``invalid_request``, never FastAPI's own ``detail`` shape.
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Iterator
from typing import Any

import orjson
from fastapi.exceptions import RequestValidationError
from starlette.responses import Response

from dashlet.auth.login_limits import TooManyAttempts
from dashlet.errors import REFUSALS, ConfigError, DashletError, SpecError
from dashlet.web.headers import json_headers

MAX_LISTED_PROBLEMS = 5


def error_response(status: int, code: str, message: str, **extra: Any) -> Response:
    body = orjson.dumps({"error": {"code": code, "message": message, **extra}})
    return Response(body, status, headers=json_headers(), media_type="application/json")


def api_error_response(error: DashletError) -> Response:
    """The response for a deliberate refusal."""
    extra = {}
    if isinstance(error, SpecError):
        extra["problems"] = [dataclasses.asdict(problem) for problem in error.problems]
    response = error_response(error.status, error.code, error.message, **extra)
    if isinstance(error, TooManyAttempts):
        response.headers["Retry-After"] = str(error.retry_after)
    if error.code == "unauthorized":
        response.headers["WWW-Authenticate"] = 'Bearer realm="dashlet"'
    return response


def validation_error_response(error: RequestValidationError) -> Response:
    """``invalid_request`` naming the first few fields that do not fit (never their values)."""
    problems = [
        f"{'.'.join(str(part) for part in detail['loc'])}: {detail['msg'].rstrip('.')}"
        for detail in error.errors()[:MAX_LISTED_PROBLEMS]
    ]
    sentence = REFUSALS["invalid_request"][1].rstrip(".")
    return api_error_response(
        DashletError(f"{sentence}: {'; '.join(problems)}.", code="invalid_request")
    )


@contextlib.contextmanager
def invalid_input() -> Iterator[None]:
    """Report the store's checks of caller input (a bad origin, email...) as ``invalid_request``."""
    try:
        yield
    except ConfigError as error:
        raise DashletError(error.message, code="invalid_request") from None
