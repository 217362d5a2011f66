"""Fail-closed tenancy: an embedded dashboard with hidden variables never shows unfiltered rows.

When a dashboard has hidden variables (set only by the signed token, e.g. ``TENANT``) and
embedding is on, every chart's SQL must use one of them where it is always bound: outside
``[[ ]]``, or anywhere when the variable is ``required`` (so the clause can never drop out). A
chart marked ``shared: true`` shows the same rows to everyone and is exempt. The ``choices_sql``
of each variable viewers can set obeys the same rule, so a dropdown never lists another tenant's
values. Metabase shows every tenant's rows when a chart is not wired to the locked filter; this
rule refuses that dashboard instead, naming the chart.

The check reads a ``DashboardDef``, so ``apply``, ``dashlet embed enable`` and the admin share it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from dashlet.errors import SpecError, SpecProblem
from dashlet.query.sql import SqlTemplateError, parse_sql
from dashlet.store.definitions import DashboardDef, VariableDef


@dataclass(frozen=True)
class TenancyFinding:
    """One chart's SQL or one variable's ``choices_sql``: which hidden variables always filter it."""

    kind: Literal["chart", "choices"]
    name: str  # the chart's slug, or the variable's name
    filtered_by: tuple[str, ...]
    shared: bool = False
    problem: str | None = None  # what would be refused while the rule applies


@dataclass(frozen=True)
class TenancyReport:
    """The rule applied to one dashboard; ``refusals`` is empty when it may be embedded."""

    dashboard: str
    hidden: tuple[str, ...]
    applies: bool  # embedding is on and the dashboard has hidden variables
    findings: tuple[TenancyFinding, ...]

    @property
    def refusals(self) -> tuple[TenancyFinding, ...]:
        """The findings that block embedding (none while the rule does not apply)."""
        if not self.applies:
            return ()
        return tuple(f for f in self.findings if f.problem is not None)


def tenancy_report(dashboard: DashboardDef) -> TenancyReport:
    """Check every chart and every viewer-facing ``choices_sql`` of ``dashboard``."""
    hidden = {v.name: v for v in dashboard.variables if v.hidden}
    findings = [
        _finding("chart", chart.slug, chart.sql, hidden, shared=chart.shared)
        for chart in dashboard.charts
    ]
    findings += [
        _finding("choices", variable.name, variable.choices_sql, hidden, shared=False)
        for variable in dashboard.variables
        if variable.choices_sql is not None and not variable.hidden
    ]
    return TenancyReport(
        dashboard=dashboard.slug,
        hidden=tuple(hidden),
        applies=dashboard.embed.enabled and bool(hidden),
        findings=tuple(findings),
    )


def require_fail_closed(dashboard: DashboardDef) -> TenancyReport:
    """The dashboard's report; raises SpecError naming each chart the rule refuses."""
    report = tenancy_report(dashboard)
    if report.refusals:
        raise SpecError(
            [
                SpecProblem(f"dashboard {dashboard.slug}", None, "", finding.problem or "")
                for finding in report.refusals
            ]
        )
    return report


def _finding(
    kind: Literal["chart", "choices"],
    name: str,
    sql: str,
    hidden: dict[str, VariableDef],
    *,
    shared: bool,
) -> TenancyFinding:
    subject = f"Chart {name!r}" if kind == "chart" else f"The choices_sql of variable {name}"
    try:
        template = parse_sql(sql)
    except SqlTemplateError as error:
        return TenancyFinding(
            kind, name, (), shared, f"{subject} has SQL that cannot be read: {error}"
        )
    used = sorted(template.variables & hidden.keys())
    always = tuple(v for v in used if v in template.required or hidden[v].required)
    if always or shared or not hidden:
        return TenancyFinding(kind, name, always, shared)
    exemption = (
        "mark the chart shared: true if every tenant may see the same rows"
        if kind == "chart"
        else "use static choices"
    )
    if used:
        names = ", ".join(used)
        problem = (
            f"{subject} uses hidden variable {names} only inside [[ ]], which drops out when it "
            f"has no value; use it outside [[ ]], make it required: true, or {exemption}."
        )
    else:
        names = ", ".join(f":{v}" for v in hidden)
        rows = "every tenant's rows" if kind == "chart" else "every tenant's values"
        problem = (
            f"{subject} does not filter by a hidden variable ({names}), so an embedded viewer "
            f"would see {rows}; filter it outside [[ ]] by one of them, or {exemption}."
        )
    return TenancyFinding(kind, name, (), shared, problem)
