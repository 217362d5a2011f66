"""Reading dashboards (with their source, variables and charts) and their embed settings."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session

from dashlet.errors import NotFound
from dashlet.store.audit import add_event
from dashlet.store.database import Database
from dashlet.store.definitions import (
    ChartDef,
    DashboardDef,
    EmbedSettings,
    SourceDef,
    VariableDef,
)
from dashlet.store.models import Chart, Dashboard, DataSource, Organization, utcnow
from dashlet.store.organizations import find_organization


def source_def(db: Database, source: DataSource) -> SourceDef:
    return SourceDef(
        id=source.id,
        organization_id=source.organization_id,
        name=source.name,
        url=db.box.decrypt(source.url),
        read_only=source.read_only,
        statement_timeout=source.statement_timeout,
        row_limit=source.row_limit,
        version=source.version,
    )


def chart_def(chart: Chart) -> ChartDef:
    return ChartDef(
        slug=chart.slug,
        title=chart.title,
        type=chart.type,
        sql=chart.sql,
        encoding=dict(chart.encoding or {}),
        width=chart.width,
        height=chart.height,
        cache_ttl=chart.cache_ttl,
        shared=chart.shared,
    )


def dashboard_def(db: Database, session: Session, dashboard: Dashboard) -> DashboardDef:
    source = session.get_one(DataSource, dashboard.source_id)
    return DashboardDef(
        id=dashboard.id,
        organization_id=dashboard.organization_id,
        slug=dashboard.slug,
        title=dashboard.title,
        description=dashboard.description,
        source=source_def(db, source),
        cache_ttl=dashboard.cache_ttl,
        usage_key=dashboard.usage_key,
        theme=dict(dashboard.theme or {}),
        embed=EmbedSettings(
            enabled=dashboard.embed_enabled,
            allow_viewer_variables=dashboard.allow_viewer_variables,
            allow_csv=dashboard.allow_csv,
        ),
        variables=tuple(VariableDef.of(v) for v in dashboard.variables),
        charts=tuple(chart_def(c) for c in dashboard.charts),
        version=dashboard.version,
    )


def find_dashboard(session: Session, org: Organization, slug: str) -> Dashboard:
    dashboard = session.scalar(
        select(Dashboard).where(Dashboard.organization_id == org.id, Dashboard.slug == slug)
    )
    if dashboard is None:
        raise NotFound(f"Organization {org.slug!r} has no dashboard {slug!r}.")
    return dashboard


def list_dashboards(db: Database, org_slug: str) -> list[DashboardDef]:
    """Every dashboard of an organization, in slug order."""
    with db.session() as session:
        org = find_organization(session, org_slug)
        rows = session.scalars(
            select(Dashboard).where(Dashboard.organization_id == org.id).order_by(Dashboard.slug)
        )
        return [dashboard_def(db, session, d) for d in rows]


def get_dashboard(db: Database, org_slug: str, slug: str) -> DashboardDef:
    with db.session() as session:
        org = find_organization(session, org_slug)
        return dashboard_def(db, session, find_dashboard(session, org, slug))


def get_dashboard_by_id(db: Database, dashboard_id: int) -> DashboardDef:
    with db.session() as session:
        dashboard = session.get(Dashboard, dashboard_id)
        if dashboard is None:
            raise NotFound(f"There is no dashboard {dashboard_id}.")
        return dashboard_def(db, session, dashboard)


def delete_dashboard(db: Database, org_slug: str, slug: str, *, actor: str) -> None:
    """Delete a dashboard with its charts, variables, usage and revocation rules, audited.

    Its embeds fail at once (``not_found``, in every worker: the change notifier); its data
    source stays. The audit event keeps what it was: slug, title and last version.
    """
    with db.session() as session:
        org = find_organization(session, org_slug)
        dashboard = find_dashboard(session, org, slug)
        detail = {"dashboard": slug, "title": dashboard.title, "version": dashboard.version}
        session.delete(dashboard)
        add_event(session, org.id, actor, "dashboard.deleted", detail)


def set_embed_settings(
    db: Database,
    org_slug: str,
    slug: str,
    *,
    enabled: bool,
    allow_viewer_variables: bool,
    allow_csv: bool | None = None,
    check: Callable[[DashboardDef], object] | None = None,
) -> DashboardDef:
    """Turn embedding, viewer variables and (unless None) CSV download on or off, at once.

    ``check`` sees the dashboard as it would be saved, in the same transaction, and stops the
    change by raising (the fail-closed tenancy rule), so no concurrent apply can slip past it.
    """
    with db.session() as session:
        dashboard = find_dashboard(session, find_organization(session, org_slug), slug)
        wanted = (
            enabled,
            allow_viewer_variables,
            dashboard.allow_csv if allow_csv is None else allow_csv,
        )
        if (dashboard.embed_enabled, dashboard.allow_viewer_variables, dashboard.allow_csv) != (
            wanted
        ):
            dashboard.embed_enabled, dashboard.allow_viewer_variables, dashboard.allow_csv = wanted
            dashboard.version += 1
            dashboard.updated_at = utcnow()
        saved = dashboard_def(db, session, dashboard)
        if check is not None:
            check(saved)
        return saved
