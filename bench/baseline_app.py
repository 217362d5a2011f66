"""The baseline of the web benchmarks: a bare Starlette route that verifies the same HS256
token with PyJWT and returns the same precomputed bytes (read from BENCH_BASELINE_DIR), and a
plain static HTML page for the page-load benchmark."""

from __future__ import annotations

import os
from pathlib import Path

import jwt
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

FOLDER = Path(os.environ.get("BENCH_BASELINE_DIR", "."))


def create_app() -> Starlette:
    secret = (FOLDER / "secret").read_bytes()
    chart = (FOLDER / "chart.json").read_bytes()
    page = (FOLDER / "page.html").read_bytes()
    static_page = FOLDER / "static.html"  # written by the page-load benchmark, when it runs

    def verified(request: Request) -> bool:
        header = request.headers.get("authorization", "")
        token = (
            header[7:]
            if header.startswith("Bearer ")
            else request.query_params.get("embed_token", "")
        )
        try:
            jwt.decode(token, secret, algorithms=["HS256"])
        except jwt.PyJWTError:
            return False
        return True

    async def chart_data(request: Request) -> Response:
        if not verified(request):
            return Response(b'{"error":{}}', 403, media_type="application/json")
        return Response(chart, media_type="application/json")

    async def embed_page(request: Request) -> Response:
        if not verified(request):
            return Response(b"refused", 403, media_type="text/html")
        return Response(page, media_type="text/html")

    async def static(request: Request) -> Response:
        return Response(static_page.read_bytes(), media_type="text/html")

    return Starlette(
        routes=[
            Route("/static.html", static),
            Route("/d/{org}/{dashboard}/charts/{chart}.json", chart_data),
            Route("/d/{org}/{dashboard}", embed_page),
        ]
    )
