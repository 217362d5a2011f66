"""Organizations and their embed secrets (made at creation, encrypted at rest)."""

from __future__ import annotations

import datetime as dt
import re
import secrets
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from dashlet.errors import ConfigError, NotFound
from dashlet.store.database import Database
from dashlet.store.models import Organization

SLUG = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")
SECRET_BYTES = 32


def new_embed_secret() -> str:
    """A fresh embed secret: 32 random bytes as URL-safe text (43 characters)."""
    return secrets.token_urlsafe(SECRET_BYTES)


@dataclass(frozen=True)
class OrganizationInfo:
    id: int
    slug: str
    name: str
    legacy_enabled: bool
    frame_ancestors: tuple[str, ...]
    secret_version: int
    created_at: dt.datetime

    @classmethod
    def of(cls, org: Organization) -> OrganizationInfo:
        return cls(
            id=org.id,
            slug=org.slug,
            name=org.name,
            legacy_enabled=org.legacy_enabled,
            frame_ancestors=tuple(org.frame_ancestors or ()),
            secret_version=org.secret_version,
            created_at=org.created_at,
        )


def check_slug(slug: str) -> str:
    if not SLUG.match(slug):
        raise ConfigError(
            f"{slug!r} is not a valid slug: use 1-64 lowercase letters, digits and inner hyphens."
        )
    return slug


def find_organization(session: Session, slug: str) -> Organization:
    org = session.scalar(select(Organization).where(Organization.slug == slug))
    if org is None:
        raise NotFound(f"There is no organization {slug!r}.")
    return org


def create_organization(db: Database, slug: str, name: str | None = None) -> OrganizationInfo:
    """Create an organization with a new embed secret; the slug must be free."""
    check_slug(slug)
    org = Organization(
        slug=slug,
        name=name or slug,
        embed_secret=db.box.encrypt(new_embed_secret()),
        secret_version=1,
        legacy_enabled=True,
        frame_ancestors=[],
    )
    try:
        with db.session() as session:
            session.add(org)
            session.flush()
            return OrganizationInfo.of(org)
    except IntegrityError:
        raise ConfigError(f"An organization with slug {slug!r} already exists.") from None


def get_organization(db: Database, slug: str) -> OrganizationInfo:
    with db.session() as session:
        return OrganizationInfo.of(find_organization(session, slug))


def reveal_secret(db: Database, slug: str) -> str:
    """The organization's current embed secret, decrypted."""
    with db.session() as session:
        return db.box.decrypt(find_organization(session, slug).embed_secret)


def signing_secrets(db: Database, slug: str) -> tuple[str, str | None, dt.datetime | None]:
    """The current secret, the previous one (if any) and when the previous one stops working."""
    with db.session() as session:
        org = find_organization(session, slug)
        previous = db.box.decrypt(org.previous_secret) if org.previous_secret else None
        return db.box.decrypt(org.embed_secret), previous, org.previous_secret_until


def reset_secret(db: Database, slug: str) -> str:
    """Replace the embed secret at once (no grace window); returns the new secret."""
    secret = new_embed_secret()
    with db.session() as session:
        org = find_organization(session, slug)
        org.embed_secret = db.box.encrypt(secret)
        org.previous_secret = None
        org.previous_secret_until = None
        org.secret_version += 1
    return secret


MAX_GRACE = dt.timedelta(hours=24)


def rotate_secret(db: Database, slug: str, grace: dt.timedelta) -> str:
    """Make a new secret while the current one stays valid for ``grace`` (at most 24 h)."""
    if not dt.timedelta(0) < grace <= MAX_GRACE:
        raise ConfigError("The grace window must be more than 0 and at most 24 hours.")
    secret = new_embed_secret()
    with db.session() as session:
        org = find_organization(session, slug)
        org.previous_secret = org.embed_secret
        org.previous_secret_until = dt.datetime.now(dt.UTC) + grace
        org.embed_secret = db.box.encrypt(secret)
        org.secret_version += 1
    return secret


def set_legacy_enabled(db: Database, slug: str, enabled: bool) -> OrganizationInfo:
    """Turn the Embedding 1.0 URLs on or off for an organization."""
    with db.session() as session:
        org = find_organization(session, slug)
        org.legacy_enabled = enabled
        return OrganizationInfo.of(org)


ORIGIN = re.compile(r"^(https?://(\*\.)?[a-z0-9.-]+(:\d{1,5})?|'self')$")


def set_frame_ancestors(db: Database, slug: str, origins: list[str]) -> OrganizationInfo:
    """Set the origins allowed to frame this organization's embeds (empty = any origin)."""
    cleaned = [origin.strip().rstrip("/").lower() for origin in origins if origin.strip()]
    for origin in cleaned:
        if not ORIGIN.match(origin):
            raise ConfigError(
                f"{origin!r} is not an origin: use scheme://host[:port], e.g. https://app.example.com."
            )
    with db.session() as session:
        org = find_organization(session, slug)
        org.frame_ancestors = cleaned
        return OrganizationInfo.of(org)
