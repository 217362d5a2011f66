"""``/api/v1/orgs/{org}/dashboards``: read, apply, embed settings and signed embed URLs."""

from __future__ import annotations

import dataclasses
from typing import Annotated

from fastapi import Path
from starlette.requests import Request

from dashlet.auth.principals import Principal
from dashlet.auth.roles import Action, allows
from dashlet.embed.urls import URL_LENGTH_LIMIT, embed_page_url, sign_embed_token
from dashlet.errors import VariableError
from dashlet.query.values import convert_value
from dashlet.spec.apply import ApplyReport
from dashlet.spec.schema import SLUG as DASHBOARD_SLUG
from dashlet.spec.tenancy import require_fail_closed, tenancy_report
from dashlet.store import dashboards as stored
from dashlet.store.audit import record_event
from dashlet.store.database import Database
from dashlet.store.definitions import DashboardDef
from dashlet.web.api_apply import apply_files
from dashlet.web.api_models import (
    ApplyIn,
    ApplyOut,
    DashboardOut,
    EmbedFlagsOut,
    EmbedIn,
    EmbedOut,
    EnvValue,
    SignIn,
    SignOut,
    TenancyOut,
)
from dashlet.web.embed_routes import services
from dashlet.web.guards import authorize

DashboardSlug = Annotated[
    str, Path(max_length=100, pattern=DASHBOARD_SLUG.pattern, description="Dashboard slug.")
]


def dashboards(
    request: Request, who: Annotated[Principal, authorize(Action.READ_DASHBOARDS)]
) -> list[DashboardOut]:
    """Every dashboard of the organization (the shape of `dashlet dashboards list --json`)."""
    found = stored.list_dashboards(services(request).db, who.organization)
    return [DashboardOut.model_validate(dashboard) for dashboard in found]


def dashboard(
    request: Request,
    dashboard: DashboardSlug,
    who: Annotated[Principal, authorize(Action.READ_DASHBOARDS)],
) -> DashboardOut:
    """One dashboard."""
    found = stored.get_dashboard(services(request).db, who.organization, dashboard)
    return DashboardOut.model_validate(found)


def delete(
    request: Request,
    dashboard: DashboardSlug,
    who: Annotated[Principal, authorize(Action.APPLY_DASHBOARDS)],
) -> None:
    """Delete the dashboard with its charts, variables, usage and revocation rules.

    Its embeds are refused (`not_found`) from the next request on; its data source stays.
    """
    stored.delete_dashboard(services(request).db, who.organization, dashboard, actor=who.actor)


def apply(
    request: Request, body: ApplyIn, who: Annotated[Principal, authorize(Action.APPLY_DASHBOARDS)]
) -> ApplyOut:
    """Create or update sources and dashboards from a dashboards-as-code folder, at once."""
    db = services(request).db
    may_change_embed = allows(who.role, Action.MANAGE_EMBED)
    report = apply_files(db, who.organization, body.files, may_change_embed=may_change_embed)
    if report.changed:
        record_apply(db, who, report)
    return ApplyOut.of(report)


def record_apply(db: Database, who: Principal, report: ApplyReport) -> None:
    """The audit event of an apply that changed something: what was created and updated."""
    detail = {
        kind: {"created": list(changes.created), "updated": list(changes.updated)}
        for kind, changes in (("sources", report.sources), ("dashboards", report.dashboards))
    }
    record_event(db, who.organization, who.actor, "dashboards.applied", detail)


def _embed_out(found: DashboardDef) -> EmbedOut:
    return EmbedOut(
        dashboard=found.slug,
        embed=EmbedFlagsOut.model_validate(found.embed),
        tenancy=TenancyOut.model_validate(tenancy_report(found)),
    )


def embed_settings(
    request: Request,
    dashboard: DashboardSlug,
    who: Annotated[Principal, authorize(Action.MANAGE_EMBED)],
) -> EmbedOut:
    """The dashboard's embed settings and its fail-closed tenancy report."""
    return _embed_out(stored.get_dashboard(services(request).db, who.organization, dashboard))


def change_embed_settings(
    request: Request,
    dashboard: DashboardSlug,
    body: EmbedIn,
    who: Annotated[Principal, authorize(Action.MANAGE_EMBED)],
) -> EmbedOut:
    """Change embed settings; turning embedding on is refused while a chart is not tenant-safe."""
    db = services(request).db
    before = stored.get_dashboard(db, who.organization, dashboard)
    saved = stored.set_embed_settings(
        db,
        who.organization,
        dashboard,
        enabled=before.embed.enabled if body.enabled is None else body.enabled,
        allow_viewer_variables=(
            before.embed.allow_viewer_variables
            if body.allow_viewer_variables is None
            else body.allow_viewer_variables
        ),
        allow_csv=body.allow_csv,
        check=require_fail_closed,
    )
    if saved.embed != before.embed:
        detail = {
            "dashboard": dashboard,
            "before": dataclasses.asdict(before.embed),
            "after": dataclasses.asdict(saved.embed),
        }
        record_event(db, who.organization, who.actor, "embed.changed", detail)
    return _embed_out(saved)


def _typed_env(found: DashboardDef, env: dict[str, EnvValue]) -> dict[str, object]:
    values: dict[str, object] = {}
    for name, raw in env.items():
        variable = found.variable(name)
        if variable is None:
            declared = ", ".join(v.name for v in found.variables) or "none"
            message = f"Dashboard {found.slug!r} has no variable {name!r} (it has: {declared})."
            raise VariableError(name, message, code="unknown_variable")
        values[name] = convert_value(variable, raw)
    return values


def sign_url(
    request: Request,
    dashboard: DashboardSlug,
    body: SignIn,
    who: Annotated[Principal, authorize(Action.SIGN_EMBED_URLS)],
) -> SignOut:
    """A signed Embedding 2.0 URL, made on the server with the organization's secret."""
    found = services(request)
    organization = found.directory.organization(who.organization)
    target = found.directory.dashboard(organization.info.id, dashboard)
    env = _typed_env(target, body.env)
    token = sign_embed_token(
        organization.info.id,
        target.id,
        organization.current_secret.decode(),
        env if body.env else None,
        body.ttl,
    )
    url = f"{embed_page_url(found.settings.base_url, who.organization, target.slug)}?embed_token={token}"
    warnings = []
    if len(url) > URL_LENGTH_LIMIT:
        warnings.append(
            f"The URL is {len(url)} characters long, over the {URL_LENGTH_LIMIT} that some "
            "browsers accept: sign fewer or shorter env values."
        )
    if not target.embed.enabled:
        warnings.append("Embedding is off for this dashboard: the URL is refused until it is on.")
    return SignOut(url=url, length=len(url), limit=URL_LENGTH_LIMIT, warnings=warnings)
