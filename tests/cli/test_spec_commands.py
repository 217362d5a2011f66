import json
from pathlib import Path

import pytest

from tests.cli.conftest import RunDashlet
from tests.spec.folders import SALES_YAML, SOURCES_YAML, SpecFolder, make_spec_folder

UNFILTERED_COUNT = "sql: SELECT COUNT(*) AS n FROM orders\n"
FILTERED_COUNT = "sql: SELECT COUNT(*) AS n FROM orders WHERE tenant_id = :TENANT\n"


@pytest.fixture
def sales_folder(tmp_path: Path) -> SpecFolder:
    folder = make_spec_folder(tmp_path / "spec")
    folder.write("sources.yaml", SOURCES_YAML)
    folder.write("dashboards/sales.yaml", SALES_YAML)
    return folder


@pytest.fixture
def acme(run_dashlet: RunDashlet) -> str:
    assert run_dashlet("org", "create", "acme").exit_code == 0
    return "acme"


def test_apply_prints_a_summary(
    run_dashlet: RunDashlet, acme: str, sales_folder: SpecFolder
) -> None:
    result = run_dashlet("apply", str(sales_folder.path), "--org", acme)
    assert result.exit_code == 0
    assert result.stdout.splitlines()[1:] == [
        "  sources: 1 created (warehouse), 0 updated, 0 unchanged",
        "  dashboards: 1 created (sales), 0 updated, 0 unchanged",
    ]


def test_apply_again_says_nothing_changed(
    run_dashlet: RunDashlet, acme: str, sales_folder: SpecFolder
) -> None:
    run_dashlet("apply", str(sales_folder.path), "--org", acme)
    result = run_dashlet("apply", str(sales_folder.path), "--org", acme)
    assert result.stdout.splitlines()[-1] == "  Nothing changed."


def test_apply_prints_every_problem_with_file_line_and_field(
    run_dashlet: RunDashlet, acme: str, sales_folder: SpecFolder
) -> None:
    sales_folder.edit("dashboards/sales.yaml", "type: bar", "type: donut")
    sales_folder.edit("dashboards/sales.yaml", "width: 3", "width: 30")
    result = run_dashlet("apply", str(sales_folder.path), "--org", acme)
    assert result.exit_code == 1
    assert result.stdout == ""
    sales = Path(sales_folder.path, "dashboards/sales.yaml")
    assert result.stderr.splitlines() == [
        f"{sales}:15: charts[0].type: Must be 'table', 'number', 'bar', 'line', 'area', 'pie' or 'scatter'.",
        f"{sales}:26: charts[1].width: Must be less than or equal to 12.",
        "Error: 2 problems found; nothing was applied.",
    ]


def test_apply_reads_source_urls_from_the_environment(
    run_dashlet: RunDashlet, acme: str, sales_folder: SpecFolder, monkeypatch: pytest.MonkeyPatch
) -> None:
    sales_folder.write(
        "sources.yaml", "sources:\n  - name: warehouse\n    url: sqlite:///${WAREHOUSE_FILE}\n"
    )
    missing = run_dashlet("apply", str(sales_folder.path), "--org", acme)
    assert missing.stderr.splitlines()[0].endswith(
        "sources.yaml:3: sources[0].url: The environment variable WAREHOUSE_FILE is not set."
    )
    monkeypatch.setenv("WAREHOUSE_FILE", "warehouse.db")
    assert run_dashlet("apply", str(sales_folder.path), "--org", acme).exit_code == 0


def test_apply_to_an_unknown_organization_fails_in_one_line(
    run_dashlet: RunDashlet, sales_folder: SpecFolder
) -> None:
    result = run_dashlet("apply", str(sales_folder.path), "--org", "ghost")
    assert (result.exit_code, result.stderr) == (1, "Error: There is no organization 'ghost'.\n")


def test_dashboards_list_json_has_the_contract_shape(
    run_dashlet: RunDashlet, acme: str, sales_folder: SpecFolder
) -> None:
    run_dashlet("apply", str(sales_folder.path), "--org", acme)
    result = run_dashlet("dashboards", "list", "--org", acme, "--json")
    assert result.exit_code == 0
    (listed,) = json.loads(result.stdout)
    assert isinstance(listed.pop("id"), int)
    # The CONTRACT's keys, exactly; further keys may only be added.
    sales = {key: listed[key] for key in ("slug", "title", "variables", "embed", "charts")}
    sales["embed"] = {k: listed["embed"][k] for k in ("enabled", "allow_viewer_variables")}
    assert sales == {
        "slug": "sales",
        "title": "Sales overview",
        "variables": [
            {"name": "TENANT", "type": "integer", "hidden": True, "required": True, "multi": False},
            {"name": "REGION", "type": "string", "hidden": False, "required": False, "multi": True},
        ],
        "embed": {"enabled": True, "allow_viewer_variables": False},
        "charts": [
            {"slug": "revenue_by_region", "title": "Revenue by region", "type": "bar"},
            {"slug": "order_count", "title": "Orders", "type": "number"},
        ],
    }


