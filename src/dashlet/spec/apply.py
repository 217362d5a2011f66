"""``dashlet apply``: check a whole folder, then create or update its sources and dashboards at once.

Everything is read and checked before anything is written, and the writes share one
transaction: a folder with any problem changes nothing. Objects are matched by name (sources) and
slug (dashboards, charts) or name (variables); a field is assigned only when its value differs,
so applying the same folder twice changes nothing, not even a version number or ``updated_at``.
Stored dashboards missing from the folder are left alone.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from dashlet.errors import Conflict, DashletError, SpecError, SpecProblem
from dashlet.spec.loader import LoadedDashboard, read_folder
from dashlet.spec.schema import SourceSpec
from dashlet.store.database import Database
from dashlet.store.definitions import ChartDef, EmbedSettings, VariableDef
from dashlet.store.models import Chart, Dashboard, DataSource, Organization, Variable, utcnow
from dashlet.store.organizations import find_organization
from dashlet.store.sources import display_url

Row = TypeVar("Row", Variable, Chart)


@dataclass(frozen=True)
class Changes:
    """Names of the objects of one kind that an apply created, updated or left as they were."""

    created: tuple[str, ...] = ()
    updated: tuple[str, ...] = ()
    unchanged: tuple[str, ...] = ()

    def describe(self, kind: str) -> str:
        parts = [
            f"{len(names)} {verb}"
            + (f" ({', '.join(names)})" if names and verb != "unchanged" else "")
            for verb, names in (
                ("created", self.created),
                ("updated", self.updated),
                ("unchanged", self.unchanged),
            )
        ]
        return f"{kind}: {', '.join(parts)}"


@dataclass(frozen=True)
class ApplyReport:
    """What ``apply_folder`` did to one organization."""

    organization: str
    sources: Changes
    dashboards: Changes
    left_alone: tuple[str, ...] = field(default=())  # stored dashboards not in the folder

    @property
    def changed(self) -> bool:
        return any(
            names
            for changes in (self.sources, self.dashboards)
            for names in (changes.created, changes.updated)
        )

    def summary(self) -> list[str]:
        """A few lines for people: counts and names per kind."""
        lines = [self.sources.describe("sources"), self.dashboards.describe("dashboards")]
        if self.left_alone:
            lines.append(f"left alone (stored, not in this folder): {', '.join(self.left_alone)}")
        if not self.changed:
            lines.append("Nothing changed.")
        return lines


# Called inside the apply transaction with the slugs whose embed settings would change; it
# raises to refuse (the API lets only owners change embed settings, and a check made before the
# transaction could be overtaken by a concurrent change).
EmbedCheck = Callable[[Sequence[str]], None]


def apply_folder(
    db: Database,
    folder: Path,
    org_slug: str,
    *,
    environ: Mapping[str, str] | None = None,
    check_embed: EmbedCheck | None = None,
) -> ApplyReport:
    """Create or update the folder's sources and dashboards in one transaction.

    Raises SpecError listing every problem (nothing is written then), NotFound for an unknown
    organization. ``environ`` fills ``${NAME}`` in source URLs (default: ``os.environ``).
    """
    loaded, problems = read_folder(folder, environ)
    return apply_loaded(
        db, org_slug, loaded.dashboards, problems, sources=loaded.sources, check_embed=check_embed
    )


class _DryRun(Exception):
    """Raised inside the transaction of a dry run, so nothing it wrote is kept."""

    def __init__(self, report: ApplyReport) -> None:
        super().__init__()
        self.report = report


def apply_loaded(
    db: Database,
    org_slug: str,
    dashboards: Sequence[LoadedDashboard],
    problems: list[SpecProblem],
    *,
    sources: Sequence[SourceSpec] | None = None,
    check_embed: EmbedCheck | None = None,
    base_versions: Mapping[str, int | None] | None = None,
    dry_run: bool = False,
) -> ApplyReport:
    """Write what a reader loaded (``problems``: what it found), the one way every apply does.

    ``sources=None`` leaves the stored sources as they are (the dashboards name stored ones).
    ``base_versions`` maps a slug to the version the caller last read (None: it must not exist
    yet); a dashboard saved since is a Conflict. A dry run checks and plans, and keeps nothing.
    """
    try:
        with db.session() as session:
            org = find_organization(session, org_slug)
            stored = {
                d.slug: d
                for d in session.scalars(
                    select(Dashboard).where(Dashboard.organization_id == org.id)
                )
            }
            embeds = {
                d.file: d.embed_over(_stored_embed(stored.get(d.definition.slug)))
                for d in dashboards
            }
            for dashboard in dashboards:
                problems = problems + dashboard.tenancy_problems(embeds[dashboard.file])
            if problems:
                raise SpecError(problems)
            _check_versions(stored, base_versions or {})
            changing_embed = [
                d.definition.slug
                for d in dashboards
                if embeds[d.file] != _stored_embed(stored.get(d.definition.slug))
            ]
            if changing_embed and check_embed is not None:
                check_embed(changing_embed)
            if sources is None:
                source_changes, source_ids = Changes(), _stored_source_ids(session, org)
            else:
                source_changes, source_ids = _write_sources(db, session, org, sources)
            dashboard_changes = _write_dashboards(
                session, org, dashboards, stored, source_ids, embeds
            )
            in_folder = {d.definition.slug for d in dashboards}
            report = ApplyReport(
                organization=org_slug,
                sources=source_changes,
                dashboards=dashboard_changes,
                left_alone=tuple(sorted(set(stored) - in_folder)) if sources is not None else (),
            )
            if dry_run:
                raise _DryRun(report)
    except _DryRun as planned:
        return planned.report
    except IntegrityError:
        raise DashletError(
            f"Another change to organization {org_slug!r} was saved at the same time; "
            "nothing was applied. Run apply again."
        ) from None
    return report


def _check_versions(
    stored: Mapping[str, Dashboard], base_versions: Mapping[str, int | None]
) -> None:
    for slug, version in base_versions.items():
        current = stored.get(slug)
        found = None if current is None else current.version
        if found != version:
            raise Conflict(
                f"Dashboard {slug!r} was "
                + ("created" if version is None else "deleted" if found is None else "saved")
                + " by someone else since you opened it; nothing was saved. "
                "Reload it to see their change."
            )


def _stored_source_ids(session: Session, org: Organization) -> dict[str, int]:
    rows = session.execute(
        select(DataSource.name, DataSource.id).where(DataSource.organization_id == org.id)
    )
    return {name: source_id for name, source_id in rows}  # noqa: C416 (rows are Row objects)


def _stored_embed(dashboard: Dashboard | None) -> EmbedSettings:
    if dashboard is None:
        return EmbedSettings()
    return EmbedSettings(
        enabled=dashboard.embed_enabled,
        allow_viewer_variables=dashboard.allow_viewer_variables,
        allow_csv=dashboard.allow_csv,
    )


def _write_sources(
    db: Database, session: Session, org: Organization, specs: Sequence[SourceSpec]
) -> tuple[Changes, dict[str, int]]:
    stored = {
        s.name: s
        for s in session.scalars(select(DataSource).where(DataSource.organization_id == org.id))
    }
    outcome: dict[str, list[str]] = {"created": [], "updated": [], "unchanged": []}
    for spec in specs:
        settings = {
            "read_only": spec.read_only,
            "statement_timeout": spec.statement_timeout,
            "row_limit": spec.row_limit,
        }
        source = stored.get(spec.name)
        if source is None:
            source = DataSource(
                organization_id=org.id,
                name=spec.name,
                url=db.box.encrypt(spec.url),
                display_url=display_url(spec.url),
                version=1,
                **settings,
            )
            session.add(source)
            stored[spec.name] = source
            outcome["created"].append(spec.name)
            continue
        # Encryption is randomized, so compare the plain URL, never the stored ciphertext.
        changed = _assign(source, settings)
        if db.box.decrypt(source.url) != spec.url:
            source.url = db.box.encrypt(spec.url)
            source.display_url = display_url(spec.url)
            changed = True
        if changed:
            source.version += 1  # a new engine and fresh cache keys for this source
        outcome["updated" if changed else "unchanged"].append(spec.name)
    session.flush()
    ids = {name: source.id for name, source in stored.items()}
    return Changes(**{k: tuple(v) for k, v in outcome.items()}), ids


def _write_dashboards(
    session: Session,
    org: Organization,
    loaded: Sequence[LoadedDashboard],
    stored: Mapping[str, Dashboard],
    source_ids: Mapping[str, int],
    embeds: Mapping[str, EmbedSettings],
) -> Changes:
    outcome: dict[str, list[str]] = {"created": [], "updated": [], "unchanged": []}
    for item in loaded:
        definition = item.definition
        embed = embeds[item.file]
        fields = {
            "source_id": source_ids[definition.source.name],
            "title": definition.title,
            "description": definition.description,
            "cache_ttl": definition.cache_ttl,
            "embed_enabled": embed.enabled,
            "allow_viewer_variables": embed.allow_viewer_variables,
            "allow_csv": embed.allow_csv,
            "usage_key": definition.usage_key,
            "theme": dict(definition.theme),
        }
        variables = [_variable_fields(v) for v in definition.variables]
        charts = [_chart_fields(c) for c in definition.charts]
        dashboard = stored.get(definition.slug)
        if dashboard is None:
            dashboard = Dashboard(organization_id=org.id, slug=definition.slug, version=1, **fields)
            dashboard.variables = _children(Variable, [], variables, "name")[1]
            dashboard.charts = _children(Chart, [], charts, "slug")[1]
            session.add(dashboard)
            outcome["created"].append(definition.slug)
            continue
        changed = _assign(dashboard, fields)
        variables_changed, new_variables = _children(
            Variable, dashboard.variables, variables, "name"
        )
        charts_changed, new_charts = _children(Chart, dashboard.charts, charts, "slug")
        if variables_changed:
            dashboard.variables = new_variables
        if charts_changed:
            dashboard.charts = new_charts
        if changed or variables_changed or charts_changed:
            dashboard.version += 1
            dashboard.updated_at = utcnow()
        outcome[
            "updated" if changed or variables_changed or charts_changed else "unchanged"
        ].append(definition.slug)
    return Changes(**{k: tuple(v) for k, v in outcome.items()})


def _variable_fields(variable: VariableDef) -> dict[str, Any]:
    return {
        "name": variable.name,
        "label": variable.label,
        "type": variable.type,
        "hidden": variable.hidden,
        "required": variable.required,
        "multi": variable.multi,
        "default": variable.default,
        "choices": None if variable.choices is None else list(variable.choices),
        "choices_sql": variable.choices_sql,
    }


def _chart_fields(chart: ChartDef) -> dict[str, Any]:
    return {
        "slug": chart.slug,
        "title": chart.title,
        "type": chart.type,
        "sql": chart.sql,
        "encoding": dict(chart.encoding),
        "width": chart.width,
        "height": chart.height,
        "cache_ttl": chart.cache_ttl,
        "shared": chart.shared,
    }


def _children(
    model: type[Row], current: Sequence[Row], wanted: Sequence[dict[str, Any]], key: str
) -> tuple[bool, list[Row]]:
    """The rows ``wanted`` describes in order, reusing current rows by ``key``; and if any differ."""
    by_key = {getattr(row, key): row for row in current}
    rows: list[Row] = []
    changed = len(current) != len(wanted)
    for position, values in enumerate(wanted):
        row = by_key.pop(values[key], None)
        if row is None:
            row = model(position=position, **values)
            changed = True
        else:
            changed = _assign(row, {"position": position, **values}) or changed
        rows.append(row)
    return changed or bool(by_key), rows


def _assign(row: Any, values: Mapping[str, Any]) -> bool:
    """Set the attributes whose value differs; True if any did (equal ones stay untouched)."""
    changed = False
    for name, value in values.items():
        if _canonical(getattr(row, name)) != _canonical(value):
            setattr(row, name, value)
            changed = True
    return changed


def _canonical(value: Any) -> str:
    # JSON text tells apart what Python equates (1 == 1.0 == True) and ignores key order.
    return json.dumps(value, sort_keys=True)
