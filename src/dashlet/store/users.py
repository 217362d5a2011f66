"""Users and their memberships (one role per organization)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from dashlet.errors import ConfigError
from dashlet.store.database import Database
from dashlet.store.models import ROLES, Membership, User
from dashlet.store.organizations import find_organization


@dataclass(frozen=True)
class MemberInfo:
    user_id: int
    email: str
    organization: str
    role: str


def normalize_email(email: str) -> str:
    email = email.strip().lower()
    local, _, domain = email.partition("@")
    if not local or "." not in domain or " " in email:
        raise ConfigError(f"{email!r} is not an email address.")
    return email


def add_member(
    db: Database, email: str, password_hash: str, org_slug: str, role: str
) -> MemberInfo:
    """Create the user if new (keeping an existing user's password) and give them ``role``."""
    if role not in ROLES:
        raise ConfigError(f"Role must be one of {', '.join(ROLES)}, not {role!r}.")
    email = normalize_email(email)
    try:
        with db.session() as session:
            org = find_organization(session, org_slug)
            user = session.scalar(select(User).where(User.email == email))
            if user is None:
                user = User(email=email, password_hash=password_hash)
                session.add(user)
                session.flush()
            membership = session.scalar(
                select(Membership).where(
                    Membership.user_id == user.id, Membership.organization_id == org.id
                )
            )
            if membership is None:
                session.add(Membership(user_id=user.id, organization_id=org.id, role=role))
            else:
                membership.role = role
            return MemberInfo(user_id=user.id, email=email, organization=org.slug, role=role)
    except IntegrityError:
        raise ConfigError(f"User {email!r} could not be added; try again.") from None
