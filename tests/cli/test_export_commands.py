from pathlib import Path

import pytest

from tests.cli.conftest import RunDashlet
from tests.spec.folders import SALES_YAML, SOURCES_YAML, SpecFolder, make_spec_folder


@pytest.fixture
def applied(run_dashlet: RunDashlet, tmp_path: Path) -> SpecFolder:
    """Organization ``acme`` with the sales folder applied."""
    folder = make_spec_folder(tmp_path / "spec")
    folder.write("sources.yaml", SOURCES_YAML)
    folder.write("dashboards/sales.yaml", SALES_YAML)
    assert run_dashlet("org", "create", "acme").exit_code == 0
    assert run_dashlet("apply", str(folder.path), "--org", "acme").exit_code == 0
    return folder


def test_export_then_apply_says_nothing_changed(
    run_dashlet: RunDashlet, applied: SpecFolder, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    result = run_dashlet("export", str(out), "--org", "acme")
    assert result.exit_code == 0
    assert "  2 written, 0 unchanged" in result.stdout
    again = run_dashlet("apply", str(out), "--org", "acme")
    assert again.stdout.splitlines()[-1] == "  Nothing changed."


def test_export_refuses_to_overwrite_a_differing_file(
    run_dashlet: RunDashlet, applied: SpecFolder
) -> None:
    applied.edit("dashboards/sales.yaml", "Sales overview", "Edited by hand")
    result = run_dashlet("export", str(applied.path), "--org", "acme")
    assert result.exit_code == 1
    assert "dashboards/sales.yaml" in result.stderr
    assert "--force" in result.stderr
    assert "Edited by hand" in (applied.path / "dashboards/sales.yaml").read_text()


def test_export_with_force_overwrites_a_differing_file(
    run_dashlet: RunDashlet, applied: SpecFolder
) -> None:
    applied.edit("dashboards/sales.yaml", "Sales overview", "Edited by hand")
    result = run_dashlet("export", str(applied.path), "--org", "acme", "--force")
    assert result.exit_code == 0
    assert "  wrote dashboards/sales.yaml" in result.stdout
    assert "Sales overview" in (applied.path / "dashboards/sales.yaml").read_text()


def test_export_says_on_stderr_which_password_became_a_placeholder(
    run_dashlet: RunDashlet, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = make_spec_folder(tmp_path / "spec")
    folder.write(
        "sources.yaml",
        "sources:\n  - name: pg\n    url: postgresql+psycopg://dash:${PG}@db.internal/a\n",
    )
    monkeypatch.setenv("PG", "s3cret")
    assert run_dashlet("org", "create", "acme").exit_code == 0
    assert run_dashlet("apply", str(folder.path), "--org", "acme").exit_code == 0
    out = tmp_path / "out"
    result = run_dashlet("export", str(out), "--org", "acme")
    assert "${PG_PASSWORD}" in result.stderr
    assert "s3cret" not in (out / "sources.yaml").read_text()


def test_export_of_an_unknown_organization_is_one_error_line(
    run_dashlet: RunDashlet, tmp_path: Path
) -> None:
    result = run_dashlet("export", str(tmp_path / "out"), "--org", "nobody")
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: ")
    assert not (tmp_path / "out").exists()
