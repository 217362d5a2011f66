"""Whether embedded viewers of a dashboard may download its charts' data as CSV."""

from __future__ import annotations

from dashlet.store.dashboards import dashboard_def, find_dashboard
from dashlet.store.database import Database
from dashlet.store.definitions import DashboardDef
from dashlet.store.models import utcnow
from dashlet.store.organizations import find_organization


def set_allow_csv(db: Database, org_slug: str, slug: str, allow: bool) -> DashboardDef:
    """Turn CSV download on or off for one dashboard (every process sees it at once)."""
    with db.session() as session:
        dashboard = find_dashboard(session, find_organization(session, org_slug), slug)
        if dashboard.allow_csv != allow:
            dashboard.allow_csv = allow
            dashboard.version += 1
            dashboard.updated_at = utcnow()
        return dashboard_def(db, session, dashboard)
