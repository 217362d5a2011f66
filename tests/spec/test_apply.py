from collections.abc import Callable

import duckdb
import pytest
from sqlalchemy import create_engine, func, select, text

from dashlet.errors import NotFound, SpecError
from dashlet.spec.apply import apply_folder
from dashlet.store.dashboards import get_dashboard, list_dashboards, set_embed_settings
from dashlet.store.database import Database
from dashlet.store.models import Chart, Dashboard, DataSource
from dashlet.store.organizations import OrganizationInfo, create_organization
from tests.spec.folders import SpecFolder

MakeOrg = Callable[..., OrganizationInfo]

TENANT_FILTER = "sql: SELECT COUNT(*) AS n FROM orders WHERE tenant_id = :TENANT"


def stored_source(db: Database) -> DataSource:
    with db.session() as session:
        return session.scalars(select(DataSource)).one()


def test_first_apply_creates_sources_and_dashboards(
    db: Database, make_org: MakeOrg, sales_folder: SpecFolder
) -> None:
    org = make_org()
    report = apply_folder(db, sales_folder.path, org.slug, environ={})
    assert (report.sources.created, report.dashboards.created) == (("warehouse",), ("sales",))
    sales = get_dashboard(db, org.slug, "sales")
    assert sales.version == 1
    assert sales.embed.enabled is True
    assert [v.name for v in sales.variables] == ["TENANT", "REGION"]
    assert (
        sales.variables[1].choices_sql
        == "SELECT DISTINCT region FROM orders WHERE tenant_id = :TENANT"
    )
    assert [(c.slug, c.type, dict(c.encoding)) for c in sales.charts] == [
        ("revenue_by_region", "bar", {"x": "region", "y": ["revenue"]}),
        ("order_count", "number", {"value": "n"}),
    ]


def test_source_urls_are_stored_encrypted_with_a_masked_display_copy(
    db: Database, make_org: MakeOrg, folder: SpecFolder
) -> None:
    folder.write(
        "sources.yaml",
        "sources:\n  - name: pg\n    url: postgresql://app:${PGPASS}@db.internal/sales\n",
    )
    apply_folder(db, folder.path, make_org().slug, environ={"PGPASS": "s3cret-pw"})
    source = stored_source(db)
    assert "s3cret-pw" not in source.url
    assert db.box.decrypt(source.url) == "postgresql://app:s3cret-pw@db.internal/sales"
    assert source.display_url == "postgresql://app:***@db.internal/sales"


def test_a_missing_environment_variable_stops_the_apply(
    db: Database, make_org: MakeOrg, folder: SpecFolder
) -> None:
    folder.write(
        "sources.yaml", "sources:\n  - name: pg\n    url: postgresql://app:${PGPASS}@db/sales\n"
    )
    with pytest.raises(SpecError, match="The environment variable PGPASS is not set"):
        apply_folder(db, folder.path, make_org().slug, environ={})


def test_a_relative_sqlite_path_is_stored_absolute_and_answers_queries(
    db: Database, make_org: MakeOrg, sales_folder: SpecFolder
) -> None:
    org = make_org()
    apply_folder(db, sales_folder.path, org.slug, environ={})
    url = get_dashboard(db, org.slug, "sales").source.url
    assert url == f"sqlite:///{sales_folder.path.resolve() / 'warehouse.db'}"
    engine = create_engine(url)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT COUNT(*) FROM orders")).scalar() == 3
    engine.dispose()


def dashboard_rows(db: Database) -> list[Dashboard]:
    with db.session() as session:
        return list(session.scalars(select(Dashboard).order_by(Dashboard.slug)))


def chart_ids(db: Database) -> dict[str, int]:
    with db.session() as session:
        return {row.slug: row.id for row in session.execute(select(Chart.slug, Chart.id))}


def test_reapplying_the_same_folder_changes_nothing(
    db: Database, make_org: MakeOrg, sales_folder: SpecFolder
) -> None:
    org = make_org()
    apply_folder(db, sales_folder.path, org.slug, environ={})
    before = get_dashboard(db, org.slug, "sales")
    (row,) = dashboard_rows(db)
    ids = chart_ids(db)
    report = apply_folder(db, sales_folder.path, org.slug, environ={})
    assert not report.changed
    assert (report.sources.unchanged, report.dashboards.unchanged) == (("warehouse",), ("sales",))
    assert "Nothing changed." in report.summary()
    assert get_dashboard(db, org.slug, "sales") == before
    assert (before.version, before.source.version) == (1, 1)
    assert dashboard_rows(db)[0].updated_at == row.updated_at
    assert chart_ids(db) == ids


def test_a_changed_field_updates_the_dashboard_and_bumps_its_version(
    db: Database, make_org: MakeOrg, sales_folder: SpecFolder
) -> None:
    org = make_org()
    apply_folder(db, sales_folder.path, org.slug, environ={})
    (before,) = dashboard_rows(db)
    sales_folder.edit("dashboards/sales.yaml", "title: Sales overview", "title: Sales at a glance")
    report = apply_folder(db, sales_folder.path, org.slug, environ={})
    (after,) = dashboard_rows(db)
    assert report.dashboards.updated == ("sales",)
    assert (after.title, after.version) == ("Sales at a glance", 2)
    assert after.updated_at > before.updated_at


