import re
from pathlib import Path

import pytest

from dashlet.errors import SpecError
from dashlet.spec.loader import load_folder
from tests.spec.folders import SOURCES_YAML, SpecFolder


def problems_of(folder: SpecFolder, environ: dict[str, str] | None = None) -> list[str]:
    with pytest.raises(SpecError) as caught:
        load_folder(folder.path, environ or {})
    return [str(problem) for problem in caught.value.problems]


def dashboard(charts: str, variables: str = "", head: str = "") -> str:
    """A dashboard file: 5 header lines, then ``variables`` and ``charts`` as given."""
    return (
        f"slug: d\ntitle: D\nsource: warehouse\n{head or 'cache_ttl: 60'}\n"
        f"variables:{variables.rstrip() or ' []'}\ncharts:\n{charts}"
    )


def test_a_valid_folder_loads_every_dashboard_with_its_encoding(sales_folder: SpecFolder) -> None:
    loaded = load_folder(sales_folder.path, {})
    (sales,) = loaded.dashboards
    assert sales.file == "dashboards/sales.yaml"
    assert sales.definition.cache_ttl == 120
    assert [c.slug for c in sales.definition.charts] == ["revenue_by_region", "order_count"]
    assert sales.definition.charts[0].encoding == {"x": "region", "y": ["revenue"]}
    assert sales.definition.charts[1].width == 3
    assert sales.definition.embed.enabled is True
    assert loaded.sources[0].url == f"sqlite:///{sales_folder.path.resolve() / 'warehouse.db'}"


def test_schema_problems_name_file_line_and_field(folder: SpecFolder) -> None:
    folder.write("sources.yaml", SOURCES_YAML)
    folder.write(
        "dashboards/d.yaml",
        dashboard(
            "  - slug: a\n"  # line 7
            "    title: A\n"
            "    type: donut\n"  # line 9
            "    sql: SELECT 1\n"
            "  - slug: b\n"  # line 11
            "    titel: B\n"  # line 12
            "    type: table\n"
            "    sql: SELECT 1\n"
            "    width: 13\n"  # line 15
        ),
    )
    assert problems_of(folder) == [
        "dashboards/d.yaml:9: charts[0].type: Must be 'table', 'number', 'bar', 'line', 'area', "
        "'pie' or 'scatter'.",
        "dashboards/d.yaml:11: charts[1].title: This field is required.",
        "dashboards/d.yaml:12: charts[1].titel: Unknown field. Did you mean 'title'?",
        "dashboards/d.yaml:15: charts[1].width: Must be less than or equal to 12.",
    ]


def test_problems_in_every_file_are_reported_together(folder: SpecFolder) -> None:
    folder.write("sources.yaml", "sources:\n  - name: warehouse\n    url: sqlite:///${DB_FILE}\n")
    folder.write("dashboards/a.yaml", "slug: a\ntitle: A\nsource: nowhere\n")
    folder.write("dashboards/b.yaml", "slug: b\ntitle: [B\n")
    assert problems_of(folder) == [
        "sources.yaml:3: sources[0].url: The environment variable DB_FILE is not set.",
        "dashboards/a.yaml:3: source: sources.yaml has no source 'nowhere' (it has warehouse).",
        "dashboards/b.yaml:3: YAML syntax error: Expected ',' or ']', but got '<stream end>'.",
    ]


def test_sql_errors_point_at_the_line_inside_the_yaml_file(folder: SpecFolder) -> None:
    folder.write("sources.yaml", SOURCES_YAML)
    folder.write(
        "dashboards/d.yaml",
        dashboard(
            "  - slug: a\n"  # line 7
            "    title: A\n"
            "    type: table\n"
            "    sql: |\n"  # line 10
            "      SELECT 1\n"
            "      FROM t\n"
            "      WHERE name = 'unclosed\n"  # line 13
        ),
    )
    assert problems_of(folder) == [
        "dashboards/d.yaml:13: charts[0].sql: This string literal is never closed "
        "(line 3 of the SQL, column 14).",
    ]


def test_a_sql_file_is_read_beside_the_yaml_file(folder: SpecFolder) -> None:
    folder.write("sources.yaml", SOURCES_YAML)
    folder.write("dashboards/totals.sql", "SELECT COUNT(*) AS n FROM orders\n")
    folder.write(
        "dashboards/d.yaml",
        dashboard("  - {slug: a, title: A, type: number, value: n, sql_file: totals.sql}\n"),
    )
    (loaded,) = load_folder(folder.path, {}).dashboards
    assert loaded.definition.charts[0].sql == "SELECT COUNT(*) AS n FROM orders"


def test_sql_file_errors_name_the_sql_file_and_its_line(folder: SpecFolder) -> None:
    folder.write("sources.yaml", SOURCES_YAML)
    folder.write("sql/broken.sql", "SELECT 1\nFROM t\n]]\n")
    folder.write(
        "dashboards/d.yaml",
        dashboard("  - {slug: a, title: A, type: table, sql_file: ../sql/broken.sql}\n"),
    )
    assert problems_of(folder) == [
        "sql/broken.sql:3: charts[0].sql_file: This ]] closes no [[ (line 3 of the SQL, column 1).",
    ]


