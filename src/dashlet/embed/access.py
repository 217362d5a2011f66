"""Deciding what one dashboard request may see: the SPEC's rules in the order it gives them.

Embed: URL -> organization and dashboard -> token (size, shape, header, signature, claims) ->
revocation -> embedding enabled -> variables (env locks, viewer choices, defaults, required).
Every refusal that concerns a known dashboard is counted for its usage statistics.

A signed-in member's native view (``member_grant``) has none of the embed checks: the web layer
checks the session and role first, and the member then sets every variable, hidden ones too.
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
class Grant:
    """A request that passed every check: who it is for and the values its queries bind.

    ``token`` is the verified embed token, or None for a signed-in member: only embed grants
    count usage.
    """

    organization: OrganizationEntry
    dashboard: DashboardDef
    values: dict[str, object]
    editable: tuple[VariableDef, ...]  # what the viewer may set
    locked: frozenset[str]  # set by the token's env: no viewer can change them
    expires_at: float | None  # the token's exp; None when no token limits the view
    allow_csv: bool
    token: VerifiedToken | None = None

    @property
    def usage_value(self) -> str:
        return usage_value(self.dashboard, self.values)


def _embed_editable(dashboard: DashboardDef, token: VerifiedToken) -> tuple[VariableDef, ...]:
    """Variables an embed viewer may set (none unless the dashboard allows it)."""
    if not dashboard.embed.allow_viewer_variables:
        return ()
    return tuple(v for v in dashboard.variables if not v.hidden and v.name not in token.env)


def viewer_choices(
    dashboard: DashboardDef,
    editable: Sequence[VariableDef],
    viewer: Mapping[str, Sequence[str]],
) -> dict[str, object]:
    """The viewer's raw ``var.NAME`` values, refused for any variable not in ``editable``."""
    chosen: dict[str, object] = {}
    for name, raws in viewer.items():
        variable = dashboard.variable(name)
        if variable is None:
            raise VariableError(
                name[:40],
                f"Variable {name[:40]!r} is not declared by this dashboard.",
                code="unknown_variable",
            )
        if variable not in editable:
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


def embed_grant(
    organization: OrganizationEntry,
    dashboard: DashboardDef,
    token: VerifiedToken,
    viewer: Mapping[str, Sequence[str]],
) -> Grant:
    """An embed request's grant: the token's env locked, the viewer's choices where allowed."""
    editable = _embed_editable(dashboard, token)
    given = {**viewer_choices(dashboard, editable, viewer), **token.env}
    return Grant(
        organization,
        dashboard,
        resolve_values(dashboard.variables, given),
        editable,
        frozenset(token.env),
        token.exp,
        dashboard.embed.allow_csv,
        token,
    )


def member_grant(
    organization: OrganizationEntry,
    dashboard: DashboardDef,
    viewer: Mapping[str, Sequence[str]],
) -> Grant:
    """A signed-in member's request: every variable is theirs to set, CSV always allowed.

    Call it only after the member's session and role were checked (``dashlet.web``).
    """
    given = viewer_choices(dashboard, dashboard.variables, viewer)
    return _member(organization, dashboard, resolve_values(dashboard.variables, given))


def member_page_grant(organization: OrganizationEntry, dashboard: DashboardDef) -> Grant:
    """The native view's page: each variable starts at its default, none refused for lacking one.

    A required variable without a default starts empty: its charts are refused until the
    member sets it. Call it only after the session check, as ``member_grant``.
    """
    with_default = [v for v in dashboard.variables if v.default is not None]
    return _member(organization, dashboard, resolve_values(with_default, {}))


def _member(
    organization: OrganizationEntry, dashboard: DashboardDef, values: dict[str, object]
) -> Grant:
    return Grant(organization, dashboard, values, dashboard.variables, frozenset(), None, True)


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
    ) -> Grant:
        """Every check of the SPEC for one request; refusals are counted per dashboard."""
        try:
            if legacy and not organization.info.legacy_enabled:
                raise Refusal(code="legacy_disabled")
            verified = self._verify(organization, dashboard, token, now)
            return embed_grant(organization, dashboard, verified, viewer)
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
    ) -> Grant:
        """Authorize a page load and count it (and its token, if never seen before)."""
        grant = self.authorize(organization, dashboard, token, {}, now, legacy=legacy)
        assert grant.token is not None  # the gate's grants always carry their token
        self.usage.record_load(dashboard, grant.token, grant.usage_value, now, legacy=legacy)
        return grant

    def _verify(
        self,
        organization: OrganizationEntry,
        dashboard: DashboardDef,
        token: str | None,
        now: dt.datetime,
    ) -> VerifiedToken:
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
        return verified
