import dataclasses
from collections.abc import Callable
from pathlib import Path

import pytest

from dashlet.errors import Conflict
from dashlet.spec.apply import apply_folder
from dashlet.spec.export import export_organization, placeholder_name, write_folder
from dashlet.store.dashboards import list_dashboards
from dashlet.store.database import Database
from dashlet.store.definitions import DashboardDef
from dashlet.store.organizations import OrganizationInfo
from tests.spec.folders import SpecFolder, make_spec_folder

MakeOrg = Callable[..., OrganizationInfo]

FULL_YAML = """\
slug: full
title: Every field
description: Exercises each key.
source: warehouse
cache_ttl: 60
embed: {enabled: true, allow_viewer_variables: true}
usage_key: TENANT
theme:
  --dashlet-accent: "#0f766e"
variables:
  - {name: TENANT, type: integer, hidden: true, required: true}
  - {name: REGION, label: Region, type: string, multi: true, choices: [north, south]}
  - {name: SINCE, type: date, default: 2024-01-01}
  - {name: FLAG, type: boolean, default: false}
charts:
  - slug: points
    title: Points
    type: scatter
    x: region
    y: amount
    series: region
    format: decimals:2
    width: 12
    height: 3
    cache_ttl: 0
    sql: SELECT region, amount FROM orders WHERE tenant_id = :TENANT
  - slug: rates
    title: Rates
    type: table
    columns: [region]
    shared: true
    sql: |
      SELECT region
      FROM orders
      [[ WHERE region IN :REGION ]]
"""


def comparable(dashboard: DashboardDef) -> DashboardDef:
    """The dashboard without the ids an organization gives it."""
    source = dataclasses.replace(dashboard.source, id=0, organization_id=0, url="")
    return dataclasses.replace(dashboard, id=0, organization_id=0, source=source)


def exported(db: Database, org: str, tmp_path: Path) -> SpecFolder:
    folder = make_spec_folder(tmp_path / "export")
    write_folder(export_organization(db, org, folder.path), folder.path, force=True)
    return folder


@pytest.fixture
def full_folder(sales_folder: SpecFolder) -> SpecFolder:
    sales_folder.write("dashboards/full.yaml", FULL_YAML)
    return sales_folder


def test_applying_an_export_to_the_same_organization_changes_nothing(
    db: Database, make_org: MakeOrg, full_folder: SpecFolder, tmp_path: Path
) -> None:
    org = make_org().slug
    apply_folder(db, full_folder.path, org, environ={})
    export = exported(db, org, tmp_path)
    report = apply_folder(db, export.path, org, environ={})
    assert not report.changed
    assert report.dashboards.unchanged == ("full", "sales")


def test_export_applied_to_a_fresh_organization_gives_equal_dashboards(
    db: Database, make_org: MakeOrg, full_folder: SpecFolder, tmp_path: Path
) -> None:
    first, second = make_org().slug, make_org().slug
    apply_folder(db, full_folder.path, first, environ={})
    apply_folder(db, exported(db, first, tmp_path).path, second, environ={})
    assert [comparable(d) for d in list_dashboards(db, second)] == [
        comparable(d) for d in list_dashboards(db, first)
    ]


def test_export_writes_sql_as_block_literal_and_keys_in_documented_order(
    db: Database, make_org: MakeOrg, sales_folder: SpecFolder, tmp_path: Path
) -> None:
    org = make_org().slug
    apply_folder(db, sales_folder.path, org, environ={})
    text = (exported(db, org, tmp_path).path / "dashboards/sales.yaml").read_text()
    assert text.startswith(
        "slug: sales\ntitle: Sales overview\nsource: warehouse\ncache_ttl: 120\n"
    )
    assert "    sql: |\n      SELECT region, SUM(amount) AS revenue FROM orders\n" in text
    assert "    y: [revenue]\n" in text
    assert "width: 6" not in text  # defaults are left out


