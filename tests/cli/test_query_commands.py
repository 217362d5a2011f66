from pathlib import Path

import pytest

from tests.cli.conftest import RunDashlet
from tests.web.conftest import write_workspace


@pytest.fixture
def acme(run_dashlet: RunDashlet, tmp_path: Path) -> RunDashlet:
    run_dashlet("org", "create", "acme")
    assert (
        run_dashlet("apply", str(write_workspace(tmp_path / "ws")), "--org", "acme").exit_code == 0
    )
    return run_dashlet


def test_query_prints_the_rows_with_timing_and_cache_status(acme: RunDashlet) -> None:
    result = acme(
        "query",
        "--org",
        "acme",
        "--dashboard",
        "sales",
        "--chart",
        "by_region",
        "--var",
        "TENANT=2",
    )
    assert result.exit_code == 0, result.output
    assert "east" in result.stdout
    assert "west" in result.stdout
    assert "north" not in result.stdout
    assert "2 rows" in result.stdout
    assert "cache miss" in result.stdout


def test_query_takes_repeated_values_for_a_multi_variable(acme: RunDashlet) -> None:
    result = acme(
        "query",
        "--org",
        "acme",
        "--dashboard",
        "sales",
        "--chart",
        "by_region",
        "--var",
        "TENANT=1",
        "--var",
        "REGION=south",
        "--var",
        "REGION=nowhere",
    )
    assert result.exit_code == 0, result.output
    assert "south" in result.stdout
    assert "north" not in result.stdout


def test_query_refuses_a_missing_required_variable(acme: RunDashlet) -> None:
    result = acme("query", "--org", "acme", "--dashboard", "sales", "--chart", "total")
    assert result.exit_code == 1
    assert "TENANT" in result.stderr


def test_query_refuses_an_ill_typed_value(acme: RunDashlet) -> None:
    result = acme(
        "query", "--org", "acme", "--dashboard", "sales", "--chart", "total", "--var", "TENANT=one"
    )
    assert result.exit_code == 1
    assert "TENANT" in result.stderr


def test_query_reports_a_failing_chart_with_the_drivers_words(acme: RunDashlet) -> None:
    result = acme(
        "query", "--org", "acme", "--dashboard", "sales", "--chart", "broken", "--var", "TENANT=1"
    )
    assert result.exit_code == 1
    assert "no_such_table" in result.stderr
