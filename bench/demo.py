"""The demo every benchmark runs against: built once per run, in a child process."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url

from dashlet.config import Settings
from dashlet.demo.setup import ORG_SLUG
from dashlet.store.dashboards import get_dashboard
from dashlet.store.database import open_database
from dashlet.store.definitions import DashboardDef

ROOT = Path(__file__).resolve().parent.parent
MAIN_DASHBOARD = "sales"


@dataclass(frozen=True)
class Demo:
    """The built demo: settings to reach it, its main dashboard, and what building it cost."""

    settings: Settings
    dashboard: DashboardDef
    warehouse: Path
    build: dict[str, Any]


def run_probe(*args: str) -> dict[str, Any]:
    """Run ``python -m bench.probe ARGS`` and return the JSON report it prints."""
    done = subprocess.run(
        [sys.executable, "-m", "bench.probe", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"bench.probe {' '.join(args)} failed:\n{done.stderr}")
    report: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return report


def build_demo(data_dir: Path, orders: int) -> Demo:
    """Build the demo into ``data_dir`` (measured in a child process) and load its dashboard."""
    build = run_probe("build", str(data_dir), str(orders))
    settings = Settings.from_env({}, data_dir=data_dir).with_demo_secret_key()
    db = open_database(settings)
    try:
        dashboard = get_dashboard(db, ORG_SLUG, MAIN_DASHBOARD)
    finally:
        db.dispose()
    warehouse = Path(make_url(dashboard.source.url).database or "")
    return Demo(settings=settings, dashboard=dashboard, warehouse=warehouse, build=build)
