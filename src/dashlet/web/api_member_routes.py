"""``/api/v1/orgs/{org}/members`` and ``/api-keys``: who may act in the organization, and how.

An organization always keeps at least one owner (``conflict`` otherwise). An API key is shown
once, in the answer that creates it.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Path
from starlette.requests import Request

from dashlet.auth import api_keys
from dashlet.auth.passwords import hash_password
from dashlet.auth.principals import Principal
from dashlet.auth.roles import Action
from dashlet.errors import Conflict
from dashlet.store import members as stored
from dashlet.store.api_keys import list_api_keys
from dashlet.store.audit import record_event
from dashlet.store.users import add_member, normalize_email
from dashlet.web.api_errors import invalid_input
from dashlet.web.api_owner_models import (
    ApiKeyIn,
    ApiKeyOut,
    MemberIn,
    MemberOut,
    NewApiKeyOut,
    RoleIn,
)
from dashlet.web.embed_routes import services
from dashlet.web.guards import authorize

RowId = Annotated[int, Path(ge=1, le=2**63 - 1)]


def members(
    request: Request, who: Annotated[Principal, authorize(Action.MANAGE_MEMBERS)]
) -> list[MemberOut]:
    """The members and their roles, in email order."""
    found = stored.list_members(services(request).db, who.organization)
    return [MemberOut.model_validate(member) for member in found]


def invite_member(
    request: Request, body: MemberIn, who: Annotated[Principal, authorize(Action.MANAGE_MEMBERS)]
) -> MemberOut:
    """Add a member with a role, creating the user with this first password if new."""
    db = services(request).db
    with invalid_input():
        email = normalize_email(body.email)
        if any(member.email == email for member in stored.list_members(db, who.organization)):
            raise Conflict(f"{email} is already a member; change their role instead.")
        member = add_member(db, email, hash_password(body.password), who.organization, body.role)
    detail = {"user_id": member.user_id, "email": member.email, "role": member.role}
    record_event(db, who.organization, who.actor, "member.added", detail)
    return MemberOut.model_validate(member)


def change_member_role(
    request: Request,
    user_id: RowId,
    body: RoleIn,
    who: Annotated[Principal, authorize(Action.MANAGE_MEMBERS)],
) -> MemberOut:
    """Give a member another role (refused when it would leave the organization ownerless)."""
    db = services(request).db
    member = stored.change_role(db, who.organization, user_id, body.role, actor=who.actor)
    return MemberOut.model_validate(member)


def remove_member(
    request: Request, user_id: RowId, who: Annotated[Principal, authorize(Action.MANAGE_MEMBERS)]
) -> None:
    """Take a member out of the organization (never the last owner)."""
    stored.remove_member(services(request).db, who.organization, user_id, actor=who.actor)


def keys(
    request: Request, who: Annotated[Principal, authorize(Action.MANAGE_API_KEYS)]
) -> list[ApiKeyOut]:
    """The organization's API keys, revoked ones too; never the keys themselves."""
    return [
        ApiKeyOut.model_validate(key)
        for key in list_api_keys(services(request).db, who.organization)
    ]


def create_key(
    request: Request, body: ApiKeyIn, who: Annotated[Principal, authorize(Action.MANAGE_API_KEYS)]
) -> NewApiKeyOut:
    """Make a key with a role. The answer holds the key, shown this once."""
    with invalid_input():
        info, key = api_keys.create_api_key(
            services(request).db, who.organization, body.name, body.role, actor=who.actor
        )
    return NewApiKeyOut.model_validate({**ApiKeyOut.model_validate(info).model_dump(), "key": key})


def revoke_key(
    request: Request, key_id: RowId, who: Annotated[Principal, authorize(Action.MANAGE_API_KEYS)]
) -> None:
    """Revoke a key: refused from the next request on."""
    api_keys.revoke_api_key(services(request).db, who.organization, key_id, actor=who.actor)
