"""Dashboards-as-code folders written to a temp dir, with a real SQLite warehouse beside them."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.spec.folders import SALES_YAML, SOURCES_YAML, SpecFolder, make_spec_folder


@pytest.fixture
def folder(tmp_path: Path) -> SpecFolder:
    """An empty spec folder with a ``dashboards/`` directory and a SQLite warehouse file."""
    return make_spec_folder(tmp_path / "spec")


@pytest.fixture
def sales_folder(folder: SpecFolder) -> SpecFolder:
    """A valid folder: one SQLite source and the multi-tenant ``sales`` dashboard."""
    folder.write("sources.yaml", SOURCES_YAML)
    folder.write("dashboards/sales.yaml", SALES_YAML)
    return folder
