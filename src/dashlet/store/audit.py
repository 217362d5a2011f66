"""The audit log: who did what to an organization, and when.

Events are written by the code that makes the change (``dashlet.auth`` and the web layer), with
the actor as a user's email, ``cli`` or ``api-key:NAME``. A reveal is recorded before the secret
is handed out, so no reveal ever goes unrecorded.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from dashlet.store.database import Database
from dashlet.store.models import AuditEvent
from dashlet.store.organizations import find_organization

ACTIONS = (
    "secret.revealed",
    "secret.reset",
    "secret.rotated",
    "embed.changed",
    "embedding.changed",
    "revocation.added",
    "revocation.removed",
    "login.succeeded",
    "login.failed",
    "password.changed",
    "member.added",
    "member.role_changed",
    "member.removed",
    "api_key.created",
    "api_key.revoked",
    "dashboards.applied",
    "dashboard.deleted",
    "source.created",
    "source.updated",
)
MAX_PAGE = 500


@dataclass(frozen=True)
class AuditEntry:
    id: int
    organization_id: int
    actor: str
    action: str
    detail: dict[str, Any]
    created_at: dt.datetime

    @classmethod
    def of(cls, event: AuditEvent) -> AuditEntry:
        return cls(
            id=event.id,
            organization_id=event.organization_id,
            actor=event.actor,
            action=event.action,
            detail=dict(event.detail or {}),
            created_at=event.created_at,
        )


def add_event(
    session: Session, organization_id: int, actor: str, action: str, detail: dict[str, Any]
) -> None:
    """Record one event inside the caller's transaction (so it commits with the change)."""
    if action not in ACTIONS:
        raise ValueError(f"Unknown audit action {action!r}.")
    session.add(
        AuditEvent(organization_id=organization_id, actor=actor, action=action, detail=detail)
    )


def record_event(
    db: Database, org_slug: str, actor: str, action: str, detail: dict[str, Any] | None = None
) -> None:
    """Record one event in its own transaction."""
    with db.session() as session:
        add_event(session, find_organization(session, org_slug).id, actor, action, detail or {})


def list_events(
    db: Database, org_slug: str, *, limit: int = 100, before_id: int | None = None
) -> list[AuditEntry]:
    """The organization's events, newest first; ``before_id`` pages back through older ones."""
    limit = max(1, min(limit, MAX_PAGE))
    with db.session() as session:
        org = find_organization(session, org_slug)
        query = select(AuditEvent).where(AuditEvent.organization_id == org.id)
        if before_id is not None:
            query = query.where(AuditEvent.id < before_id)
        events = session.scalars(query.order_by(AuditEvent.id.desc()).limit(limit))
        return [AuditEntry.of(event) for event in events]
