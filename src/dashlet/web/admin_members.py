"""``/o/{org}/members``: add a member (a new user with a first password), change roles, remove.

The store refuses (``conflict``) any change that would leave the organization without an owner.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from dashlet.auth.passwords import hash_password
from dashlet.auth.roles import Action
from dashlet.errors import Conflict, DashletError
from dashlet.store import members as stored
from dashlet.store.audit import record_event
from dashlet.store.models import ROLES
from dashlet.store.users import add_member, normalize_email
from dashlet.web.admin_account import MIN_PASSWORD
from dashlet.web.admin_pages import admin_view, form_fields, member, page, redirect
from dashlet.web.embed_routes import services


def _url(org: str) -> str:
    return f"/o/{org}/members"


@admin_view
async def members_page(request: Request) -> Response:
    me = member(request, Action.MANAGE_MEMBERS)
    listed = stored.list_members(services(request).db, me.org)
    return page(request, "members.html", {"me": me, "members": listed, "roles": ROLES})


@admin_view
async def invite(request: Request) -> Response:
    form = await form_fields(request)
    me = member(request, Action.MANAGE_MEMBERS, form)
    db = services(request).db
    email = normalize_email(form.get("email", ""))
    password = form.get("password", "")
    if not MIN_PASSWORD <= len(password) <= 1024:
        raise DashletError(
            f"The first password needs {MIN_PASSWORD} to 1,024 characters.", code="invalid_request"
        )
    if any(m.email == email for m in stored.list_members(db, me.org)):
        raise Conflict(f"{email} is already a member; change their role instead.")
    added = add_member(db, email, hash_password(password), me.org, form.get("role", ""))
    detail = {"user_id": added.user_id, "email": added.email, "role": added.role}
    record_event(db, me.org, me.principal.actor, "member.added", detail)
    return redirect(_url(me.org), "member_added")


def _user_id(request: Request) -> int:
    return int(request.path_params["user_id"])


@admin_view
async def change_role(request: Request) -> Response:
    form = await form_fields(request)
    me = member(request, Action.MANAGE_MEMBERS, form)
    db = services(request).db
    stored.change_role(
        db, me.org, _user_id(request), form.get("role", ""), actor=me.principal.actor
    )
    return redirect(_url(me.org), "member_changed")


@admin_view
async def remove(request: Request) -> Response:
    me = member(request, Action.MANAGE_MEMBERS, await form_fields(request))
    stored.remove_member(services(request).db, me.org, _user_id(request), actor=me.principal.actor)
    return redirect(_url(me.org), "member_removed")
