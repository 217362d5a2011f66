"""``/api/docs``: the OpenAPI document as a plain page, served from here (no CDN, no script)."""

from __future__ import annotations

import secrets
from typing import Any

from starlette.responses import Response

from dashlet.web.headers import app_html_headers
from dashlet.web.templating import render

API_DESCRIPTION = """\
Automate what owners and editors do in the admin: apply dashboards, manage embedding, rotate
or reset the embed secret, revoke tokens, read usage and sign embed URLs on the server.

Authenticate with an organization API key, `Authorization: Bearer dk_...` (owners make them,
each with a role), or with the `dashlet_session` cookie from `POST /api/v1/session`, sending
its `csrf_token` as `X-CSRF-Token` on every change. Refusals are
`{"error": {"code": ..., "message": ...}}` with a stable code (see docs/api.md).
"""


def _schema_name(schema: dict[str, Any]) -> str:
    """A short name for a schema: its component name, or its type."""
    if "$ref" in schema:
        return str(schema["$ref"]).rsplit("/", 1)[-1]
    if schema.get("type") == "array":
        return f"list of {_schema_name(schema.get('items', {}))}"
    if "anyOf" in schema:
        return " or ".join(_schema_name(option) for option in schema["anyOf"])
    return str(schema.get("type", "any"))


def _operations(document: dict[str, Any]) -> list[dict[str, Any]]:
    operations = []
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            body = operation.get("requestBody", {}).get("content", {}).get("application/json", {})
            success = next((code for code in operation["responses"] if code.startswith("2")), "200")
            answer = operation["responses"][success].get("content", {}).get("application/json")
            operations.append(
                {
                    "method": method.upper(),
                    "path": path,
                    "summary": operation.get("summary", ""),
                    "description": operation.get("description", ""),
                    "roles": operation.get("x-dashlet-roles"),
                    "parameters": [
                        {
                            "name": p["name"],
                            "in": p["in"],
                            "required": p.get("required", False),
                            "type": _schema_name(p.get("schema", {})),
                        }
                        for p in operation.get("parameters", [])
                    ],
                    "body": _schema_name(body["schema"]) if body else None,
                    "status": success,
                    "answer": _schema_name(answer["schema"]) if answer else None,
                }
            )
    return operations


def _schemas(document: dict[str, Any]) -> list[dict[str, Any]]:
    schemas = document.get("components", {}).get("schemas", {})
    return [
        {
            "name": name,
            "fields": [
                {
                    "name": field,
                    "type": _schema_name(spec),
                    "required": field in schema.get("required", ()),
                    "description": spec.get("description", ""),
                }
                for field, spec in schema.get("properties", {}).items()
            ],
        }
        for name, schema in sorted(schemas.items())
    ]


def render_docs(document: dict[str, Any], openapi_path: str) -> Response:
    """The docs page: every operation, then every schema; styled by a nonce'd inline sheet."""
    nonce = secrets.token_urlsafe(16)
    body = render(
        "api_docs.html",
        {
            "title": document["info"]["title"],
            "version": document["info"]["version"],
            "description": document["info"].get("description", ""),
            "operations": _operations(document),
            "schemas": _schemas(document),
            "openapi_path": openapi_path,
            "nonce": nonce,
        },
    )
    headers = {
        **app_html_headers(),
        "Content-Security-Policy": (
            f"default-src 'none'; style-src 'nonce-{nonce}'; base-uri 'none'; "
            "form-action 'none'; frame-ancestors 'none'"
        ),
    }
    return Response(body, 200, headers=headers, media_type="text/html")
