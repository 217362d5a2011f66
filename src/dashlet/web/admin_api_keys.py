"""``/o/{org}/api-keys``: owners list, make and revoke the organization's API keys.

A new key is in the answer to the POST that made it, and only there: never in a URL, the
session or a later page (only its SHA-256 is stored). The pages call the same functions as the
REST API (``dashlet.auth.api_keys``), whose store writes the audit events.
"""

from __future__ import annotations

from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import Response

from dashlet.auth import api_keys
from dashlet.auth.roles import Action
from dashlet.store.api_keys import ApiKeyInfo, list_api_keys
from dashlet.store.models import ROLES
from dashlet.web.admin_pages import Member, admin_view, form_fields, member, page, redirect
from dashlet.web.embed_routes import services


@dataclass(frozen=True)
class NewKey:
    """A key just made: its listing and the key itself, shown on this one answer."""

    info: ApiKeyInfo
    key: str


def _render(request: Request, me: Member, new: NewKey | None = None) -> Response:
    keys = list_api_keys(services(request).db, me.org)
    return page(request, "api_keys.html", {"me": me, "keys": keys, "roles": ROLES, "new": new})


@admin_view
async def api_keys_page(request: Request) -> Response:
    return _render(request, member(request, Action.MANAGE_API_KEYS))


@admin_view
async def create_key(request: Request) -> Response:
    """The page with the new key shown once (a POST answer, so it is never in a URL or cache)."""
    form = await form_fields(request)
    me = member(request, Action.MANAGE_API_KEYS, form)
    info, key = api_keys.create_api_key(
        services(request).db,
        me.org,
        form.get("name", ""),
        form.get("role", ""),
        actor=me.principal.actor,
    )
    return _render(request, me, NewKey(info, key))


@admin_view
async def revoke_key(request: Request) -> Response:
    me = member(request, Action.MANAGE_API_KEYS, await form_fields(request))
    key_id = int(request.path_params["key_id"])
    api_keys.revoke_api_key(services(request).db, me.org, key_id, actor=me.principal.actor)
    return redirect(f"/o/{me.org}/api-keys", "api_key_revoked")
