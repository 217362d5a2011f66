"""The application factory: ``create_app(settings)`` wires services, routes and handlers."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

from fastapi import FastAPI
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.gzip import GZipMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from dashlet._version import __version__
from dashlet.config import Settings
from dashlet.web.admin_routes import admin_routes
from dashlet.web.api_routes import api_routes
from dashlet.web.assets import asset_routes
from dashlet.web.demo_routes import demo_routes
from dashlet.web.embed_routes import embed_routes
from dashlet.web.errors import handle_http_exception, handle_unexpected
from dashlet.web.redaction import install_redaction
from dashlet.web.services import Services, build_services

USAGE_FLUSH_SECONDS = 1.0
log = logging.getLogger("dashlet.web")


async def healthz(request: Request) -> Response:
    return JSONResponse({"status": "ok", "version": __version__})


async def _flush_usage_forever(services: Services) -> None:
    while True:
        await asyncio.sleep(USAGE_FLUSH_SECONDS)
        try:
            await asyncio.to_thread(services.usage.flush)
        except Exception:  # a failed write must not stop counting; the next flush retries
            log.exception("Writing usage statistics failed")


def routes(*, demo: bool) -> list[BaseRoute]:
    table: list[BaseRoute] = [
        Route("/healthz", healthz, methods=["GET"]),
        *embed_routes(),
        *api_routes(),
        *admin_routes(),
        *asset_routes(),
    ]
    if demo:
        table.extend(demo_routes())
    return table


def create_app(
    settings: Settings, *, services: Services | None = None, demo: bool = False
) -> FastAPI:
    """The Dashlet web app; ``demo`` adds the ``/demo`` host page (only ``dashlet demo`` sets it)."""
    install_redaction()
    built = services or build_services(settings)

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        flusher = asyncio.create_task(_flush_usage_forever(built))
        try:
            yield
        finally:
            flusher.cancel()
            await asyncio.to_thread(built.close)

    app = FastAPI(
        title="Dashlet",
        version=__version__,
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
        lifespan=lifespan,
        routes=routes(demo=demo),
        # Pages and the data stream; static files are stored precompressed and left alone.
        middleware=[Middleware(GZipMiddleware, minimum_size=500)],
        exception_handlers={HTTPException: handle_http_exception, Exception: handle_unexpected},
    )
    app.state.services = built
    return app


def create_app_from_env() -> FastAPI:
    """Factory for ``uvicorn --factory`` (and ``dashlet serve --workers N``): settings from DASHLET_*."""
    return create_app(Settings.from_env())
