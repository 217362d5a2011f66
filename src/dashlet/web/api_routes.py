"""The REST API under ``/api/v1``: its route table, its OpenAPI document and its docs page.

    /api/v1/session                                   sign in, who am I, sign out
    /api/v1/session/password                          change the password
    /api/v1/orgs/{org}                                organization, embedding settings
    /api/v1/orgs/{org}/dashboards[/{dashboard}]       read; /apply writes; /embed; /sign
    /api/v1/orgs/{org}/sources[/{source_id}[/test]]   data sources (editor), URLs masked
    /api/v1/orgs/{org}/secret/{reveal,reset,rotate}   the embed secret (owner, audited)
    /api/v1/orgs/{org}/revocations[/{id}]             revocation rules
    /api/v1/orgs/{org}/usage | /tokens/explain | /audit
    /api/v1/orgs/{org}/members[/{user_id}] | /api-keys[/{id}]
    /api/openapi.json, /api/docs                      the OpenAPI document, a page reading it

Each handler declares the action it needs (``guards.authorize``); the role table in
``dashlet.auth.roles`` decides. Refusals use the embed routes' JSON shape, and every answer is
``no-store`` and never framed.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from fastapi import APIRouter
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route
from starlette.types import Message

from dashlet._version import __version__
from dashlet.auth.roles import Action, allows
from dashlet.errors import REFUSALS, DashletError
from dashlet.store.models import ROLES
from dashlet.web import api_dashboard_routes as dashboards
from dashlet.web import api_editor_routes as editor
from dashlet.web import api_member_routes as members
from dashlet.web import api_owner_routes as owner
from dashlet.web import api_session_routes as session
from dashlet.web import api_source_routes as sources
from dashlet.web.api_docs import API_DESCRIPTION, render_docs
from dashlet.web.api_errors import api_error_response, validation_error_response
from dashlet.web.api_models import ErrorOut
from dashlet.web.guards import Authorize
from dashlet.web.headers import json_headers

API_PREFIX = "/api/v1"
OPENAPI_PATH = "/api/openapi.json"
DOCS_PATH = "/api/docs"
ORG = "/orgs/{org}"
MAX_BODY_BYTES = 64 * 1024
MAX_APPLY_BYTES = 8 * 1024 * 1024
API_HEADERS = {
    **json_headers(),
    "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
    "X-Frame-Options": "DENY",
}
TOO_LARGE = REFUSALS["request_too_large"][0]
REFUSALS_DOCUMENTED = (400, 401, 403, 404, 409, 413, 422, 429)

# (method, path under /api/v1, handler, success status)
TABLE: list[tuple[str, str, Callable[..., Any], int]] = [
    ("POST", "/session", session.log_in, 200),
    ("GET", "/session", session.current_session, 200),
    ("DELETE", "/session", session.log_out, 204),
    ("PUT", "/session/password", session.change_password, 200),
    ("GET", ORG, owner.organization, 200),
    ("PATCH", f"{ORG}/embedding", owner.change_embedding, 200),
    ("GET", f"{ORG}/dashboards", dashboards.dashboards, 200),
    ("POST", f"{ORG}/dashboards/apply", dashboards.apply, 200),
    ("POST", f"{ORG}/dashboards/convert", editor.convert, 200),
    ("GET", f"{ORG}/dashboards/{{dashboard}}", dashboards.dashboard, 200),
    ("DELETE", f"{ORG}/dashboards/{{dashboard}}", dashboards.delete, 204),
    ("GET", f"{ORG}/dashboards/{{dashboard}}/embed", dashboards.embed_settings, 200),
    ("PATCH", f"{ORG}/dashboards/{{dashboard}}/embed", dashboards.change_embed_settings, 200),
    ("GET", f"{ORG}/dashboards/{{dashboard}}/document", editor.document, 200),
    ("PUT", f"{ORG}/dashboards/{{dashboard}}/document", editor.save, 200),
    ("POST", f"{ORG}/dashboards/{{dashboard}}/preview", editor.preview, 200),
    ("POST", f"{ORG}/dashboards/{{dashboard}}/sign", dashboards.sign_url, 200),
    ("POST", f"{ORG}/secret/reveal", owner.reveal_secret, 200),
    ("POST", f"{ORG}/secret/reset", owner.reset_secret, 200),
    ("POST", f"{ORG}/secret/rotate", owner.rotate_secret, 200),
    ("GET", f"{ORG}/sources", sources.sources, 200),
    ("POST", f"{ORG}/sources", sources.create_source, 201),
    ("PUT", f"{ORG}/sources/{{source_id}}", sources.change_source, 200),
    ("POST", f"{ORG}/sources/{{source_id}}/test", sources.check_source, 200),
    ("GET", f"{ORG}/revocations", owner.list_revocations, 200),
    ("POST", f"{ORG}/revocations", owner.add_revocation, 201),
    ("DELETE", f"{ORG}/revocations/{{rule_id}}", owner.remove_revocation, 204),
    ("GET", f"{ORG}/usage", owner.usage, 200),
    ("POST", f"{ORG}/tokens/explain", owner.explain, 200),
    ("GET", f"{ORG}/audit", owner.audit_log, 200),
    ("GET", f"{ORG}/members", members.members, 200),
    ("POST", f"{ORG}/members", members.invite_member, 201),
    ("PUT", f"{ORG}/members/{{user_id}}", members.change_member_role, 200),
    ("DELETE", f"{ORG}/members/{{user_id}}", members.remove_member, 204),
    ("GET", f"{ORG}/api-keys", members.keys, 200),
    ("POST", f"{ORG}/api-keys", members.create_key, 201),
    ("DELETE", f"{ORG}/api-keys/{{key_id}}", members.revoke_key, 204),
]

# Routes that take a dashboards-as-code folder or document rather than a small body.
LARGE_BODIES = (dashboards.apply, editor.convert, editor.save, editor.preview)


class ApiRoute(APIRoute):
    """An API route whose refusals use Dashlet's JSON shape and whose answers are never kept.

    It enforces ``max_body_size`` itself (FastAPI's own limit answers in plain text).
    """

    def __init__(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        self.body_limit: int | None = kwargs.pop("max_body_size", None)
        super().__init__(path, endpoint, **kwargs)

    def get_route_handler(self) -> Callable[[Request], Any]:
        handler = super().get_route_handler()
        limit = self.body_limit

        async def answer(request: Request) -> Response:
            try:
                if limit is not None:
                    request = limited(request, limit)
                response: Response = await handler(request)
            except RequestValidationError as error:
                response = validation_error_response(error)
            except DashletError as error:
                response = api_error_response(error)
            except HTTPException as error:  # FastAPI's own, for a body it could not read
                code = "request_too_large" if error.status_code == TOO_LARGE else "invalid_request"
                response = api_error_response(DashletError(code=code))
            response.headers.update(API_HEADERS)
            return response

        return answer


def limited(request: Request, limit: int) -> Request:
    """The request, refusing (``request_too_large``) a body past ``limit`` bytes, however sent."""
    declared = request.headers.get("content-length", "")
    if declared.isascii() and declared.isdigit() and int(declared) > limit:
        raise DashletError(code="request_too_large")
    receive = request.receive
    received = 0

    async def receive_within_limit() -> Message:
        nonlocal received
        message = await receive()
        received += len(message.get("body", b""))
        if received > limit:  # raised inside FastAPI's body reading, which passes these on
            raise HTTPException(TOO_LARGE)
        return message

    return Request(request.scope, receive_within_limit)


def required_action(route: APIRoute) -> Action | None:
    """The action the route's ``authorize`` dependency checks (None: no organization role)."""
    for dependency in route.dependant.dependencies:
        if isinstance(dependency.call, Authorize):
            return dependency.call.action
    return None


def api_router() -> APIRouter:
    """Every ``/api/v1`` route, from ``TABLE``."""
    router = APIRouter(prefix=API_PREFIX, route_class=ApiRoute)
    refusals: dict[int | str, dict[str, Any]] = {
        status: {"model": ErrorOut, "description": "Refused; see docs/api.md for the codes."}
        for status in REFUSALS_DOCUMENTED
    }
    for method, path, handler, status in TABLE:
        limit = MAX_APPLY_BYTES if handler in LARGE_BODIES else MAX_BODY_BYTES
        router.add_api_route(
            path,
            handler,
            methods=[method],
            status_code=status,
            responses=refusals,
            max_body_size=limit,
            tags=[
                handler.__module__.rsplit(".", 1)[-1].removeprefix("api_").removesuffix("_routes")
            ],
        )
    return router


def openapi_document(router: APIRouter) -> dict[str, Any]:
    """The OpenAPI document of ``router``, with its two ways to authenticate."""
    document = get_openapi(
        title="Dashlet API",
        version=__version__,
        description=API_DESCRIPTION,
        routes=router.routes,
    )
    document["components"]["securitySchemes"] = {
        "apiKey": {"type": "http", "scheme": "bearer", "description": "An API key, dk_..."},
        "session": {"type": "apiKey", "in": "cookie", "name": "dashlet_session"},
    }
    for route in router.routes:
        assert isinstance(route, APIRoute)
        action = required_action(route)
        for method in route.methods or ():
            operation = document["paths"][route.path_format][method.lower()]
            if action is not None:
                roles = [role for role in ROLES if allows(role, action)]
                operation["security"] = [{"apiKey": []}, {"session": []}]
                operation["x-dashlet-action"] = action.value
                operation["x-dashlet-roles"] = roles
                operation["description"] += f"\n\nRoles: {', '.join(roles)}."
    return document


@functools.cache
def api_routes() -> tuple[BaseRoute, ...]:
    """The API's routes plus ``/api/openapi.json`` and ``/api/docs``, for the app's table.

    Built once per process (FastAPI takes a while to build them) and shared by every app: they
    hold no state, only the table.
    """
    router = api_router()
    document = openapi_document(router)

    async def openapi_json(request: Request) -> Response:
        return JSONResponse(document, headers=API_HEADERS)

    async def docs_page(request: Request) -> Response:
        return render_docs(document, OPENAPI_PATH)

    return (
        *router.routes,
        Route(OPENAPI_PATH, openapi_json, methods=["GET"]),
        Route(DOCS_PATH, docs_page, methods=["GET"]),
    )
