"""A live embedding world: a real SQLite warehouse, a dashboard applied from YAML, the app.

Tenants 1, 2 and 3 each have their own orders; the ``sales`` dashboard binds the hidden
``TENANT`` variable in every chart, so any row a tenant sees must carry its own tenant id.
"""

from __future__ import annotations

import sqlite3
import textwrap
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import jwt
import pytest

from dashlet.config import Settings
from dashlet.spec.apply import apply_folder
from dashlet.store.dashboards import get_dashboard
from dashlet.store.database import Database
from dashlet.store.definitions import DashboardDef
from dashlet.store.organizations import OrganizationInfo, create_organization, reveal_secret
from dashlet.web.app import create_app
from dashlet.web.services import Services, build_services

ORDERS = [
    (tenant, region, amount)
    for tenant, regions in ((1, ("north", "south")), (2, ("east", "west")), (3, ("north",)))
    for region in regions
    for amount in (10.0, 20.5)
]

SALES_YAML = """
slug: sales
title: Sales
source: warehouse
cache_ttl: 300
usage_key: TENANT
embed: {enabled: true, allow_viewer_variables: true, allow_csv: true}
variables:
  - {name: TENANT, type: integer, hidden: true, required: true}
  - {name: REGION, type: string, multi: true, choices_sql: "SELECT DISTINCT region FROM orders WHERE tenant_id = :TENANT ORDER BY region"}
  - {name: MIN_AMOUNT, type: number}
charts:
  - slug: by_region
    title: Revenue by region
    type: bar
    x: region
    y: [revenue]
    sql: |
      SELECT region, SUM(amount) AS revenue, MIN(tenant_id) AS tenant_id FROM orders
      WHERE tenant_id = :TENANT [[ AND region IN :REGION ]] [[ AND amount >= :MIN_AMOUNT ]]
      GROUP BY region ORDER BY region
  - slug: total
    title: Total
    type: number
    value: revenue
    sql: SELECT SUM(amount) AS revenue, MIN(tenant_id) AS tenant_id FROM orders WHERE tenant_id = :TENANT
  - slug: broken
    title: Broken
    type: table
    sql: SELECT * FROM no_such_table WHERE tenant_id = :TENANT
"""


def write_workspace(folder: Path) -> Path:
    folder.mkdir(parents=True)
    with sqlite3.connect(folder / "warehouse.sqlite") as conn:
        conn.execute("CREATE TABLE orders (tenant_id INTEGER, region TEXT, amount REAL)")
        conn.executemany("INSERT INTO orders VALUES (?, ?, ?)", ORDERS)
    (folder / "sources.yaml").write_text(
        "sources:\n  - {name: warehouse, url: 'sqlite:///warehouse.sqlite'}\n"
    )
    (folder / "dashboards").mkdir()
    (folder / "dashboards" / "sales.yaml").write_text(textwrap.dedent(SALES_YAML))
    return folder


@dataclass
class EmbedWorld:
    settings: Settings
    db: Database
    services: Services
    org: OrganizationInfo
    client: httpx.AsyncClient
    workspace: Path

    @property
    def secret(self) -> str:
        return reveal_secret(self.db, self.org.slug)

    def dashboard(self, slug: str = "sales") -> DashboardDef:
        return get_dashboard(self.db, self.org.slug, slug)

    def claims(self, **overrides: Any) -> dict[str, Any]:
        claims: dict[str, Any] = {
            "organization": self.org.id,
            "dashboard": self.dashboard().id,
            "exp": int(time.time()) + 600,
            "env": {"TENANT": 1},
        }
        claims.update(overrides)
        return {k: v for k, v in claims.items() if v is not None}

    def sign(
        self, secret: str | None = None, headers: dict[str, Any] | None = None, **overrides: Any
    ) -> str:
        """A token for the sales dashboard (tenant 1 unless ``env`` says otherwise)."""
        return jwt.encode(
            self.claims(**overrides), (secret or self.secret).encode(), "HS256", headers=headers
        )

    def page_url(self, token: str, dashboard: str = "sales") -> str:
        return f"/d/{self.org.slug}/{dashboard}?embed_token={token}"

    def chart_url(self, chart: str, dashboard: str = "sales") -> str:
        return f"/d/{self.org.slug}/{dashboard}/charts/{chart}.json"


@pytest.fixture
def make_world(settings: Settings, db: Database, tmp_path: Path) -> Callable[..., Any]:
    """Factory (async context): an organization with the sales dashboard and an app client."""

    async def make(slug: str = "acme") -> AsyncIterator[EmbedWorld]:
        org = create_organization(db, slug)
        workspace = write_workspace(tmp_path / f"workspace-{slug}")
        apply_folder(db, workspace, slug)
        services = build_services(settings, db)
        app = create_app(settings, services=services)
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://dashlet.test") as client:
            yield EmbedWorld(settings, db, services, org, client, workspace)
        services.engine.close()

    return make


@pytest.fixture
async def world(make_world: Callable[..., Any]) -> AsyncIterator[EmbedWorld]:
    async for built in make_world():
        yield built
