"""The demo set-up: organization, owner, dashboards over the warehouse, every chart answering."""

from __future__ import annotations

import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from dashlet.auth.passwords import verify_password
from dashlet.config import Settings
from dashlet.demo.setup import OWNER_EMAIL, DemoInfo, ensure_demo, workspace
from dashlet.query.engine import QueryEngine
from dashlet.query.values import resolve_values
from dashlet.spec.loader import load_folder
from dashlet.store.database import open_database
from dashlet.store.definitions import CHART_TYPES
from dashlet.store.models import User

ORDERS = 5_000


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> DemoInfo:
    """The demo set up once in a fresh data dir with no server key configured."""
    data_dir = tmp_path_factory.mktemp("demo") / "data"
    return ensure_demo(Settings.from_env({}, data_dir=data_dir), orders=ORDERS, progress=False)


@pytest.fixture
def engine(demo: DemoInfo) -> Iterator[QueryEngine]:
    query_engine = QueryEngine(demo.settings)
    yield query_engine
    query_engine.close()


def test_packaged_workspace_passes_the_loader() -> None:
    folder = load_folder(Path(str(workspace())))
    assert [source.name for source in folder.sources] == ["warehouse"]
    assert sorted(d.definition.slug for d in folder.dashboards) == [
        "operations",
        "products",
        "sales",
    ]


def test_creates_the_demo_organization_with_three_dashboards(demo: DemoInfo) -> None:
    assert demo.organization.slug == "demo"
    assert [d.slug for d in demo.dashboards] == ["operations", "products", "sales"]
    assert demo.warehouse.orders == ORDERS


def test_dashboards_use_every_chart_type(demo: DemoInfo) -> None:
    used = {chart.type for dashboard in demo.dashboards for chart in dashboard.charts}
    assert used == set(CHART_TYPES)


def test_main_dashboard_is_embeddable_with_viewer_filters(demo: DemoInfo) -> None:
    sales = next(d for d in demo.dashboards if d.slug == "sales")
    assert len(sales.charts) >= 6
    assert sales.embed.enabled
    assert sales.embed.allow_viewer_variables
    assert sales.usage_key == "TENANT"


def test_every_dashboard_has_a_hidden_required_tenant(demo: DemoInfo) -> None:
    for dashboard in demo.dashboards:
        tenant = dashboard.variable("TENANT")
        assert tenant is not None
        assert (tenant.type, tenant.hidden, tenant.required) == ("integer", True, True)


def test_warehouse_source_points_at_the_built_file(demo: DemoInfo) -> None:
    assert {d.source.url for d in demo.dashboards} == {f"duckdb:///{demo.warehouse.path.resolve()}"}


def test_owner_can_log_in_with_the_printed_password(demo: DemoInfo) -> None:
    db = open_database(demo.settings)
    try:
        with db.session() as session:
            user = session.query(User).filter_by(email=OWNER_EMAIL).one()
            assert verify_password(user.password_hash, demo.owner_password)
    finally:
        db.dispose()


def test_owner_password_file_is_private(demo: DemoInfo) -> None:
    files = [p for p in demo.settings.data_dir.iterdir() if p.name.endswith("owner_password")]
    assert [stat.S_IMODE(p.stat().st_mode) for p in files] == [0o600]


def test_running_again_changes_nothing(demo: DemoInfo) -> None:
    again = ensure_demo(demo.settings, orders=ORDERS, progress=False)
    assert not again.warehouse.built
    assert not again.applied.changed
    assert again.organization.id == demo.organization.id
    assert again.owner_password == demo.owner_password
    assert [d.id for d in again.dashboards] == [d.id for d in demo.dashboards]


def test_running_again_restores_edited_workspace_files(demo: DemoInfo) -> None:
    copied = demo.folder / "dashboards" / "sales.yaml"
    original = copied.read_text()
    copied.write_text("slug: broken\n")
    ensure_demo(demo.settings, orders=ORDERS, progress=False)
    assert copied.read_text() == original


async def test_every_chart_returns_rows_for_one_tenant(demo: DemoInfo, engine: QueryEngine) -> None:
    empty: list[str] = []
    for dashboard in demo.dashboards:
        values = resolve_values(dashboard.variables, {"TENANT": 1})
        for chart in dashboard.charts:
            result = await engine.run_chart(dashboard, chart, values)
            if not result.rows:
                empty.append(f"{dashboard.slug}/{chart.slug}")
    assert empty == []


async def test_charts_name_the_columns_their_encoding_uses(
    demo: DemoInfo, engine: QueryEngine
) -> None:
    missing: list[str] = []
    for dashboard in demo.dashboards:
        values = resolve_values(dashboard.variables, {"TENANT": 2})
        for chart in dashboard.charts:
            columns = {c.name for c in (await engine.run_chart(dashboard, chart, values)).columns}
            for key, named in chart.encoding.items():
                wanted = named if isinstance(named, list) else [named]
                missing += [f"{chart.slug}.{key}={n}" for n in wanted if n not in columns]
    assert missing == []


async def test_filter_choices_are_the_tenants_own_values(
    demo: DemoInfo, engine: QueryEngine
) -> None:
    sales = next(d for d in demo.dashboards if d.slug == "sales")
    region = sales.variable("REGION")
    assert region is not None
    assert region.choices_sql is not None
    values = resolve_values(sales.variables, {"TENANT": 50})
    result = await engine.run_sql(sales.source, region.choices_sql, sales.variables, values, ttl=0)
    own = await engine.run_sql(
        sales.source,
        "SELECT region FROM orders WHERE tenant_id = 50 GROUP BY region ORDER BY region",
        (),
        {},
        ttl=0,
    )
    assert result.rows == own.rows
