"""The embedded page in headless Chromium: bytes on the wire for a first load of the demo's
main dashboard (HTML, JS, CSS and data, as compressed by the server), and the time from
navigation to every chart drawn with a warm result cache, as a ratio to loading one static
HTML page of the same size in the same run (served by the baseline Starlette app with the same
uvicorn settings, since Dashlet serves no arbitrary HTML).

Times are read inside the page (``performance.now()`` when the last card settles, against the
static page's load event), so the driver's polling is in neither. A first view uses a fresh
browser context (nothing cached, as for a new viewer); a repeat view loads the page again in the
same context (scripts from the browser's cache, as for a returning viewer)."""

from __future__ import annotations

import statistics
import sys
import tempfile
from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, Page, sync_playwright

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
# Notes the page's time whenever a card settles (its data-state set after drawing).
RECORD_SETTLED = """
window.__settled = 0;
new MutationObserver(() => { window.__settled = performance.now(); })
  .observe(document, {attributes: true, subtree: true, attributeFilter: ['data-state']});
"""
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


def painted_ms(page: Page, url: str) -> float:
    """Milliseconds from navigation to the last card drawn, as the page's own clock tells."""
    page.goto(url, wait_until="load")
    page.wait_for_function(ALL_PAINTED, timeout=30_000)
    settled: float = page.evaluate("window.__settled")
    return settled


def loaded_ms(page: Page, url: str) -> float:
    """Milliseconds from navigation to the load event, as the page's own clock tells."""
    page.goto(url, wait_until="load")
    loaded: float = page.evaluate("performance.getEntriesByType('navigation')[0].loadEventEnd")
    return loaded


def views(browser: Browser, url: str, static_url: str) -> tuple[float, float, float]:
    """One round: a first view, a repeat view (same context), and the static page's load."""
    context = browser.new_context()
    context.add_init_script(RECORD_SETTLED)
    page = context.new_page()
    first = painted_ms(page, url)
    page.goto("about:blank")
    repeat = painted_ms(page, url)
    context.close()
    context = browser.new_context()
    static = loaded_ms(context.new_page(), static_url)
    context.close()
    return first, repeat, static


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
                    rounds = [
                        views(browser, url, f"{theirs}/static.html")
                        for _ in range(min(repeats, ROUNDS))
                    ]
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
        *(
            Measurement(
                NAME,
                f"{view} view: navigation to every chart drawn vs a static page of that size",
                statistics.median(r[index] for r in rounds),
                "ms",
                baseline=statistics.median(r[2] for r in rounds),
                paired_ratio=statistics.median(r[index] / r[2] for r in rounds),
            )
            for index, view in ((0, "first"), (1, "repeat"))
        ),
    ]


def static_page(size: int) -> bytes:
    """A plain HTML page of ``size`` bytes: paragraphs of text, nothing to fetch or run."""
    head = b"<!doctype html><html><head><meta charset=utf-8><title>static</title></head><body>"
    tail = b"</body></html>"
    filler = b"<p>" + b"Lorem ipsum dolor sit amet, consectetur adipiscing elit. " * 8 + b"</p>\n"
    body = (filler * (size // len(filler) + 1))[: max(0, size - len(head) - len(tail))]
    return head + body + tail
