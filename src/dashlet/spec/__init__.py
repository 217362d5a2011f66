"""Dashboards as code: a folder of YAML read with line numbers, checked whole, applied at once.

document   YAML with the line of every field
schema     the pydantic models of sources.yaml and dashboards/*.yaml
sources, variables, charts, bindings   the checks, one concern each
tenancy    the fail-closed rule for embedded multi-tenant dashboards
loader     read_folder / load_folder: every problem, with file, line and field
apply      apply_folder: plan, then write in one transaction
"""

from dashlet.spec.apply import ApplyReport, Changes, apply_folder
from dashlet.spec.loader import LoadedDashboard, LoadedFolder, load_folder, read_folder
from dashlet.spec.tenancy import TenancyFinding, TenancyReport, require_fail_closed, tenancy_report

__all__ = [
    "ApplyReport",
    "Changes",
    "LoadedDashboard",
    "LoadedFolder",
    "TenancyFinding",
    "TenancyReport",
    "apply_folder",
    "load_folder",
    "read_folder",
    "require_fail_closed",
    "tenancy_report",
]
