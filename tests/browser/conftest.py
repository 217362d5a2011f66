"""The browser suite's world: a real ``dashlet serve`` over a SQLite warehouse, Debian's Chromium
driven by Playwright, and a second loopback server that plays a host page on another origin.

The ``shop`` dashboard uses every chart type, a failing chart and an empty one. Its viewers may
set REGION (a multi select whose choices come from SQL) and MIN_AMOUNT (a number); TENANT is
hidden. Organization ``acme`` lets any origin frame it; ``strict`` only the host site's origin.
Everything here is package-scoped: one server, one browser and one host site for tests/browser.
Admin page tests make their own organization (``make_admin_org``) and ``sign_in`` to it.
"""

from __future__ import annotations

import http.server
import sqlite3
import textwrap
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jwt
import pytest
from playwright.sync_api import Browser, Page, Request, sync_playwright

from dashlet.config import Settings
from dashlet.spec.apply import apply_folder
from dashlet.store.dashboards import get_dashboard
from dashlet.store.database import Database, open_database
from dashlet.store.models import ROLES
from dashlet.store.organizations import (
    create_organization,
    reveal_secret,
    set_frame_ancestors,
)
from dashlet.store.users import add_member
from tests.auth.members import PASSWORD, password_hash
from tests.conftest import TEST_SECRET_KEY
from tests.servers import dashlet_server, free_port

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",  # the suite runs as root
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "browser"

