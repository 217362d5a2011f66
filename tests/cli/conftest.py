"""Run the real ``dashlet`` command line in-process with a temp data dir."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from dashlet.cli.app import cli
from tests.conftest import TEST_SECRET_KEY

RunDashlet = Callable[..., Result]


@pytest.fixture
def run_dashlet(tmp_path: Path) -> RunDashlet:
    """Invoke ``dashlet ARGS... --data-dir TMP`` with the test server key; returns click's Result."""
    data_dir = tmp_path / "cli-data"

    def run(*args: str, input: str | None = None) -> Result:
        runner = CliRunner()
        return runner.invoke(
            cli,
            [*args, "--data-dir", str(data_dir)],
            input=input,
            env={"DASHLET_SECRET_KEY": TEST_SECRET_KEY},
            catch_exceptions=False,
        )

    return run