def test_export_replaces_a_password_with_a_placeholder(
    db: Database, make_org: MakeOrg, folder: SpecFolder, tmp_path: Path
) -> None:
    org = make_org().slug
    folder.write(
        "sources.yaml",
        "sources:\n  - name: pg-main\n    url: postgresql+psycopg://dash:${PG}@db.internal/a\n",
    )
    apply_folder(db, folder.path, org, environ={"PG": "s3cret"})
    export = export_organization(db, org, tmp_path / "out")
    assert "s3cret" not in export.files["sources.yaml"]
    assert (
        "url: postgresql+psycopg://dash:${PG_MAIN_PASSWORD}@db.internal/a"
        in (export.files["sources.yaml"])
    )
    assert [p.name for p in export.placeholders] == ["PG_MAIN_PASSWORD"]


def test_exported_placeholder_applies_back_to_the_same_url(
    db: Database, make_org: MakeOrg, folder: SpecFolder, tmp_path: Path
) -> None:
    org = make_org().slug
    folder.write(
        "sources.yaml",
        "sources:\n  - name: pg\n    url: postgresql+psycopg://dash:${PG}@db/a\n    row_limit: 50\n",
    )
    apply_folder(db, folder.path, org, environ={"PG": "p%40ss"})
    out = tmp_path / "out"
    (out / "dashboards").mkdir(parents=True)
    write_folder(export_organization(db, org, out), out)
    report = apply_folder(db, out, org, environ={"PG_PASSWORD": "p%40ss"})
    assert report.sources.unchanged == ("pg",)


def test_a_database_file_inside_the_folder_is_written_relative(
    db: Database, make_org: MakeOrg, sales_folder: SpecFolder
) -> None:
    org = make_org().slug
    apply_folder(db, sales_folder.path, org, environ={})
    export = export_organization(db, org, sales_folder.path)
    assert "url: sqlite:///warehouse.db\n" in export.files["sources.yaml"]


def test_a_database_file_outside_the_folder_stays_absolute(
    db: Database, make_org: MakeOrg, sales_folder: SpecFolder, tmp_path: Path
) -> None:
    org = make_org().slug
    apply_folder(db, sales_folder.path, org, environ={})
    export = export_organization(db, org, tmp_path / "elsewhere")
    assert f"url: sqlite:///{sales_folder.path / 'warehouse.db'}\n" in export.files["sources.yaml"]


def test_write_refuses_to_overwrite_a_differing_file_without_force(
    db: Database, make_org: MakeOrg, sales_folder: SpecFolder
) -> None:
    org = make_org().slug
    apply_folder(db, sales_folder.path, org, environ={})
    sales_folder.edit("dashboards/sales.yaml", "Sales overview", "Edited by hand")
    export = export_organization(db, org, sales_folder.path)
    with pytest.raises(Conflict, match=r"dashboards/sales\.yaml"):
        write_folder(export, sales_folder.path)
    assert "Edited by hand" in (sales_folder.path / "dashboards/sales.yaml").read_text()


def test_write_into_an_empty_folder_then_again_reports_files_unchanged(
    db: Database, make_org: MakeOrg, sales_folder: SpecFolder, tmp_path: Path
) -> None:
    org = make_org().slug
    apply_folder(db, sales_folder.path, org, environ={})
    out = tmp_path / "out"
    export = export_organization(db, org, out)
    first = write_folder(export, out)
    again = write_folder(export, out)
    assert set(first.written) == {"sources.yaml", "dashboards/sales.yaml"}
    assert (again.written, set(again.unchanged)) == ((), {"sources.yaml", "dashboards/sales.yaml"})


def test_write_with_force_overwrites_a_differing_file(
    db: Database, make_org: MakeOrg, sales_folder: SpecFolder
) -> None:
    org = make_org().slug
    apply_folder(db, sales_folder.path, org, environ={})
    sales_folder.edit("dashboards/sales.yaml", "Sales overview", "Edited by hand")
    report = write_folder(
        export_organization(db, org, sales_folder.path), sales_folder.path, force=True
    )
    assert report.written == ("dashboards/sales.yaml",)
    assert "Sales overview" in (sales_folder.path / "dashboards/sales.yaml").read_text()


def test_placeholder_name_is_an_environment_variable_name() -> None:
    assert placeholder_name("pg-main.eu") == "PG_MAIN_EU_PASSWORD"
    assert placeholder_name("1st") == "_1ST_PASSWORD"
