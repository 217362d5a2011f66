"""Deciding what one embed request may see: the SPEC's rules in the order it gives them.

URL -> organization and dashboard -> token (size, shape, header, signature, claims) ->
revocation -> embedding enabled -> variables (env locks, viewer choices, defaults, required).
Every refusal that concerns a known dashboard is counted for its usage statistics.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from dashlet.embed.directory import EmbedDirectory, OrganizationEntry
from dashlet.embed.tokens import VerifiedToken, VerifiedTokens
from dashlet.embed.usage import UsageRecorder, usage_value
from dashlet.errors import DashletError, NotFound, Refusal, VariableError
from dashlet.query.values import resolve_values
from dashlet.spec.schema import SLUG as DASHBOARD_SLUG
from dashlet.store.definitions import DashboardDef, VariableDef
from dashlet.store.organizations import SLUG as ORGANIZATION_SLUG


@dataclass(frozen=True)
class EmbedGrant:
    """A request that passed every check: who it is for and the values its queries bind."""

    organization: OrganizationEntry
    dashboard: DashboardDef
    token: VerifiedToken
    values: dict[str, object]

    @property
    def locked(self) -> frozenset[str]:
        """Variables set by the token's env: no viewer can change them."""
        return frozenset(self.token.env)

    @property
    def editable(self) -> tuple[VariableDef, ...]:
        """Variables the viewer may set (none unless the dashboard allows it)."""
        if not self.dashboard.embed.allow_viewer_variables:
            return ()
        return tuple(
            v for v in self.dashboard.variables if not v.hidden and v.name not in self.token.env
        )

    @property
    def usage_value(self) -> str:
        return usage_value(self.dashboard, self.values)


def viewer_choices(
    dashboard: DashboardDef, token: VerifiedToken, viewer: Mapping[str, Sequence[str]]
) -> dict[str, object]:
    """The viewer's raw ``var.NAME`` values, refused unless the dashboard lets viewers set them."""
    chosen: dict[str, object] = {}
    for name, raws in viewer.items():
        variable = dashboard.variable(name)
        if variable is None:
            raise VariableError(
                name[:40],
                f"Variable {name[:40]!r} is not declared by this dashboard.",
                code="unknown_variable",
            )
        if not dashboard.embed.allow_viewer_variables or variable.hidden or name in token.env:
            raise VariableError(
                name,
                f"Variable {name} is set by the application and cannot be changed.",
                code="variable_locked",
            )
        if variable.multi:
            chosen[name] = list(raws)
        elif len(raws) == 1:
            chosen[name] = raws[0]
        else:
            raise VariableError(name, f"Variable {name} takes one value, not {len(raws)}.")
    return chosen


class EmbedGate:
    """Authorizes embed requests against the directory and counts what happens."""

    def __init__(self, directory: EmbedDirectory, usage: UsageRecorder, leeway: float) -> None:
        self.directory = directory
        self.usage = usage
        self.leeway = leeway
        self.tokens = VerifiedTokens()

    def dashboard(
        self, org_slug: str, dashboard_slug: str
    ) -> tuple[OrganizationEntry, DashboardDef]:
        # Text no slug can be never reaches the database (a NUL breaks PostgreSQL's driver).
        if not (ORGANIZATION_SLUG.match(org_slug) and DASHBOARD_SLUG.match(dashboard_slug)):
            raise NotFound()
        organization = self.directory.organization(org_slug)
        return organization, self.directory.dashboard(organization.info.id, dashboard_slug)

    def dashboard_by_id(self, dashboard_id: int) -> tuple[OrganizationEntry, DashboardDef]:
        dashboard = self.directory.dashboard_by_id(dashboard_id)
        return self.directory.organization_by_id(dashboard.organization_id), dashboard

    def authorize(
        self,
        organization: OrganizationEntry,
        dashboard: DashboardDef,
        token: str | None,
        viewer: Mapping[str, Sequence[str]],
        now: dt.datetime,
        *,
        legacy: bool = False,
    ) -> EmbedGrant:
        """Every check of the SPEC for one request; refusals are counted per dashboard."""
        try:
            if legacy and not organization.info.legacy_enabled:
                raise Refusal(code="legacy_disabled")
            return self._grant(organization, dashboard, token, viewer, now)
        except DashletError as refusal:
            self.usage.record_refusal(dashboard.id, refusal.code, now)
            raise

    def open_page(
        self,
        organization: OrganizationEntry,
        dashboard: DashboardDef,
        token: str | None,
        now: dt.datetime,
        *,
        legacy: bool = False,
    ) -> EmbedGrant:
        """Authorize a page load and count it (and its token, if never seen before)."""
        grant = self.authorize(organization, dashboard, token, {}, now, legacy=legacy)
        self.usage.record_load(dashboard, grant.token, grant.usage_value, now, legacy=legacy)
        return grant

    def _grant(
        self,
        organization: OrganizationEntry,
        dashboard: DashboardDef,
        token: str | None,
        viewer: Mapping[str, Sequence[str]],
        now: dt.datetime,
    ) -> EmbedGrant:
        verified = self.tokens.verify(
            token,
            keys=organization.keys_at(now),
            organization_id=organization.info.id,
            dashboard=dashboard,
            now=now.timestamp(),
            leeway=self.leeway,
        )
        organization.revocations.check(verified)
        if not dashboard.embed.enabled:
            raise Refusal(code="embedding_disabled")
        given = {**viewer_choices(dashboard, verified, viewer), **verified.env}
        return EmbedGrant(
            organization, dashboard, verified, resolve_values(dashboard.variables, given)
        )