REGIONS = ("north", "south", "east")
CHANNELS = ("web", "store", "partner")
ORDERS = [
    (
        tenant,
        REGIONS[i % 3 if tenant == 1 else i % 2],  # tenant 2 never sells in the east
        CHANNELS[(i // 6) % 3],
        f"2025-{1 + i % 6:02d}-{1 + i % 27:02d}",
        round(5 + (i * 7.3) % 40, 2),
        f"product-{i % 5}",
        1 + i % 4,
    )
    for tenant in (1, 2)
    for i in range(60)
]

SHOP_YAML = """
slug: shop
title: Shop
source: warehouse
cache_ttl: 0
embed: {enabled: true, allow_viewer_variables: true, allow_csv: true}
variables:
  - {name: TENANT, type: integer, hidden: true, required: true}
  - {name: REGION, label: Region, type: string, multi: true, choices_sql: "SELECT DISTINCT region FROM orders WHERE tenant_id = :TENANT ORDER BY region"}
  - {name: MIN_AMOUNT, label: Minimum amount, type: number}
charts:
  - slug: total
    title: Revenue
    type: number
    value: revenue
    compare: target
    width: 4
    height: 2
    sql: SELECT SUM(amount) AS revenue, 1000 AS target FROM orders WHERE tenant_id = :TENANT
  - slug: by_region
    title: Revenue by region
    type: bar
    x: region
    y: [revenue]
    width: 8
    height: 4
    sql: |
      SELECT region, SUM(amount) AS revenue FROM orders
      WHERE tenant_id = :TENANT [[ AND region IN :REGION ]] [[ AND amount >= :MIN_AMOUNT ]]
      GROUP BY region ORDER BY region
  - slug: by_month
    title: Revenue by month
    type: line
    x: month
    y: [revenue, orders]
    width: 6
    height: 4
    sql: |
      SELECT substr(order_date, 1, 7) AS month, SUM(amount) AS revenue, COUNT(*) AS orders
      FROM orders WHERE tenant_id = :TENANT [[ AND region IN :REGION ]]
      GROUP BY month ORDER BY month
  - slug: by_channel_month
    title: Revenue by channel and month
    type: area
    x: month
    y: [revenue]
    series: channel
    width: 6
    height: 4
    sql: |
      SELECT substr(order_date, 1, 7) AS month, channel, SUM(amount) AS revenue
      FROM orders WHERE tenant_id = :TENANT [[ AND amount >= :MIN_AMOUNT ]]
      GROUP BY month, channel ORDER BY month, channel
  - slug: channels
    title: Revenue by channel
    type: pie
    label: channel
    value: revenue
    width: 4
    height: 4
    sql: |
      SELECT channel, SUM(amount) AS revenue FROM orders WHERE tenant_id = :TENANT
      GROUP BY channel ORDER BY revenue DESC
  - slug: price_volume
    title: Price against quantity
    type: scatter
    x: amount
    y: quantity
    series: region
    width: 8
    height: 4
    sql: |
      SELECT product, region, amount, quantity FROM orders
      WHERE tenant_id = :TENANT [[ AND region IN :REGION ]]
  - slug: latest
    title: Latest orders
    type: table
    columns: [order_date, region, product, amount]
    width: 12
    height: 4
    sql: |
      SELECT order_date, region, channel, product, amount FROM orders
      WHERE tenant_id = :TENANT [[ AND region IN :REGION ]]
      ORDER BY order_date DESC LIMIT 20
  - slug: broken
    title: Broken
    type: table
    width: 6
    height: 2
    sql: SELECT * FROM no_such_table WHERE tenant_id = :TENANT
  - slug: nothing
    title: Nothing yet
    type: bar
    x: region
    y: [revenue]
    width: 6
    height: 2
    sql: SELECT region, amount AS revenue FROM orders WHERE tenant_id = :TENANT AND amount < 0
"""

# Which charts a REGION change must refetch (those whose SQL uses :REGION).
USES_REGION = {"by_region", "by_month", "price_volume", "latest"}


def write_workspace(folder: Path) -> Path:
    folder.mkdir(parents=True)
    with sqlite3.connect(folder / "warehouse.sqlite") as conn:
        conn.execute(
            "CREATE TABLE orders (tenant_id INTEGER, region TEXT, channel TEXT, order_date TEXT,"
            " amount REAL, product TEXT, quantity INTEGER)"
        )
        conn.executemany("INSERT INTO orders VALUES (?, ?, ?, ?, ?, ?, ?)", ORDERS)
    (folder / "sources.yaml").write_text(
        "sources:\n  - {name: warehouse, url: 'sqlite:///warehouse.sqlite'}\n"
    )
    (folder / "dashboards").mkdir()
    (folder / "dashboards" / "shop.yaml").write_text(textwrap.dedent(SHOP_YAML))
    return folder


class HostSite:
    """A tiny web server on its own loopback port: a host page on another origin than Dashlet's."""

    def __init__(self) -> None:
        self.pages: dict[str, str] = {}
        pages = self.pages

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                body = pages.get(self.path.split("?")[0], "").encode()
                self.send_response(200 if body else 404)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
        self.origin = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def page(self, path: str, html: str) -> str:
        """Serve ``html`` at ``path``; returns its URL."""
        self.pages[path] = html
        return self.origin + path


@dataclass
class Live:
    """The running server and how to sign tokens for its dashboards."""

    base_url: str
    secrets: dict[str, str]
    ids: dict[str, tuple[int, int]]
    host: HostSite
    server_log: Path

    def token(self, org: str = "acme", *, tenant: int = 1, ttl: float = 600, **claims: Any) -> str:
        organization, dashboard = self.ids[org]
        payload = {
            "organization": organization,
            "dashboard": dashboard,
            "exp": time.time() + ttl,
            "env": {"TENANT": tenant},
            **claims,
        }
        return jwt.encode(payload, self.secrets[org].encode(), "HS256")

    def page_url(self, org: str = "acme", *, query: str = "", **token: Any) -> str:
        return f"{self.base_url}/d/{org}/shop?embed_token={self.token(org, **token)}{query}"


@pytest.fixture(scope="package")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    root = tmp_path_factory.mktemp("browser")
    settings = Settings.from_env({}, data_dir=root / "data", secret_key=TEST_SECRET_KEY)
    db = open_database(settings)
    host = HostSite()
    host.thread.start()
    ids: dict[str, tuple[int, int]] = {}
    secrets: dict[str, str] = {}
    for slug in ("acme", "strict"):
        org = create_organization(db, slug)
        apply_folder(db, write_workspace(root / f"workspace-{slug}"), slug)
        ids[slug] = (org.id, get_dashboard(db, slug, "shop").id)
        secrets[slug] = reveal_secret(db, slug)
    set_frame_ancestors(db, "strict", ["https://app.example.com", host.origin])
    environ = {"DASHLET_DATA_DIR": str(settings.data_dir), "DASHLET_SECRET_KEY": TEST_SECRET_KEY}
    try:
        with dashlet_server(environ) as base_url:
            yield Live(base_url, secrets, ids, host, settings.data_dir / "server.log")
    finally:
        host.server.shutdown()
        host.server.server_close()
        db.dispose()


@pytest.fixture(scope="package")
def browser() -> Iterator[Browser]:
    """One headless Chromium (Debian's, never a downloaded one) for the whole browser suite."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run scripts/install-system-deps (Debian's chromium)")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield launched
        launched.close()


@dataclass
class Tab:
    """A fresh browser page and every request it (and its frames) made."""

    page: Page
    requests: list[Request]

    def data_requests(self) -> list[Request]:
        """The streamed data requests (``/data``), in the order they were sent."""
        return [r for r in self.requests if r.url.split("?")[0].endswith("/data")]


@pytest.fixture
def tab(browser: Browser) -> Iterator[Tab]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = context.new_page()
    requests: list[Request] = []
    page.on("request", lambda request: requests.append(request))
    page.set_default_timeout(10_000)
    yield Tab(page, requests)
    context.close()


@pytest.fixture
def artifact() -> Callable[[str], Path]:
    """Where to save a screenshot: test-artifacts/browser/NAME.png (gitignored)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return lambda name: ARTIFACTS / f"{name}.png"


def wait_until_loaded(page: Page) -> None:
    """Every chart card has settled (drawn, empty or failed)."""
    page.wait_for_selector(".dashlet-dashboard[aria-busy='false']")


@dataclass
class AdminOrg:
    """An organization of the live server whose owner, editor and viewer sign in with PASSWORD."""

    live: Live
    db: Database
    slug: str

    def email(self, role: str) -> str:
        return f"{role}@{self.slug}.test"

    def url(self, path: str = "") -> str:
        """The absolute URL of one of its admin pages (``/sources``, ``/api-keys``...)."""
        return f"{self.live.base_url}/o/{self.slug}{path}"


@pytest.fixture(scope="package")
def make_admin_org(live: Live) -> Iterator[Callable[[str], AdminOrg]]:
    """Factory: a new organization ``slug`` (no dashboards) with one member of each role."""
    settings = Settings.from_env({}, data_dir=live.server_log.parent, secret_key=TEST_SECRET_KEY)
    db = open_database(settings)

    def make(slug: str) -> AdminOrg:
        create_organization(db, slug)
        made = AdminOrg(live, db, slug)
        for role in ROLES:
            add_member(db, made.email(role), password_hash(), slug, role)
        return made

    try:
        yield make
    finally:
        db.dispose()


def sign_in(page: Page, org: AdminOrg, role: str) -> None:
    """Sign ``page``'s browser context in as ``org``'s ``role`` (through the API: no page load)."""
    answer = page.request.post(
        f"{org.live.base_url}/api/v1/session",
        data={"email": org.email(role), "password": PASSWORD},
    )
    assert answer.status == 200, answer.text()