def test_dashboards_list_prints_one_line_per_dashboard(
    run_dashlet: RunDashlet, acme: str, sales_folder: SpecFolder
) -> None:
    run_dashlet("apply", str(sales_folder.path), "--org", acme)
    lines = run_dashlet("dashboards", "list", "--org", acme).stdout.splitlines()
    assert len(lines) == 1
    assert "sales" in lines[0]
    assert "2 charts, embedding on" in lines[0]


def test_embed_enable_refuses_a_chart_that_would_show_every_tenant(
    run_dashlet: RunDashlet, acme: str, sales_folder: SpecFolder
) -> None:
    sales_folder.edit("dashboards/sales.yaml", "embed: {enabled: true}\n", "")
    sales_folder.edit("dashboards/sales.yaml", FILTERED_COUNT, UNFILTERED_COUNT)
    assert run_dashlet("apply", str(sales_folder.path), "--org", acme).exit_code == 0
    result = run_dashlet("embed", "enable", "--org", acme, "--dashboard", "sales")
    assert result.exit_code == 1
    assert result.stderr.startswith(
        "Error: Embedding stays off for 'sales': Chart 'order_count' does not filter by a hidden variable"
    )
    shown = json.loads(run_dashlet("dashboards", "list", "--org", acme, "--json").stdout)
    assert shown[0]["embed"]["enabled"] is False


def test_embed_enable_and_disable(
    run_dashlet: RunDashlet, acme: str, sales_folder: SpecFolder
) -> None:
    sales_folder.edit("dashboards/sales.yaml", "embed: {enabled: true}\n", "")
    run_dashlet("apply", str(sales_folder.path), "--org", acme)
    enabled = run_dashlet(
        "embed", "enable", "--org", acme, "--dashboard", "sales", "--allow-viewer-variables"
    )
    assert enabled.exit_code == 0
    assert enabled.stdout.splitlines() == [
        "Embedding is on for 'sales' (viewers may set its variables).",
        "  chart revenue_by_region: filtered by TENANT",
        "  chart order_count: filtered by TENANT",
        "  REGION choices: filtered by TENANT",
    ]
    shown = json.loads(run_dashlet("dashboards", "list", "--org", acme, "--json").stdout)
    assert shown[0]["embed"] | {"allow_csv": False} == {
        "enabled": True,
        "allow_viewer_variables": True,
        "allow_csv": False,
    }
    disabled = run_dashlet("embed", "disable", "--org", acme, "--dashboard", "sales")
    assert disabled.stdout == "Embedding is off for 'sales'.\n"
    shown = json.loads(run_dashlet("dashboards", "list", "--org", acme, "--json").stdout)
    assert shown[0]["embed"]["enabled"] is False
    assert shown[0]["embed"]["allow_viewer_variables"] is True


def test_embed_enable_of_an_unknown_dashboard_fails_in_one_line(
    run_dashlet: RunDashlet, acme: str
) -> None:
    result = run_dashlet("embed", "enable", "--org", acme, "--dashboard", "ghost")
    assert (result.exit_code, result.stderr) == (
        1,
        "Error: Organization 'acme' has no dashboard 'ghost'.\n",
    )


def test_dashboards_delete_asks_first_then_deletes(
    run_dashlet: RunDashlet, acme: str, sales_folder: SpecFolder
) -> None:
    run_dashlet("apply", str(sales_folder.path), "--org", acme)
    kept = run_dashlet("dashboards", "delete", "sales", "--org", acme, input="n\n")
    assert kept.exit_code == 1
    assert "sales" in run_dashlet("dashboards", "list", "--org", acme).stdout
    deleted = run_dashlet("dashboards", "delete", "sales", "--org", acme, "--yes")
    assert deleted.exit_code == 0
    assert "Deleted dashboard 'sales'" in deleted.stdout
    assert "no dashboards yet" in run_dashlet("dashboards", "list", "--org", acme).stdout