def test_charts_missing_from_the_file_are_removed(
    db: Database, make_org: MakeOrg, sales_folder: SpecFolder
) -> None:
    org = make_org()
    apply_folder(db, sales_folder.path, org.slug, environ={})
    text_ = (sales_folder.path / "dashboards/sales.yaml").read_text()
    (sales_folder.path / "dashboards/sales.yaml").write_text(
        text_.split("  - slug: order_count")[0]
    )
    apply_folder(db, sales_folder.path, org.slug, environ={})
    sales = get_dashboard(db, org.slug, "sales")
    assert [c.slug for c in sales.charts] == ["revenue_by_region"]
    assert sales.version == 2
    with db.session() as session:
        assert session.scalars(select(func.count(Chart.id))).one() == 1


def test_variables_missing_from_the_file_are_removed(
    db: Database, make_org: MakeOrg, sales_folder: SpecFolder
) -> None:
    org = make_org()
    sales_folder.edit("dashboards/sales.yaml", "[[ AND region IN :REGION ]]", "")
    apply_folder(db, sales_folder.path, org.slug, environ={})
    path = sales_folder.path / "dashboards/sales.yaml"
    head, rest = path.read_text().split("  - name: REGION\n")
    path.write_text(head + rest[rest.index("charts:") :])
    apply_folder(db, sales_folder.path, org.slug, environ={})
    assert [v.name for v in get_dashboard(db, org.slug, "sales").variables] == ["TENANT"]


def test_reordered_charts_keep_their_rows_and_take_the_new_order(
    db: Database, make_org: MakeOrg, sales_folder: SpecFolder
) -> None:
    org = make_org()
    apply_folder(db, sales_folder.path, org.slug, environ={})
    ids = chart_ids(db)
    path = sales_folder.path / "dashboards/sales.yaml"
    head, charts = path.read_text().split("charts:\n")
    first, second = charts.split("  - slug: order_count\n")
    path.write_text(f"{head}charts:\n  - slug: order_count\n{second}{first}")
    report = apply_folder(db, sales_folder.path, org.slug, environ={})
    sales = get_dashboard(db, org.slug, "sales")
    assert report.dashboards.updated == ("sales",)
    assert [c.slug for c in sales.charts] == ["order_count", "revenue_by_region"]
    assert chart_ids(db) == ids


def test_a_changed_source_url_bumps_the_source_version_only(
    db: Database, make_org: MakeOrg, sales_folder: SpecFolder
) -> None:
    org = make_org()
    apply_folder(db, sales_folder.path, org.slug, environ={})
    (sales_folder.path / "other.db").write_bytes((sales_folder.path / "warehouse.db").read_bytes())
    sales_folder.edit("sources.yaml", "warehouse.db", "other.db")
    report = apply_folder(db, sales_folder.path, org.slug, environ={})
    assert (report.sources.updated, report.dashboards.unchanged) == (("warehouse",), ("sales",))
    sales = get_dashboard(db, org.slug, "sales")
    assert (sales.source.version, sales.version) == (2, 1)
    assert sales.source.url.endswith("/other.db")


def test_a_failing_folder_leaves_the_store_unchanged(
    db: Database, make_org: MakeOrg, sales_folder: SpecFolder
) -> None:
    org = make_org()
    apply_folder(db, sales_folder.path, org.slug, environ={})
    before = get_dashboard(db, org.slug, "sales")
    sales_folder.edit("dashboards/sales.yaml", "title: Sales overview", "title: Renamed")
    sales_folder.edit("sources.yaml", "warehouse.db", "renamed.db")
    sales_folder.write(
        "dashboards/ops.yaml",
        "slug: ops\ntitle: Ops\nsource: warehouse\ncharts:\n  - {slug: a, title: A, type: table, sql: 'SELECT :NOPE'}\n",
    )
    with pytest.raises(SpecError) as caught:
        apply_folder(db, sales_folder.path, org.slug, environ={})
    assert [p.file for p in caught.value.problems] == ["dashboards/ops.yaml"]
    assert get_dashboard(db, org.slug, "sales") == before
    assert [d.slug for d in list_dashboards(db, org.slug)] == ["sales"]


def test_a_tenancy_refusal_writes_nothing_at_all(
    db: Database, make_org: MakeOrg, sales_folder: SpecFolder
) -> None:
    org = make_org()
    sales_folder.edit(
        "dashboards/sales.yaml", TENANT_FILTER, "sql: SELECT COUNT(*) AS n FROM orders"
    )
    with pytest.raises(SpecError):
        apply_folder(db, sales_folder.path, org.slug, environ={})
    assert list_dashboards(db, org.slug) == []
    with db.session() as session:
        assert session.scalars(select(func.count(DataSource.id))).one() == 0


