"""Dashboards-as-code folders for tests: valid examples and a writer that dedents."""

from __future__ import annotations

import sqlite3
import textwrap
from pathlib import Path

SOURCES_YAML = """\
sources:
  - name: warehouse
    url: sqlite:///warehouse.db
"""

SALES_YAML = """\
slug: sales
title: Sales overview
source: warehouse
cache_ttl: 120
embed: {enabled: true}
variables:
  - {name: TENANT, type: integer, hidden: true, required: true}
  - name: REGION
    type: string
    multi: true
    choices_sql: SELECT DISTINCT region FROM orders WHERE tenant_id = :TENANT
charts:
  - slug: revenue_by_region
    title: Revenue by region
    type: bar
    x: region
    y: [revenue]
    sql: |
      SELECT region, SUM(amount) AS revenue FROM orders
      WHERE tenant_id = :TENANT [[ AND region IN :REGION ]]
      GROUP BY region
  - slug: order_count
    title: Orders
    type: number
    value: n
    width: 3
    sql: SELECT COUNT(*) AS n FROM orders WHERE tenant_id = :TENANT
"""


class SpecFolder:
    """A folder being written: ``write("dashboards/x.yaml", text)`` dedents and saves."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def write(self, relative: str, text: str) -> Path:
        target = self.path / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(textwrap.dedent(text), encoding="utf-8")
        return target

    def edit(self, relative: str, old: str, new: str) -> None:
        """Replace ``old`` (which must be there) with ``new`` in one file."""
        target = self.path / relative
        text = target.read_text(encoding="utf-8")
        assert old in text
        target.write_text(text.replace(old, new, 1), encoding="utf-8")


def make_spec_folder(path: Path) -> SpecFolder:
    """An empty spec folder with a ``dashboards/`` directory and a SQLite warehouse file."""
    (path / "dashboards").mkdir(parents=True)
    with sqlite3.connect(path / "warehouse.db") as conn:
        conn.execute("CREATE TABLE orders (tenant_id INTEGER, region TEXT, amount REAL)")
        conn.executemany(
            "INSERT INTO orders VALUES (?, ?, ?)",
            [(1, "north", 10.0), (1, "south", 5.0), (2, "north", 7.5)],
        )
    conn.close()
    return SpecFolder(path)
