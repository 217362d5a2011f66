"""``/o/{org}/embedding``: the secret (hidden until revealed), reset and rotate, revocation rules,
the frame-ancestors allow-list, the legacy 1.0 switch and the token-explain tool. Owners only;
every change, and every reveal, is in the audit log."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from dashlet.auth.roles import Action
from dashlet.embed.explain import explain_token
from dashlet.embed.tokens import token_digest
from dashlet.errors import DashletError
from dashlet.store import organizations, revocations
from dashlet.store.audit import record_event
from dashlet.store.dashboards import list_dashboards
from dashlet.store.usage import usage_report
from dashlet.web import guards
from dashlet.web.admin_pages import Member, admin_view, form_fields, member, page, redirect
from dashlet.web.embed_routes import services

MAX_GRACE_MINUTES = 24 * 60
CONFIRM_RESET = "reset"
SUGGESTED_ORIGINS = "https://app.example.com https://*.example.com"


def _url(me: Member) -> str:
    return f"/o/{me.org}/embedding"


def _render(request: Request, me: Member, **extra: Any) -> Response:
    db = services(request).db
    found = organizations.get_organization(db, me.org)
    _, _, previous_until = organizations.signing_secrets(db, me.org)
    context = {
        "me": me,
        "organization": found,
        "previous_until": previous_until,
        "rules": revocations.list_revocations(db, me.org),
        "dashboards": list_dashboards(db, me.org),
        "legacy_loads": [
            (u.slug, u.legacy_loads) for u in usage_report(db, me.org) if u.legacy_loads
        ],
        "suggested_origins": SUGGESTED_ORIGINS,
        "secret": None,
        "checks": None,
        **extra,
    }
    return page(request, "embedding.html", context)


@admin_view
async def embedding_page(request: Request) -> Response:
    return _render(request, member(request, Action.MANAGE_EMBED))


@admin_view
async def reveal_secret(request: Request) -> Response:
    """The page with the secret shown (a POST answer, so the secret is never in a URL or cache)."""
    me = member(request, Action.MANAGE_SECRET, await form_fields(request))
    db = services(request).db
    record_event(db, me.org, me.principal.actor, "secret.revealed")
    return _render(request, me, secret=organizations.reveal_secret(db, me.org))


@admin_view
async def reset_secret(request: Request) -> Response:
    form = await form_fields(request)
    me = member(request, Action.MANAGE_SECRET, form)
    if form.get("confirm") != CONFIRM_RESET:
        raise DashletError(
            f"Type {CONFIRM_RESET!r} to confirm: every embed breaks at once.",
            code="invalid_request",
        )
    db = services(request).db
    organizations.reset_secret(db, me.org)
    version = organizations.get_organization(db, me.org).secret_version
    record_event(db, me.org, me.principal.actor, "secret.reset", {"version": version})
    return redirect(_url(me), "secret_reset")


@admin_view
async def rotate_secret(request: Request) -> Response:
    form = await form_fields(request)
    me = member(request, Action.MANAGE_SECRET, form)
    minutes = _whole_number(form.get("grace_minutes", ""), "grace_minutes", MAX_GRACE_MINUTES)
    db = services(request).db
    organizations.rotate_secret(db, me.org, dt.timedelta(minutes=minutes))
    version = organizations.get_organization(db, me.org).secret_version
    detail = {"version": version, "grace_seconds": minutes * 60}
    record_event(db, me.org, me.principal.actor, "secret.rotated", detail)
    return redirect(_url(me), "secret_rotated")


def _whole_number(raw: str, field: str, most: int) -> int:
    if not raw.strip().isdigit() or int(raw) > most:
        raise DashletError(
            f"{field} must be a whole number from 0 to {most}.", code="invalid_request"
        )
    return int(raw)


def _scalar(raw: str) -> object:
    """An env value typed in a form: JSON when it reads as a number or boolean, else text."""
    try:
        value = json.loads(raw)
    except ValueError:
        return raw
    return value if isinstance(value, int | float | bool) else raw


def _rule_fields(form: Mapping[str, str]) -> dict[str, Any]:
    kind = form.get("kind", "")
    token = form.get("token", "").strip()
    before = form.get("issued_before", "").strip()
    try:
        issued_before = dt.datetime.fromisoformat(before).replace(tzinfo=dt.UTC) if before else None
    except ValueError as error:
        raise DashletError(
            "issued_before must be a date and time.", code="invalid_request"
        ) from error
    return {
        "dashboard_slug": form.get("dashboard") or None,
        "token_digest": token_digest(token) if kind == "token" and token else None,
        "jti": (form.get("jti", "").strip() or None) if kind == "jti" else None,
        "issued_before": issued_before if kind == "issued_before" else None,
        "env_name": (form.get("env_name", "").strip() or None) if kind == "env" else None,
        "env_value": _scalar(form.get("env_value", "").strip()) if kind == "env" else None,
    }


@admin_view
async def add_revocation(request: Request) -> Response:
    form = await form_fields(request)
    me = member(request, Action.MANAGE_REVOCATIONS, form)
    kind = form.get("kind", "")
    fields = _rule_fields(form)
    if kind == "env" and fields["env_value"] == "":
        fields["env_value"] = None
    db = services(request).db
    rule = revocations.add_revocation(db, me.org, kind, **fields)
    detail = {"id": rule.id, "kind": kind}
    record_event(db, me.org, me.principal.actor, "revocation.added", detail)
    return redirect(_url(me), "revocation_added")


@admin_view
async def remove_revocation(request: Request) -> Response:
    me = member(request, Action.MANAGE_REVOCATIONS, await form_fields(request))
    rule_id = int(request.path_params["rule_id"])
    db = services(request).db
    revocations.remove_revocation(db, me.org, rule_id)
    record_event(db, me.org, me.principal.actor, "revocation.removed", {"id": rule_id})
    return redirect(_url(me), "revocation_removed")


@admin_view
async def change_embedding(request: Request) -> Response:
    """The frame-ancestors allow-list (whitespace-separated) and the legacy 1.0 switch."""
    form = await form_fields(request)
    me = member(request, Action.MANAGE_EMBED, form)
    db = services(request).db
    origins = form.get("frame_ancestors", "").split()
    legacy = form.get("legacy_enabled") == "on"
    organizations.set_frame_ancestors(db, me.org, origins)
    organizations.set_legacy_enabled(db, me.org, legacy)
    detail = {"frame_ancestors": origins, "legacy_enabled": legacy}
    record_event(db, me.org, me.principal.actor, "embedding.changed", detail)
    return redirect(_url(me), "embedding_saved")


@admin_view
async def explain(request: Request) -> Response:
    """Every check of a pasted token with its verdict (answered to the POST: tokens stay out of URLs)."""
    form = await form_fields(request)
    me = member(request, Action.EXPLAIN_TOKENS, form)
    found = services(request)
    entry = found.directory.organization(me.org)
    moment = guards.now()
    checks = explain_token(
        form.get("token", "").strip()[:16_384],
        keys=entry.keys_at(moment),
        organization_id=entry.info.id,
        dashboards={d.id: d for d in list_dashboards(found.db, me.org)},
        now=moment.timestamp(),
        leeway=found.settings.token_leeway,
        revocations=entry.revocations,
    )
    return _render(request, me, checks=checks)
