"""The REST API's request and response bodies (pydantic), as its OpenAPI document shows them:
the shared base models and errors, sessions, organizations and dashboards. Owner tools, members
and API keys are in ``api_owner_models``.

Response models read the store's read models (``from_attributes``); the dashboard and usage
shapes are those of ``dashlet dashboards list --json`` and ``dashlet usage --json``, with
fields only ever added. Request bodies refuse unknown fields and text no database can store.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from dashlet.spec.apply import ApplyReport
from dashlet.store.organizations import OrganizationInfo

Role = Literal["owner", "editor", "viewer"]
Scalar = str | int | Annotated[float, Field(allow_inf_nan=False)] | bool
EnvValue = Scalar | list[Scalar]
Email = Annotated[str, Field(min_length=3, max_length=320)]
Password = Annotated[str, Field(max_length=1024)]
NewPassword = Annotated[str, Field(min_length=8, max_length=1024)]
UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def _storable(value: object) -> bool:
    """No NUL and no lone surrogate anywhere: text every metadata database can store."""
    if isinstance(value, str):
        return UNSTORABLE.search(value) is None
    if isinstance(value, dict):
        return all(_storable(k) and _storable(v) for k, v in value.items())
    if isinstance(value, list):
        return all(_storable(item) for item in value)
    return True


class Body(BaseModel):
    """A request body: unknown fields are refused rather than silently ignored."""

    model_config = ConfigDict(extra="forbid")

    @model_validator(mode="after")
    def _only_storable_text(self) -> Body:
        if not _storable(self.model_dump()):
            raise ValueError("Text may not hold NUL characters or lone surrogates.")
        return self


class Out(BaseModel):
    """A response body, readable straight from the store's read models."""

    model_config = ConfigDict(from_attributes=True)


# Errors


class ProblemOut(Out):
    file: str
    line: int | None
    field: str
    message: str


class ErrorDetail(Out):
    code: str
    message: str
    problems: list[ProblemOut] | None = Field(None, description="Only with invalid_spec.")


class ErrorOut(Out):
    """Every refusal: the same shape as the embed data routes."""

    error: ErrorDetail


# Sessions


class LoginIn(Body):
    email: Email
    password: Password


class PasswordChangeIn(Body):
    current_password: Password
    new_password: NewPassword


class UserOut(Out):
    id: int
    email: str


class MembershipOut(Out):
    slug: str
    name: str
    role: Role


class SessionOut(Out):
    user: UserOut
    csrf_token: str = Field(description="Send it as X-CSRF-Token with every change.")
    expires_at: dt.datetime
    organizations: list[MembershipOut]


# Organizations


class OrganizationOut(Out):
    id: int
    slug: str
    name: str
    legacy_enabled: bool
    frame_ancestors: list[str]
    secret_version: int
    role: Role = Field(description="The caller's role here.")

    @classmethod
    def of(cls, org: OrganizationInfo, role: str) -> OrganizationOut:
        return cls.model_validate(
            {
                "id": org.id,
                "slug": org.slug,
                "name": org.name,
                "legacy_enabled": org.legacy_enabled,
                "frame_ancestors": list(org.frame_ancestors),
                "secret_version": org.secret_version,
                "role": role,
            }
        )


class EmbeddingIn(Body):
    legacy_enabled: bool | None = Field(None, description="Serve Embedding 1.0 URLs.")
    frame_ancestors: list[Annotated[str, Field(max_length=300)]] | None = Field(
        None, max_length=100, description="Origins allowed to frame embeds; empty = any."
    )


# Dashboards


class VariableOut(Out):
    name: str
    type: str
    hidden: bool
    required: bool
    multi: bool


class ChartOut(Out):
    slug: str
    title: str
    type: str


class EmbedFlagsOut(Out):
    enabled: bool
    allow_viewer_variables: bool
    allow_csv: bool


class DashboardOut(Out):
    id: int
    slug: str
    title: str
    description: str | None
    cache_ttl: int
    usage_key: str | None
    variables: list[VariableOut]
    embed: EmbedFlagsOut
    charts: list[ChartOut]


class ApplyIn(Body):
    files: dict[
        Annotated[str, Field(max_length=200)], Annotated[str, Field(max_length=1_000_000)]
    ] = Field(
        max_length=200,
        description="The folder `dashlet apply` reads: path (sources.yaml, "
        "dashboards/NAME.yaml, any .sql file) -> text.",
    )


class ChangesOut(Out):
    created: list[str]
    updated: list[str]
    unchanged: list[str]


class ApplyOut(Out):
    organization: str
    sources: ChangesOut
    dashboards: ChangesOut
    left_alone: list[str]
    changed: bool
    summary: list[str]

    @classmethod
    def of(cls, report: ApplyReport) -> ApplyOut:
        return cls(
            organization=report.organization,
            sources=ChangesOut.model_validate(report.sources),
            dashboards=ChangesOut.model_validate(report.dashboards),
            left_alone=list(report.left_alone),
            changed=report.changed,
            summary=report.summary(),
        )


class EmbedIn(Body):
    enabled: bool | None = None
    allow_viewer_variables: bool | None = None
    allow_csv: bool | None = None


class TenancyFindingOut(Out):
    kind: Literal["chart", "choices"]
    name: str
    filtered_by: list[str]
    shared: bool
    problem: str | None


class TenancyOut(Out):
    applies: bool = Field(description="Embedding is on and the dashboard has hidden variables.")
    hidden: list[str]
    findings: list[TenancyFindingOut]


class EmbedOut(Out):
    dashboard: str
    embed: EmbedFlagsOut
    tenancy: TenancyOut


class SignIn(Body):
    env: dict[Annotated[str, Field(max_length=100)], EnvValue] = Field(
        default_factory=dict, max_length=100
    )
    ttl: int = Field(3600, ge=1, le=86_400, description="Seconds the URL stays valid.")


class SignOut(Out):
    url: str
    length: int
    limit: int = Field(description="Some browsers refuse URLs longer than this.")
    warnings: list[str]
