"""``dashlet serve``: run the web server with uvicorn (httptools + uvloop)."""

from __future__ import annotations

import os

import click
import uvicorn

from dashlet.cli.context import data_dir_option, reports_errors
from dashlet.config import Settings
from dashlet.store.database import open_database
from dashlet.web.app import create_app


def run_server(
    settings: Settings, host: str, port: int, workers: int, *, demo: bool = False
) -> None:
    """Serve until interrupted; several workers share settings through DASHLET_* variables."""
    settings.require_secret_key()
    open_database(settings).dispose()  # migrate once, before any worker starts
    if workers == 1:
        uvicorn.run(create_app(settings, demo=demo), host=host, port=port, proxy_headers=True)
        return
    for name, value in settings.model_dump(exclude_none=True).items():
        os.environ["DASHLET_" + name.upper()] = (
            value.get_secret_value() if hasattr(value, "get_secret_value") else str(value)
        )
    uvicorn.run(
        "dashlet.web.app:create_app_from_env",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        proxy_headers=True,
    )


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=int, help="Port to listen on.")
@click.option(
    "--workers", default=1, show_default=True, type=click.IntRange(1, 64), help="Processes."
)
@data_dir_option
@reports_errors
def serve_command(settings: Settings, host: str, port: int, workers: int) -> None:
    """Serve dashboards and embeds."""
    run_server(settings, host, port, workers)
