"""The hot path's view of the metadata: organizations, secrets, dashboards and revocation rules.

Each process keeps them in memory and drops them all the moment the store's change notifier
moves (a secret reset from the CLI, a rotation, an apply, a new revocation rule), so no request
is ever served with a stale secret and none waits for a database round trip in the common case.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import ColumnElement, select

from dashlet.embed.revocation import RevocationRules
from dashlet.embed.tokens import TokenKeys
from dashlet.errors import NotFound
from dashlet.store.dashboards import dashboard_def
from dashlet.store.database import Database
from dashlet.store.definitions import DashboardDef
from dashlet.store.models import Dashboard, Organization, Revocation
from dashlet.store.organizations import OrganizationInfo
from dashlet.store.revocations import RevocationInfo


@dataclass(frozen=True)
class OrganizationEntry:
    """What a request needs to know about an organization, decrypted once per change."""

    info: OrganizationInfo
    current_secret: bytes
    previous_secret: bytes | None
    previous_until: dt.datetime | None
    revocations: RevocationRules

    def keys_at(self, now: dt.datetime) -> TokenKeys:
        """The current secret, plus the previous one while its grace window is open."""
        open_window = self.previous_until is not None and now < self.previous_until
        return TokenKeys(self.current_secret, self.previous_secret if open_window else None)


class EmbedDirectory:
    """Per-process cache of organizations and dashboards, invalidated by the change notifier."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self._generation: object = object()
        self._organizations: dict[str, OrganizationEntry] = {}
        self._organizations_by_id: dict[int, OrganizationEntry] = {}
        self._dashboards: dict[tuple[int, str], DashboardDef] = {}
        self._dashboards_by_id: dict[int, DashboardDef] = {}

    def _fresh(self) -> None:
        generation = self.db.notifier.generation()
        if generation != self._generation:
            self._organizations.clear()
            self._organizations_by_id.clear()
            self._dashboards.clear()
            self._dashboards_by_id.clear()
            self._generation = generation

    def organization(self, slug: str) -> OrganizationEntry:
        self._fresh()
        entry = self._organizations.get(slug)
        return entry or self._load_organization(Organization.slug == slug)

    def organization_by_id(self, organization_id: int) -> OrganizationEntry:
        self._fresh()
        entry = self._organizations_by_id.get(organization_id)
        return entry or self._load_organization(Organization.id == organization_id)

    def dashboard(self, organization_id: int, slug: str) -> DashboardDef:
        self._fresh()
        found = self._dashboards.get((organization_id, slug))
        if found is None:
            found = self._load_dashboard(
                (Dashboard.organization_id == organization_id) & (Dashboard.slug == slug)
            )
        return found

    def dashboard_by_id(self, dashboard_id: int) -> DashboardDef:
        self._fresh()
        found = self._dashboards_by_id.get(dashboard_id)
        if found is None:
            found = self._load_dashboard(Dashboard.id == dashboard_id)
        return found

    def _load_organization(self, where: ColumnElement[bool]) -> OrganizationEntry:
        box = self.db.box
        with self.db.session() as session:
            org = session.scalar(select(Organization).where(where))
            if org is None:
                raise NotFound()
            rules = session.scalars(select(Revocation).where(Revocation.organization_id == org.id))
            entry = OrganizationEntry(
                info=OrganizationInfo.of(org),
                current_secret=box.decrypt(org.embed_secret).encode(),
                previous_secret=(
                    box.decrypt(org.previous_secret).encode() if org.previous_secret else None
                ),
                previous_until=org.previous_secret_until,
                revocations=RevocationRules([RevocationInfo.of(rule) for rule in rules]),
            )
        self._organizations[entry.info.slug] = entry
        self._organizations_by_id[entry.info.id] = entry
        return entry

    def _load_dashboard(self, where: ColumnElement[bool]) -> DashboardDef:
        with self.db.session() as session:
            dashboard = session.scalar(select(Dashboard).where(where))
            if dashboard is None:
                raise NotFound()
            found = dashboard_def(self.db, session, dashboard)
        self._dashboards[(found.organization_id, found.slug)] = found
        self._dashboards_by_id[found.id] = found
        return found