@pytest.mark.parametrize(
    ("sql_file", "message"),
    [
        ("../../outside.sql", "'../../outside.sql' is outside the applied folder."),
        ("/etc/passwd.sql", "'/etc/passwd.sql' is outside the applied folder."),
        ("notes.txt", "'notes.txt' is not a .sql file."),
        ("missing.sql", "There is no file dashboards/missing.sql."),
    ],
)
def test_sql_file_must_be_a_sql_file_inside_the_folder(
    folder: SpecFolder, sql_file: str, message: str
) -> None:
    folder.write("sources.yaml", SOURCES_YAML)
    (folder.path.parent / "outside.sql").write_text("SELECT 1")
    folder.write(
        "dashboards/d.yaml",
        dashboard(f"  - {{slug: a, title: A, type: table, sql_file: {sql_file}}}\n"),
    )
    assert problems_of(folder) == [f"dashboards/d.yaml:7: charts[0].sql_file: {message}"]


def test_a_symlink_cannot_lead_a_sql_file_out_of_the_folder(
    folder: SpecFolder, tmp_path: Path
) -> None:
    folder.write("sources.yaml", SOURCES_YAML)
    (tmp_path / "secret.sql").write_text("SELECT 1")
    (folder.path / "dashboards" / "link.sql").symlink_to(tmp_path / "secret.sql")
    folder.write(
        "dashboards/d.yaml", dashboard("  - {slug: a, title: A, type: table, sql_file: link.sql}\n")
    )
    assert problems_of(folder) == [
        "dashboards/d.yaml:7: charts[0].sql_file: 'link.sql' is outside the applied folder."
    ]


def test_sql_and_sql_file_exclude_each_other(folder: SpecFolder) -> None:
    folder.write("sources.yaml", SOURCES_YAML)
    folder.write(
        "dashboards/d.yaml",
        dashboard(
            "  - {slug: a, title: A, type: table}\n  - {slug: b, title: B, type: table, sql: SELECT 1, sql_file: b.sql}\n"
        ),
    )
    assert problems_of(folder) == [
        "dashboards/d.yaml:7: charts[0]: A chart needs sql, or sql_file naming a .sql file beside this one.",
        "dashboards/d.yaml:8: charts[1].sql_file: Give sql or sql_file, not both.",
    ]


def test_binds_must_name_declared_variables(folder: SpecFolder) -> None:
    folder.write("sources.yaml", SOURCES_YAML)
    folder.write(
        "dashboards/d.yaml",
        dashboard(
            "  - {slug: a, title: A, type: table, sql: 'SELECT * FROM t WHERE r = :REGIONS'}\n",
            variables="\n  - {name: REGION, type: string}\n"
            "  - {name: CITY, type: string, choices_sql: 'SELECT c FROM t WHERE r = :REGON'}\n",
        ),
    )
    assert problems_of(folder) == [
        "dashboards/d.yaml:7: variables[1].choices_sql: The SQL uses :REGON, which is not a "
        "variable of this dashboard (its variables are CITY, REGION).",
        "dashboards/d.yaml:9: charts[0].sql: The SQL uses :REGIONS, which is not a variable of "
        "this dashboard (its variables are CITY, REGION).",
    ]


def test_defaults_and_choices_must_fit_the_variable_type(folder: SpecFolder) -> None:
    folder.write("sources.yaml", SOURCES_YAML)
    folder.write(
        "dashboards/d.yaml",
        dashboard(
            "  - {slug: a, title: A, type: table, sql: SELECT 1}\n",
            variables="\n"
            "  - {name: SINCE, type: date, default: 2024-02-30}\n"  # line 6
            "  - {name: N, type: integer, default: 5, choices: [1, 2, many]}\n"  # line 7
            "  - {name: TAGS, type: string, multi: true, default: [a, b]}\n"
            "  - {name: C, type: string, choices: [a], choices_sql: SELECT 1}\n",  # line 9
        ),
    )
    assert problems_of(folder) == [
        "dashboards/d.yaml:6: variables[0].default: Variable SINCE must be a date written "
        "YYYY-MM-DD, not '2024-02-30'.",
        "dashboards/d.yaml:7: variables[1].choices[2]: Variable N must be a whole number between "
        "-2^63 and 2^63-1, not 'many'.",
        "dashboards/d.yaml:9: variables[3].choices_sql: Give choices or choices_sql, not both.",
    ]


def test_usage_key_must_name_a_declared_variable(folder: SpecFolder) -> None:
    folder.write("sources.yaml", SOURCES_YAML)
    folder.write(
        "dashboards/d.yaml",
        dashboard(
            "  - {slug: a, title: A, type: table, sql: SELECT 1}\n", head="usage_key: TENANT"
        ),
    )
    assert problems_of(folder) == [
        "dashboards/d.yaml:4: usage_key: 'TENANT' is not a variable of this dashboard."
    ]


