"""The REST API's bodies for owner tools (secret, revocation, usage, explain, audit) and for
members and API keys. The shapes shared by every route are in ``api_models``."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import Field

from dashlet.embed.explain import Check
from dashlet.store.revocations import RevocationInfo
from dashlet.store.usage import DashboardUsage
from dashlet.web.api_models import Body, Email, NewPassword, Out, Role, Scalar


class SecretOut(Out):
    secret: str
    secret_version: int


class SecretChangeOut(Out):
    secret_version: int
    previous_valid_until: dt.datetime | None = Field(
        description="Tokens signed with the previous secret work until then (Rotate only)."
    )


class RotateIn(Body):
    grace_seconds: int = Field(3600, ge=1, le=86_400)


class RevocationIn(Body):
    kind: Literal["token", "jti", "issued_before", "env"]
    token: Annotated[str, Field(max_length=16_384)] | None = Field(
        None, description="kind token: the token itself (only its digest is kept)."
    )
    token_digest: Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")] | None = None
    jti: Annotated[str, Field(min_length=1, max_length=200)] | None = None
    dashboard: Annotated[str, Field(max_length=100)] | None = Field(
        None, description="Needed by issued_before; optional for env."
    )
    issued_before: dt.datetime | None = None
    env_name: Annotated[str, Field(min_length=1, max_length=100)] | None = None
    env_value: Scalar | None = None


class RevocationOut(Out):
    id: int
    kind: str
    dashboard_id: int | None
    token_digest: str | None
    jti: str | None
    issued_before: dt.datetime | None
    env: dict[str, Any] | None
    created_at: dt.datetime

    @classmethod
    def of(cls, rule: RevocationInfo) -> RevocationOut:
        return cls(
            id=rule.id,
            kind=rule.kind,
            dashboard_id=rule.dashboard_id,
            token_digest=rule.token_digest,
            jti=rule.jti,
            issued_before=rule.issued_before,
            env={rule.env_name: rule.env_value} if rule.env_name else None,
            created_at=rule.created_at,
        )


class DayOut(Out):
    date: dt.date
    new_tokens: int
    loads: int


class CountsOut(Out):
    new_tokens: int
    loads: int


class DashboardUsageOut(Out):
    id: int
    slug: str
    new_tokens: int
    loads: int
    cache_hit_rate: float | None
    legacy_loads: int
    days: list[DayOut]
    by_usage_value: dict[str, CountsOut]
    refusals: dict[str, int]

    @classmethod
    def of(cls, usage: DashboardUsage) -> DashboardUsageOut:
        return cls.model_validate(
            {
                "id": usage.id,
                "slug": usage.slug,
                "new_tokens": usage.new_tokens,
                "loads": usage.loads,
                "cache_hit_rate": usage.cache_hit_rate,
                "legacy_loads": usage.legacy_loads,
                "days": [DayOut.model_validate(day) for day in usage.days],
                "by_usage_value": {
                    value: {"new_tokens": new, "loads": loads}
                    for value, (new, loads) in sorted(usage.by_usage_value.items())
                },
                "refusals": usage.refusals,
            }
        )


class UsageOut(Out):
    dashboards: list[DashboardUsageOut]


class ExplainIn(Body):
    token: Annotated[str, Field(max_length=16_384)]


class CheckOut(Out):
    name: str
    ok: bool | None = Field(description="true passed, false failed, null not checked or info.")
    detail: str


class ExplainOut(Out):
    valid: bool
    checks: list[CheckOut]

    @classmethod
    def of(cls, checks: list[Check]) -> ExplainOut:
        return cls(
            valid=not any(check.ok is False for check in checks),
            checks=[CheckOut.model_validate(check) for check in checks],
        )


class AuditEventOut(Out):
    id: int
    actor: str
    action: str
    detail: dict[str, Any]
    created_at: dt.datetime


class AuditOut(Out):
    events: list[AuditEventOut]
    next_before: int | None = Field(description="Pass as ?before= for older events.")


# Members and API keys


class MemberOut(Out):
    user_id: int
    email: str
    role: Role


class MemberIn(Body):
    email: Email
    password: NewPassword = Field(description="The first password (kept if the user exists).")
    role: Role


class RoleIn(Body):
    role: Role


class ApiKeyIn(Body):
    name: Annotated[str, Field(min_length=1, max_length=100)]
    role: Role


class ApiKeyOut(Out):
    id: int
    name: str
    role: Role
    prefix: str = Field(description="The key's first characters, to recognize it.")
    created_by: str
    created_at: dt.datetime
    last_used_at: dt.datetime | None
    revoked_at: dt.datetime | None


class NewApiKeyOut(ApiKeyOut):
    key: str = Field(description="Shown this once: only its hash is kept.")
