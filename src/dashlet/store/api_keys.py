"""Organization API keys: rows keyed by the SHA-256 of the key; the key itself is never stored.

Making keys, checking them and their rules live in ``dashlet.auth.api_keys``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select

from dashlet.errors import NotFound
from dashlet.store.audit import add_event
from dashlet.store.database import Database
from dashlet.store.models import ApiKey, Organization
from dashlet.store.organizations import find_organization


@dataclass(frozen=True)
class ApiKeyInfo:
    """A key as listed to owners: never the key or its hash."""

    id: int
    organization_id: int
    organization: str
    name: str
    role: str
    prefix: str
    created_by: str
    created_at: dt.datetime
    last_used_at: dt.datetime | None
    revoked_at: dt.datetime | None

    @classmethod
    def of(cls, key: ApiKey, org_slug: str) -> ApiKeyInfo:
        return cls(
            id=key.id,
            organization_id=key.organization_id,
            organization=org_slug,
            name=key.name,
            role=key.role,
            prefix=key.prefix,
            created_by=key.created_by,
            created_at=key.created_at,
            last_used_at=key.last_used_at,
            revoked_at=key.revoked_at,
        )


def insert_api_key(
    db: Database, org_slug: str, *, name: str, role: str, prefix: str, key_hash: str, actor: str
) -> ApiKeyInfo:
    """Store a new key and its audit event in one transaction."""
    with db.session() as session:
        org = find_organization(session, org_slug)
        key = ApiKey(
            organization_id=org.id,
            name=name,
            role=role,
            prefix=prefix,
            key_hash=key_hash,
            created_by=actor,
        )
        session.add(key)
        session.flush()
        add_event(
            session, org.id, actor, "api_key.created", {"id": key.id, "name": name, "role": role}
        )
        return ApiKeyInfo.of(key, org.slug)


def find_api_key(db: Database, key_hash: str) -> ApiKeyInfo | None:
    """The key stored under ``key_hash`` (revoked or not), else None."""
    with db.session() as session:
        found = session.execute(
            select(ApiKey, Organization.slug)
            .join(Organization, Organization.id == ApiKey.organization_id)
            .where(ApiKey.key_hash == key_hash)
        ).first()
        return None if found is None else ApiKeyInfo.of(*found)


def note_api_key_used(db: Database, key_id: int, now: dt.datetime) -> None:
    with db.session() as session:
        key = session.get(ApiKey, key_id)
        if key is not None:
            key.last_used_at = now


def list_api_keys(db: Database, org_slug: str) -> list[ApiKeyInfo]:
    """Every key of the organization, revoked ones too, oldest first."""
    with db.session() as session:
        org = find_organization(session, org_slug)
        keys = session.scalars(
            select(ApiKey).where(ApiKey.organization_id == org.id).order_by(ApiKey.id)
        )
        return [ApiKeyInfo.of(key, org.slug) for key in keys]


def revoke_api_key(db: Database, org_slug: str, key_id: int, *, actor: str) -> ApiKeyInfo:
    """Revoke a key at once (idempotent); audited with ``actor``."""
    with db.session() as session:
        org = find_organization(session, org_slug)
        key = session.get(ApiKey, key_id)
        if key is None or key.organization_id != org.id:
            raise NotFound(f"Organization {org_slug!r} has no API key {key_id}.")
        if key.revoked_at is None:
            key.revoked_at = dt.datetime.now(dt.UTC)
            add_event(session, org.id, actor, "api_key.revoked", {"id": key.id, "name": key.name})
        return ApiKeyInfo.of(key, org.slug)
