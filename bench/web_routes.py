"""Embed routes under load: the chart data route on a cache hit and the embed page HTML, each
against a bare Starlette route that verifies the same token with PyJWT and returns the same
bytes (same server settings: uvicorn, httptools + uvloop, 2 workers). Load comes from wrk on
127.0.0.1, bounded in time; rounds alternate Dashlet and baseline, and ratios are paired.
Also: 200 first-time viewers (distinct tokens, same env) at once on a cold cache, counting the
queries that reach the warehouse."""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import event

from bench.demo import ROOT, Demo
from bench.measure import Measurement
from dashlet.embed.urls import sign_embed_token
from dashlet.store.database import open_database
from dashlet.store.organizations import reveal_secret
from dashlet.web.app import create_app
from dashlet.web.services import build_services

NAME = "web routes"
WORKERS = 2
SECONDS = 4
ROUNDS = 3
CHART = "revenue-by-region"
FIRST_TIME_VIEWERS = 200
LATENCY = re.compile(r"^\s+(50|99)%\s+([\d.]+)(us|ms|s)\s*$", re.MULTILINE)
UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def server(args: list[str], environ: dict[str, str]) -> Iterator[str]:
    """A server process on a free loopback port until the block ends."""
    port = free_port()
    process = subprocess.Popen(
        [*args, "--port", str(port)],
        env={**os.environ, **environ},
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(base + "/healthz", timeout=1)  # noqa: S310 (loopback)
                break
            except OSError as error:
                if getattr(error, "code", None) == 404:  # the baseline has no /healthz: it is up
                    break
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"{args[0]} did not start") from None
                time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=20)


def wrk(url: str, token: str, connections: int) -> tuple[float, float, float]:
    """Requests/s, p50 and p99 latency (ms) of one bounded wrk run."""
    done = subprocess.run(
        [
            "wrk",
            "-t",
            str(min(connections, 2)),
            "-c",
            str(connections),
            "-d",
            f"{SECONDS}s",
            "--latency",
            "-H",
            f"Authorization: Bearer {token}",
            url,
        ],
        capture_output=True,
        text=True,
        timeout=SECONDS + 30,
        check=True,
    )
    if "Non-2xx" in done.stdout:
        raise RuntimeError(f"wrk saw refusals on {url}:\n{done.stdout}")
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", done.stdout)[1])  # type: ignore[index]
    latency = {m[1]: float(m[2]) * UNITS_MS[m[3]] for m in LATENCY.finditer(done.stdout)}
    return rps, latency["50"], latency["99"]


def prepare_baseline(folder: Path, secret: str, chart_body: bytes, page_body: bytes) -> None:
    (folder / "secret").write_text(secret)
    (folder / "chart.json").write_bytes(chart_body)
    (folder / "page.html").write_bytes(page_body)


def compare(demo: Demo, dashlet_base: str, baseline_base: str, token: str) -> list[Measurement]:
    org, slug = "demo", demo.dashboard.slug
    routes = {
        "chart data, cache hit": (f"/d/{org}/{slug}/charts/{CHART}.json", ""),
        "embed page HTML": (f"/d/{org}/{slug}", f"?embed_token={token}"),
    }
    measurements: list[Measurement] = []
    for label, (path, query) in routes.items():
        for connections in (1, 16):
            ours: list[tuple[float, float, float]] = []
            theirs: list[tuple[float, float, float]] = []
            for _ in range(ROUNDS):
                ours.append(wrk(dashlet_base + path + query, token, connections))
                theirs.append(wrk(baseline_base + path + query, token, connections))
            ratios = [o[0] / t[0] for o, t in zip(ours, theirs, strict=True)]
            ratio = statistics.median(ratios)
            name = f"{label}, c={connections}"
            measurements += [
                Measurement(
                    NAME,
                    f"{name}: requests/s",
                    statistics.median(o[0] for o in ours),
                    "req/s",
                    baseline=statistics.median(t[0] for t in theirs),
                    paired_ratio=ratio,
                    goal=">= 0.5x baseline",
                    met=ratio >= 0.5,
                ),
                Measurement(
                    NAME,
                    f"{name}: p50 latency",
                    statistics.median(o[1] for o in ours),
                    "ms",
                    baseline=statistics.median(t[1] for t in theirs),
                ),
                Measurement(
                    NAME,
                    f"{name}: p99 latency",
                    statistics.median(o[2] for o in ours),
                    "ms",
                    baseline=statistics.median(t[2] for t in theirs),
                ),
            ]
    return measurements


