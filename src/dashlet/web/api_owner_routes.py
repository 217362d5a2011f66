"""``/api/v1/orgs/{org}``: the organization, its embed secret, revocation, usage, token explain
and the audit log. Every change here is audited with who made it."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import Path, Query
from starlette.requests import Request

from dashlet.auth.principals import Principal
from dashlet.auth.roles import Action
from dashlet.embed.explain import explain_token
from dashlet.embed.tokens import token_digest
from dashlet.store import organizations, revocations
from dashlet.store.audit import list_events, record_event
from dashlet.store.dashboards import list_dashboards
from dashlet.store.usage import usage_report
from dashlet.web.api_errors import invalid_input
from dashlet.web.api_models import EmbeddingIn, OrganizationOut
from dashlet.web.api_owner_models import (
    AuditEventOut,
    AuditOut,
    DashboardUsageOut,
    ExplainIn,
    ExplainOut,
    RevocationIn,
    RevocationOut,
    RotateIn,
    SecretChangeOut,
    SecretOut,
    UsageOut,
)
from dashlet.web.embed_routes import services
from dashlet.web.guards import authorize, now

RowId = Annotated[int, Path(ge=1, le=2**63 - 1)]


def organization(
    request: Request, who: Annotated[Principal, authorize(Action.READ_DASHBOARDS)]
) -> OrganizationOut:
    """The organization, and the caller's role in it."""
    found = organizations.get_organization(services(request).db, who.organization)
    return OrganizationOut.of(found, who.role)


def change_embedding(
    request: Request, body: EmbeddingIn, who: Annotated[Principal, authorize(Action.MANAGE_EMBED)]
) -> OrganizationOut:
    """Turn the legacy 1.0 URLs on or off, and set the origins allowed to frame embeds."""
    db = services(request).db
    found = organizations.get_organization(db, who.organization)
    with invalid_input():
        if body.legacy_enabled is not None:
            found = organizations.set_legacy_enabled(db, who.organization, body.legacy_enabled)
        if body.frame_ancestors is not None:
            found = organizations.set_frame_ancestors(db, who.organization, body.frame_ancestors)
    changes = body.model_dump(exclude_none=True)
    if changes:
        record_event(db, who.organization, who.actor, "embedding.changed", changes)
    return OrganizationOut.of(found, who.role)


def reveal_secret(
    request: Request, who: Annotated[Principal, authorize(Action.MANAGE_SECRET)]
) -> SecretOut:
    """The embed secret. Each reveal is in the audit log (written before the secret is sent)."""
    db = services(request).db
    record_event(db, who.organization, who.actor, "secret.revealed")
    found = organizations.get_organization(db, who.organization)
    return SecretOut(
        secret=organizations.reveal_secret(db, who.organization),
        secret_version=found.secret_version,
    )


def reset_secret(
    request: Request, who: Annotated[Principal, authorize(Action.MANAGE_SECRET)]
) -> SecretChangeOut:
    """A new secret at once: every token signed with the old one fails, in every process."""
    db = services(request).db
    organizations.reset_secret(db, who.organization)
    found = organizations.get_organization(db, who.organization)
    record_event(db, who.organization, who.actor, "secret.reset", {"version": found.secret_version})
    return SecretChangeOut(secret_version=found.secret_version, previous_valid_until=None)


def rotate_secret(
    request: Request, body: RotateIn, who: Annotated[Principal, authorize(Action.MANAGE_SECRET)]
) -> SecretChangeOut:
    """A new secret, while the old one keeps working for the grace window (at most 24 h)."""
    db = services(request).db
    organizations.rotate_secret(db, who.organization, dt.timedelta(seconds=body.grace_seconds))
    _, _, until = organizations.signing_secrets(db, who.organization)
    found = organizations.get_organization(db, who.organization)
    detail = {"version": found.secret_version, "grace_seconds": body.grace_seconds}
    record_event(db, who.organization, who.actor, "secret.rotated", detail)
    return SecretChangeOut(secret_version=found.secret_version, previous_valid_until=until)


def list_revocations(
    request: Request, who: Annotated[Principal, authorize(Action.MANAGE_REVOCATIONS)]
) -> list[RevocationOut]:
    """The revocation rules, oldest first."""
    rules = revocations.list_revocations(services(request).db, who.organization)
    return [RevocationOut.of(rule) for rule in rules]


def add_revocation(
    request: Request,
    body: RevocationIn,
    who: Annotated[Principal, authorize(Action.MANAGE_REVOCATIONS)],
) -> RevocationOut:
    """Add a rule: one token (by token or digest), a jti, a dashboard's tokens issued before a
    time, or every token whose env has a value. It applies at once, in every process."""
    db = services(request).db
    digest = token_digest(body.token) if body.token is not None else body.token_digest
    with invalid_input():
        rule = revocations.add_revocation(
            db,
            who.organization,
            body.kind,
            dashboard_slug=body.dashboard,
            token_digest=digest if body.kind == "token" else None,
            jti=body.jti if body.kind == "jti" else None,
            issued_before=body.issued_before if body.kind == "issued_before" else None,
            env_name=body.env_name if body.kind == "env" else None,
            env_value=body.env_value if body.kind == "env" else None,
        )
    added = RevocationOut.of(rule)
    detail = added.model_dump(mode="json", exclude_none=True, exclude={"created_at"})
    record_event(db, who.organization, who.actor, "revocation.added", detail)
    return added


def remove_revocation(
    request: Request,
    rule_id: RowId,
    who: Annotated[Principal, authorize(Action.MANAGE_REVOCATIONS)],
) -> None:
    """Remove a rule; tokens it covered work again (if otherwise valid)."""
    db = services(request).db
    revocations.remove_revocation(db, who.organization, rule_id)
    record_event(db, who.organization, who.actor, "revocation.removed", {"id": rule_id})


def usage(request: Request, who: Annotated[Principal, authorize(Action.READ_USAGE)]) -> UsageOut:
    """Usage per dashboard (the JSON of `dashlet usage --json`)."""
    report = usage_report(services(request).db, who.organization)
    return UsageOut(dashboards=[DashboardUsageOut.of(item) for item in report])


def explain(
    request: Request, body: ExplainIn, who: Annotated[Principal, authorize(Action.EXPLAIN_TOKENS)]
) -> ExplainOut:
    """Every check of an embed token with its verdict; never the secret."""
    found = services(request)
    entry = found.directory.organization(who.organization)
    moment = now()
    checks = explain_token(
        body.token,
        keys=entry.keys_at(moment),
        organization_id=entry.info.id,
        dashboards={d.id: d for d in list_dashboards(found.db, who.organization)},
        now=moment.timestamp(),
        leeway=found.settings.token_leeway,
        revocations=entry.revocations,
    )
    return ExplainOut.of(checks)


def audit_log(
    request: Request,
    who: Annotated[Principal, authorize(Action.READ_AUDIT)],
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    before: Annotated[int | None, Query(ge=1, le=2**63 - 1)] = None,
) -> AuditOut:
    """The audit log, newest first; page back with ``before``."""
    events = list_events(services(request).db, who.organization, limit=limit, before_id=before)
    return AuditOut(
        events=[AuditEventOut.model_validate(event) for event in events],
        next_before=events[-1].id if len(events) == limit else None,
    )
