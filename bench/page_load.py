"""The embedded page in headless Chromium: bytes on the wire for a first load of the demo's
main dashboard (HTML, JS, CSS and data, as compressed by the server), and the time from
navigation to every chart painted with a warm result cache, as a ratio to loading one static
HTML page of the same size in the same run (served by the baseline Starlette app with the same
uvicorn settings, since Dashlet serves no arbitrary HTML). Each load uses a fresh browser
context, so the browser's own cache never helps either side."""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, sync_playwright

from bench.demo import Demo
from bench.measure import Measurement
from bench.web_routes import WORKERS, baseline_command, demo_secret, prepare_baseline, server
from dashlet.embed.urls import sign_embed_token

NAME = "embed page"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
BUDGET_BYTES = 250_000
ALL_PAINTED = """() => {
  const cards = [...document.querySelectorAll('[data-chart]')];
  return cards.length > 0 && cards.every((card) => card.dataset.state);
}"""
ROUNDS = 7


def first_load_bytes(browser: Browser, url: str) -> tuple[int, int]:
    """Bytes received (as encoded on the wire) and requests made by one cold load until painted."""
    context = browser.new_context()
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    received: list[int] = []

    def finished(event: dict[str, Any]) -> None:
        received.append(int(event["encodedDataLength"]))

    cdp.on("Network.loadingFinished", finished)
    cdp.send("Network.enable")
    page.goto(url)
    page.wait_for_function(ALL_PAINTED, timeout=30_000)
    page.wait_for_load_state("networkidle")
    context.close()
    return sum(received), len(received)


def seconds_to(browser: Browser, url: str, ready: str | None) -> float:
    """Seconds from navigation to ``ready`` (a JS predicate) or to the load event."""
    context = browser.new_context()
    page = context.new_page()
    started = time.perf_counter()
    page.goto(url, wait_until="load")
    if ready is not None:
        page.wait_for_function(ready, timeout=30_000, polling="raf")
    elapsed = time.perf_counter() - started
    context.close()
    return elapsed


def run(demo: Demo, repeats: int) -> list[Measurement]:
    secret = demo_secret(demo)
    token = sign_embed_token(
        demo.dashboard.organization_id, demo.dashboard.id, secret, env={"TENANT": 3}, ttl=3600
    )
    key = demo.settings.require_secret_key()
    environ = {"DASHLET_DATA_DIR": str(demo.settings.data_dir), "DASHLET_SECRET_KEY": key}
    command = [sys.executable, "-m", "dashlet", "serve", "--workers", str(WORKERS)]
    with (
        tempfile.TemporaryDirectory(prefix="dashlet-page-") as folder,
        server(command, environ) as ours,
    ):
        url = f"{ours}/d/demo/{demo.dashboard.slug}?embed_token={token}"
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
            )
            try:
                transfer, requests = first_load_bytes(browser, url)  # also warms the result cache
                prepare_baseline(Path(folder), secret, b"{}", b"")
                (Path(folder) / "static.html").write_bytes(static_page(transfer))
                with server(baseline_command(), {"BENCH_BASELINE_DIR": folder}) as theirs:
                    ours_s, theirs_s, ratios = [], [], []
                    for _ in range(min(repeats, ROUNDS)):
                        mine = seconds_to(browser, url, ALL_PAINTED)
                        plain = seconds_to(browser, f"{theirs}/static.html", None)
                        ours_s.append(mine)
                        theirs_s.append(plain)
                        ratios.append(mine / plain)
            finally:
                browser.close()
    return [
        Measurement(
            NAME,
            f"first load of '{demo.dashboard.slug}' ({requests} requests), bytes on the wire",
            transfer / 1000,
            "KB",
            goal=f"<= {BUDGET_BYTES // 1000} KB",
            met=transfer <= BUDGET_BYTES,
        ),
        Measurement(
            NAME,
            "navigation to all charts painted (warm result cache) vs a static page of that size",
            statistics.median(ours_s) * 1000,
            "ms",
            baseline=statistics.median(theirs_s) * 1000,
            paired_ratio=statistics.median(ratios),
        ),
    ]


def static_page(size: int) -> bytes:
    """A plain HTML page of ``size`` bytes: paragraphs of text, nothing to fetch or run."""
    head = b"<!doctype html><html><head><meta charset=utf-8><title>static</title></head><body>"
    tail = b"</body></html>"
    filler = b"<p>" + b"Lorem ipsum dolor sit amet, consectetur adipiscing elit. " * 8 + b"</p>\n"
    body = (filler * (size // len(filler) + 1))[: max(0, size - len(head) - len(tail))]
    return head + body + tail