def test_duplicate_slugs_and_names_are_refused(folder: SpecFolder) -> None:
    folder.write("sources.yaml", SOURCES_YAML)
    chart = "  - {slug: a, title: A, type: table, sql: SELECT 1}\n"
    folder.write(
        "dashboards/d.yaml",
        dashboard(
            chart + chart, variables="\n  - {name: X, type: string}\n  - {name: X, type: integer}\n"
        ),
    )
    folder.write("dashboards/e.yaml", dashboard(chart))
    assert problems_of(folder) == [
        "dashboards/d.yaml:7: variables[1].name: 'X' is used above in this file.",
        "dashboards/d.yaml:10: charts[1].slug: 'a' is used above in this file.",
        "dashboards/e.yaml:1: slug: dashboards/d.yaml has this slug too.",
    ]


def test_a_key_written_twice_is_refused(folder: SpecFolder) -> None:
    folder.write("sources.yaml", SOURCES_YAML)
    folder.write(
        "dashboards/d.yaml",
        dashboard("  - {slug: a, title: A, type: table, sql: SELECT 1}\n") + "title: Again\n",
    )
    assert problems_of(folder) == [
        "dashboards/d.yaml:8: title: This key is given twice; remove one of them."
    ]


def test_a_folder_without_sources_or_dashboards_says_so(folder: SpecFolder) -> None:
    (folder.path / "dashboards").rmdir()
    assert problems_of(folder) == [
        "sources.yaml: The folder needs a sources.yaml file.",
        "dashboards: The folder needs a dashboards/ folder holding one YAML file per dashboard.",
    ]


def test_fail_closed_tenancy_is_checked_when_the_file_turns_embedding_on(
    sales_folder: SpecFolder,
) -> None:
    sales_folder.edit(
        "dashboards/sales.yaml",
        "sql: SELECT COUNT(*) AS n FROM orders WHERE tenant_id = :TENANT",
        "sql: SELECT COUNT(*) AS n FROM orders",
    )
    (problem,) = problems_of(sales_folder)
    assert problem.startswith(
        "dashboards/sales.yaml:27: charts[1].sql: Chart 'order_count' does not filter"
    )


def test_a_shared_chart_passes_the_tenancy_rule(sales_folder: SpecFolder) -> None:
    sales_folder.edit(
        "dashboards/sales.yaml",
        "sql: SELECT COUNT(*) AS n FROM orders WHERE tenant_id = :TENANT",
        "shared: true\n    sql: SELECT COUNT(*) AS n FROM orders",
    )
    (loaded,) = load_folder(sales_folder.path, {}).dashboards
    assert loaded.definition.charts[1].shared is True


def test_a_dropdown_listing_every_tenant_is_refused(sales_folder: SpecFolder) -> None:
    sales_folder.edit(
        "dashboards/sales.yaml",
        "choices_sql: SELECT DISTINCT region FROM orders WHERE tenant_id = :TENANT",
        "choices_sql: SELECT DISTINCT region FROM orders",
    )
    (problem,) = problems_of(sales_folder)
    assert problem.startswith(
        "dashboards/sales.yaml:11: variables[1].choices_sql: The choices_sql of variable REGION "
        "does not filter by a hidden variable (:TENANT)"
    )


def test_the_documented_example_folder_loads(folder: SpecFolder) -> None:
    docs = Path(__file__).parents[2] / "docs" / "dashboards-as-code.md"
    blocks = re.findall(r"```yaml\n(.*?)```", docs.read_text(), re.DOTALL)
    sources = next(b for b in blocks if b.startswith("sources:"))
    sales = next(b for b in blocks if b.startswith("slug: sales"))
    folder.write("sources.yaml", sources)
    folder.write("dashboards/sales.yaml", sales)
    folder.write(
        "dashboards/top_customers.sql",
        "SELECT customer, SUM(amount) AS revenue\nFROM orders WHERE tenant_id = :TENANT GROUP BY 1\n",
    )
    loaded = load_folder(folder.path, {"PG_PASSWORD": "pw"})
    assert [s.name for s in loaded.sources] == ["warehouse", "postgres"]
    (dashboard,) = loaded.dashboards
    assert [c.slug for c in dashboard.definition.charts] == [
        "revenue_by_region",
        "orders",
        "top_customers",
        "exchange_rates",
    ]


def test_a_source_must_be_declared_even_when_sources_yaml_is_empty(folder: SpecFolder) -> None:
    folder.write("sources.yaml", "sources: []\n")
    folder.write(
        "dashboards/d.yaml", dashboard("  - {slug: a, title: A, type: table, sql: SELECT 1}\n")
    )
    assert problems_of(folder) == [
        "dashboards/d.yaml:3: source: sources.yaml has no source 'warehouse' (it has none)."
    ]


def test_a_missing_folder_is_one_problem(tmp_path: Path) -> None:
    with pytest.raises(SpecError) as caught:
        load_folder(tmp_path / "nowhere", {})
    assert [str(p) for p in caught.value.problems] == [
        f"{tmp_path.resolve() / 'nowhere'}: There is no such folder."
    ]
