"""Members of an organization: listing, role changes and removal, never leaving it ownerless.

Adding a member is ``dashlet.store.users.add_member``; this module holds what an owner does to
members afterwards, and what signing in needs to know about a user.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dashlet.errors import ConfigError, Conflict, NotFound
from dashlet.store.audit import add_event
from dashlet.store.database import Database
from dashlet.store.models import ROLES, Membership, Organization, User
from dashlet.store.organizations import find_organization
from dashlet.store.users import MemberInfo


@dataclass(frozen=True)
class Account:
    """A user as signing in sees it: the password hash never leaves the auth layer."""

    id: int
    email: str
    password_hash: str


@dataclass(frozen=True)
class OrganizationRole:
    """One organization a user belongs to, and the role there."""

    organization_id: int
    slug: str
    name: str
    role: str


def find_account(db: Database, email: str) -> Account | None:
    with db.session() as session:
        user = session.scalar(select(User).where(User.email == email))
        return None if user is None else Account(user.id, user.email, user.password_hash)


def get_account(db: Database, user_id: int) -> Account:
    with db.session() as session:
        user = session.get(User, user_id)
        if user is None:
            raise NotFound(f"There is no user {user_id}.")
        return Account(user.id, user.email, user.password_hash)


def set_password_hash(db: Database, user_id: int, password_hash: str) -> None:
    with db.session() as session:
        session.get_one(User, user_id).password_hash = password_hash


def organizations_of(db: Database, user_id: int) -> list[OrganizationRole]:
    """Every organization the user belongs to, in slug order."""
    with db.session() as session:
        rows = session.execute(
            select(Organization.id, Organization.slug, Organization.name, Membership.role)
            .join(Membership, Membership.organization_id == Organization.id)
            .where(Membership.user_id == user_id)
            .order_by(Organization.slug)
        ).all()
        return [OrganizationRole(*row) for row in rows]


def membership_in(db: Database, user_id: int, org_slug: str) -> OrganizationRole | None:
    """The user's role in the organization, or None when not a member (or no such org)."""
    with db.session() as session:
        row = session.execute(
            select(Organization.id, Organization.slug, Organization.name, Membership.role)
            .join(Membership, Membership.organization_id == Organization.id)
            .where(Membership.user_id == user_id, Organization.slug == org_slug)
        ).first()
        return None if row is None else OrganizationRole(*row)


def list_members(db: Database, org_slug: str) -> list[MemberInfo]:
    """The organization's members, in email order."""
    with db.session() as session:
        org = find_organization(session, org_slug)
        rows = session.execute(
            select(User.id, User.email, Membership.role)
            .join(Membership, Membership.user_id == User.id)
            .where(Membership.organization_id == org.id)
            .order_by(User.email)
        ).all()
        return [MemberInfo(user_id, email, org.slug, role) for user_id, email, role in rows]


def _locked_membership(session: Session, org_slug: str, user_id: int) -> tuple[int, Membership]:
    # Locking the organization row serializes owner changes on PostgreSQL; SQLite has one writer.
    org = session.scalar(
        select(Organization).where(Organization.slug == org_slug).with_for_update()
    )
    if org is None:
        raise NotFound(f"There is no organization {org_slug!r}.")
    membership = session.scalar(
        select(Membership).where(
            Membership.organization_id == org.id, Membership.user_id == user_id
        )
    )
    if membership is None:
        raise NotFound(f"User {user_id} is not a member of {org_slug!r}.")
    return org.id, membership


def _require_an_owner(session: Session, organization_id: int) -> None:
    session.flush()
    owners = session.scalar(
        select(func.count()).where(
            Membership.organization_id == organization_id, Membership.role == "owner"
        )
    )
    if not owners:
        raise Conflict("An organization always keeps at least one owner.")


def change_role(db: Database, org_slug: str, user_id: int, role: str, *, actor: str) -> MemberInfo:
    """Give a member another role; refused (Conflict) when it would leave no owner."""
    if role not in ROLES:
        raise ConfigError(f"Role must be one of {', '.join(ROLES)}, not {role!r}.")
    with db.session() as session:
        organization_id, membership = _locked_membership(session, org_slug, user_id)
        before = membership.role
        email = session.get_one(User, user_id).email
        if before != role:
            membership.role = role
            if before == "owner":
                _require_an_owner(session, organization_id)
            # The email too: the log is read by people, and a user id says nothing to them.
            detail = {"user_id": user_id, "email": email, "from": before, "to": role}
            add_event(session, organization_id, actor, "member.role_changed", detail)
        return MemberInfo(user_id, email, org_slug, role)


def remove_member(db: Database, org_slug: str, user_id: int, *, actor: str) -> None:
    """Take a member out of the organization; refused (Conflict) for the last owner."""
    with db.session() as session:
        organization_id, membership = _locked_membership(session, org_slug, user_id)
        email = session.get_one(User, user_id).email
        detail = {"user_id": user_id, "email": email, "role": membership.role}
        session.delete(membership)
        if detail["role"] == "owner":
            _require_an_owner(session, organization_id)
        add_event(session, organization_id, actor, "member.removed", detail)
