"""Who is calling: a signed-in member or an API key, with one role in one organization.

Every admin page and API route turns its credentials into a ``Principal`` for the organization
in its URL, then asks ``Principal.require(action)``; the role table in ``dashlet.auth.roles``
decides.
"""

from __future__ import annotations

from dataclasses import dataclass

from dashlet.auth.roles import Action, require
from dashlet.auth.sessions import SignedIn
from dashlet.errors import AccessDenied
from dashlet.store.api_keys import ApiKeyInfo
from dashlet.store.database import Database
from dashlet.store.members import membership_in


@dataclass(frozen=True)
class Principal:
    """A caller acting in one organization; ``actor`` is how the audit log names them."""

    organization: str
    organization_id: int
    role: str
    actor: str  # a user's email, or "api-key:NAME"
    user_id: int | None = None
    api_key_id: int | None = None

    def require(self, action: Action) -> Principal:
        """This principal, if its role allows ``action``; else AccessDenied (``forbidden``)."""
        require(self.role, action)
        return self


def member_principal(db: Database, signed_in: SignedIn, org_slug: str) -> Principal:
    """The signed-in user acting in ``org_slug``; AccessDenied unless a member there."""
    membership = membership_in(db, signed_in.user_id, org_slug)
    if membership is None:
        raise AccessDenied(f"You are not a member of organization {org_slug!r}.")
    return Principal(
        organization=membership.slug,
        organization_id=membership.organization_id,
        role=membership.role,
        actor=signed_in.email,
        user_id=signed_in.user_id,
    )


def api_key_principal(key: ApiKeyInfo, org_slug: str) -> Principal:
    """The API key acting in ``org_slug``; AccessDenied when the key belongs elsewhere."""
    if key.organization != org_slug:
        raise AccessDenied("This API key belongs to another organization.")
    return Principal(
        organization=key.organization,
        organization_id=key.organization_id,
        role=key.role,
        actor=f"api-key:{key.name}",
        api_key_id=key.id,
    )
