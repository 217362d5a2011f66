"""Revocation rules: cut off some tokens without resetting the organization's secret."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from dashlet.errors import ConfigError, NotFound
from dashlet.store.dashboards import find_dashboard
from dashlet.store.database import Database
from dashlet.store.models import Revocation
from dashlet.store.organizations import find_organization

KINDS = ("token", "jti", "issued_before", "env")


@dataclass(frozen=True)
class RevocationInfo:
    id: int
    organization_id: int
    dashboard_id: int | None
    kind: str
    token_digest: str | None
    jti: str | None
    issued_before: dt.datetime | None
    env_name: str | None
    env_value: Any
    created_at: dt.datetime

    @classmethod
    def of(cls, rule: Revocation) -> RevocationInfo:
        return cls(
            id=rule.id,
            organization_id=rule.organization_id,
            dashboard_id=rule.dashboard_id,
            kind=rule.kind,
            token_digest=rule.token_digest,
            jti=rule.jti,
            issued_before=rule.issued_before,
            env_name=rule.env_name,
            env_value=rule.env_value,
            created_at=rule.created_at,
        )


def add_revocation(
    db: Database,
    org_slug: str,
    kind: str,
    *,
    dashboard_slug: str | None = None,
    token_digest: str | None = None,
    jti: str | None = None,
    issued_before: dt.datetime | None = None,
    env_name: str | None = None,
    env_value: Any = None,
) -> RevocationInfo:
    """Add one rule; exactly the fields its kind needs must be given."""
    needs = {
        "token": token_digest is not None,
        "jti": jti is not None,
        "issued_before": issued_before is not None and dashboard_slug is not None,
        "env": env_name is not None and env_value is not None,
    }
    if kind not in KINDS:
        raise ConfigError(f"A revocation rule is one of {', '.join(KINDS)}, not {kind!r}.")
    if not needs[kind]:
        raise ConfigError(f"A {kind!r} revocation rule is missing its value.")
    with db.session() as session:
        org = find_organization(session, org_slug)
        dashboard_id = None
        if dashboard_slug is not None:
            dashboard_id = find_dashboard(session, org, dashboard_slug).id
        rule = Revocation(
            organization_id=org.id,
            dashboard_id=dashboard_id,
            kind=kind,
            token_digest=token_digest,
            jti=jti,
            issued_before=issued_before,
            env_name=env_name,
            env_value=env_value,
        )
        session.add(rule)
        session.flush()
        return RevocationInfo.of(rule)


def list_revocations(db: Database, org_slug: str) -> list[RevocationInfo]:
    with db.session() as session:
        org = find_organization(session, org_slug)
        rules = session.scalars(
            select(Revocation).where(Revocation.organization_id == org.id).order_by(Revocation.id)
        )
        return [RevocationInfo.of(rule) for rule in rules]


def remove_revocation(db: Database, org_slug: str, rule_id: int) -> None:
    with db.session() as session:
        org = find_organization(session, org_slug)
        rule = session.get(Revocation, rule_id)
        if rule is None or rule.organization_id != org.id:
            raise NotFound(f"Organization {org_slug!r} has no revocation rule {rule_id}.")
        session.delete(rule)