async def first_time_viewers(demo: Demo, secret: str) -> Measurement:
    """200 distinct tokens with the same env at once, cold cache: warehouse queries counted."""
    services = build_services(demo.settings)
    executions: list[object] = []

    def record(*_args: Any) -> None:
        executions.append(None)

    engine = services.engine.engines.engine_for(demo.dashboard.source)
    event.listen(engine.pool, "checkout", record)  # every query checks out one connection
    app = create_app(demo.settings, services=services)
    tokens = [
        sign_embed_token(
            demo.dashboard.organization_id,
            demo.dashboard.id,
            secret,
            env={"TENANT": 7},
            ttl=600 + i,
        )
        for i in range(FIRST_TIME_VIEWERS)
    ]
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
        responses = await asyncio.gather(
            *(
                client.get(
                    f"/d/demo/{demo.dashboard.slug}/data", headers={"Authorization": f"Bearer {t}"}
                )
                for t in tokens
            )
        )
    services.close()
    assert all(r.status_code == 200 for r in responses)
    charts = len(demo.dashboard.charts)
    return Measurement(
        NAME,
        f"{FIRST_TIME_VIEWERS} first-time viewers, cold cache: warehouse queries",
        len(executions),
        "queries",
        baseline=charts,
        goal=f"= {charts} (charts on the dashboard)",
        met=len(executions) == charts,
    )


def baseline_command() -> list[str]:
    """The baseline app under the same server settings as ``dashlet serve --workers 2``."""
    return [
        sys.executable,
        "-m",
        "uvicorn",
        "bench.baseline_app:create_app",
        "--factory",
        "--workers",
        str(WORKERS),
        "--loop",
        "uvloop",
        "--http",
        "httptools",
    ]


def demo_secret(demo: Demo) -> str:
    db = open_database(demo.settings)
    try:
        return reveal_secret(db, "demo")
    finally:
        db.dispose()


def run(demo: Demo, repeats: int) -> list[Measurement]:
    if shutil.which("wrk") is None:
        raise RuntimeError("wrk is not installed: run scripts/install-system-deps")
    secret = demo_secret(demo)
    viewers = asyncio.run(first_time_viewers(demo, secret))
    token = sign_embed_token(
        demo.dashboard.organization_id, demo.dashboard.id, secret, env={"TENANT": 3}, ttl=3600
    )
    key = demo.settings.require_secret_key()
    environ = {"DASHLET_DATA_DIR": str(demo.settings.data_dir), "DASHLET_SECRET_KEY": key}
    with (
        tempfile.TemporaryDirectory(prefix="dashlet-baseline-") as folder,
        server(
            [sys.executable, "-m", "dashlet", "serve", "--workers", str(WORKERS)], environ
        ) as ours,
    ):
        headers = {"Authorization": f"Bearer {token}"}
        chart_body = httpx.get(
            f"{ours}/d/demo/{demo.dashboard.slug}/charts/{CHART}.json",
            headers=headers,
            timeout=60,
        ).content
        page_body = httpx.get(
            f"{ours}/d/demo/{demo.dashboard.slug}?embed_token={token}", timeout=60
        ).content
        prepare_baseline(Path(folder), secret, chart_body, page_body)
        with server(baseline_command(), {"BENCH_BASELINE_DIR": folder}) as theirs:
            measurements = compare(demo, ours, theirs, token)
    return [*measurements, viewers]
