"""``dashlet demo``: sets up a small demo, prints the login and dashboards, exits 0."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner, Result

from dashlet.cli.app import cli
from dashlet.demo.setup import OWNER_EMAIL


def run_demo(data_dir: Path) -> Result:
    return CliRunner().invoke(
        cli,
        ["demo", "--orders", "2000", "--no-serve", "--data-dir", str(data_dir)],
        env={"DASHLET_SECRET_KEY": None, "DASHLET_DATABASE_URL": None},
        catch_exceptions=False,
    )


def test_demo_prints_the_owner_login_and_the_dashboards(tmp_path: Path) -> None:
    result = run_demo(tmp_path / "data")
    assert result.exit_code == 0, result.output
    assert OWNER_EMAIL in result.output
    password = (tmp_path / "data" / "demo_owner_password").read_text()
    assert f"password: {password}" in result.output
    for slug in ("sales", "products", "operations"):
        assert f"  {slug} (id " in result.output


def test_second_demo_run_reuses_the_warehouse(tmp_path: Path) -> None:
    run_demo(tmp_path / "data")
    result = run_demo(tmp_path / "data")
    assert result.exit_code == 0, result.output
    assert "(reused)" in result.output