def test_a_file_without_embed_keeps_the_owners_embed_settings(
    db: Database, make_org: MakeOrg, sales_folder: SpecFolder
) -> None:
    org = make_org()
    sales_folder.edit("dashboards/sales.yaml", "embed: {enabled: true}\n", "")
    apply_folder(db, sales_folder.path, org.slug, environ={})
    assert get_dashboard(db, org.slug, "sales").embed.enabled is False
    set_embed_settings(db, org.slug, "sales", enabled=True, allow_viewer_variables=True)
    report = apply_folder(db, sales_folder.path, org.slug, environ={})
    sales = get_dashboard(db, org.slug, "sales")
    assert report.dashboards.unchanged == ("sales",)
    assert (sales.embed.enabled, sales.embed.allow_viewer_variables) == (True, True)


def test_tenancy_is_checked_against_embedding_turned_on_outside_the_file(
    db: Database, make_org: MakeOrg, sales_folder: SpecFolder
) -> None:
    org = make_org()
    sales_folder.edit("dashboards/sales.yaml", "embed: {enabled: true}\n", "")
    apply_folder(db, sales_folder.path, org.slug, environ={})
    set_embed_settings(db, org.slug, "sales", enabled=True, allow_viewer_variables=False)
    sales_folder.edit(
        "dashboards/sales.yaml", TENANT_FILTER, "sql: SELECT COUNT(*) AS n FROM orders"
    )
    with pytest.raises(SpecError) as caught:
        apply_folder(db, sales_folder.path, org.slug, environ={})
    (problem,) = caught.value.problems
    assert (problem.file, problem.line, problem.field) == (
        "dashboards/sales.yaml",
        26,
        "charts[1].sql",
    )
    assert problem.message.endswith("(Embedding was turned on outside this file.)")


def test_dashboards_missing_from_the_folder_are_left_alone(
    db: Database, make_org: MakeOrg, sales_folder: SpecFolder
) -> None:
    org = make_org()
    sales_folder.write("dashboards/ops.yaml", "slug: ops\ntitle: Ops\nsource: warehouse\n")
    apply_folder(db, sales_folder.path, org.slug, environ={})
    (sales_folder.path / "dashboards/ops.yaml").unlink()
    report = apply_folder(db, sales_folder.path, org.slug, environ={})
    assert report.left_alone == ("ops",)
    assert "left alone (stored, not in this folder): ops" in report.summary()
    assert [d.slug for d in list_dashboards(db, org.slug)] == ["ops", "sales"]


def test_an_unknown_organization_is_not_found(db: Database, sales_folder: SpecFolder) -> None:
    with pytest.raises(NotFound):
        apply_folder(db, sales_folder.path, "ghost", environ={})


def test_apply_round_trips_on_every_metadata_backend(
    any_db: Database, sales_folder: SpecFolder
) -> None:
    org = create_organization(any_db, "acme")
    apply_folder(any_db, sales_folder.path, org.slug, environ={})
    before = get_dashboard(any_db, org.slug, "sales")
    report = apply_folder(any_db, sales_folder.path, org.slug, environ={})
    assert not report.changed
    assert get_dashboard(any_db, org.slug, "sales") == before


SPEC_SOURCES = """\
# sources.yaml: ${NAME} takes an environment variable; relative sqlite/duckdb paths are relative to DIR
sources:
  - name: warehouse
    url: duckdb:///warehouse.duckdb
"""

SPEC_SALES = """\
# dashboards/sales.yaml
slug: sales
title: Sales overview
source: warehouse
cache_ttl: 300                 # seconds, 0 = no cache; a chart may override
embed: {enabled: true, allow_viewer_variables: false}
variables:
  - {name: TENANT, type: integer, hidden: true, required: true}
  - {name: REGION, type: string, multi: true}       # string | integer | number | boolean | date | datetime
charts:
  - slug: revenue_by_region
    title: Revenue by region
    type: bar                  # table | number | bar | line | area | pie | scatter
    x: region
    y: [revenue]
    width: 6                   # of 12 grid columns
    sql: |
      SELECT region, SUM(amount) AS revenue FROM orders
      WHERE tenant_id = :TENANT [[ AND region IN :REGION ]]
      GROUP BY region ORDER BY revenue DESC
"""


def test_the_specs_example_applies_with_a_duckdb_warehouse(
    db: Database, make_org: MakeOrg, folder: SpecFolder
) -> None:
    connection = duckdb.connect(str(folder.path / "warehouse.duckdb"))
    connection.execute("CREATE TABLE orders (tenant_id INTEGER, region VARCHAR, amount DOUBLE)")
    connection.close()
    folder.write("sources.yaml", SPEC_SOURCES)
    folder.write("dashboards/sales.yaml", SPEC_SALES)
    org = make_org()
    report = apply_folder(db, folder.path, org.slug, environ={})
    assert report.dashboards.created == ("sales",)
    sales = get_dashboard(db, org.slug, "sales")
    assert sales.source.url == f"duckdb:///{folder.path.resolve() / 'warehouse.duckdb'}"
    assert (sales.cache_ttl, sales.embed.enabled, sales.charts[0].width) == (300, True, 6)
