"""Embed tests. Token builders shared by the token verifier, explain and property tests."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json

import jwt

from dashlet.store.definitions import DashboardDef, SourceDef, VariableDef

SECRET = "org-secret-Jx2v8QmTz4LbN7cWp1Rk6Yd3Hs9Fa5Ge"
PREVIOUS_SECRET = "previous-secret-Vt3Kq8Zm1Nc6Wb4Lp9Rx2Hd7Sg5Jy"
OTHER_SECRET = "another-orgs-secret-Pq7Lm2Xc9Vb4Nz6Kt1Rw8Hs3Df"
ORGANIZATION_ID = 45546
DASHBOARD_ID = 3
NOW = 1_800_000_000.0
LONG_NAME = "V" * 5_000  # the longest that fits in an 8 KiB token with room to spare
UNICODE_NAME = "RÉGION_地域"


def build_dashboard() -> DashboardDef:
    """The dashboard the tokens are for: one variable of each interesting kind."""
    source = SourceDef(id=1, organization_id=ORGANIZATION_ID, name="warehouse", url="sqlite://")
    variables = (
        VariableDef("TENANT", "integer", hidden=True, required=True),
        VariableDef("REGION", "string", multi=True),
        VariableDef("ACTIVE", "boolean"),
        VariableDef("SINCE", "date"),
        VariableDef(UNICODE_NAME, "string"),
        VariableDef(LONG_NAME, "string"),
    )
    return DashboardDef(
        id=DASHBOARD_ID,
        organization_id=ORGANIZATION_ID,
        slug="sales",
        title="Sales",
        source=source,
        variables=variables,
    )


def claims(**changes: object) -> dict[str, object]:
    """A valid payload for the dashboard, with claims replaced (or removed when set to ...)."""
    payload: dict[str, object] = {
        "organization": ORGANIZATION_ID,
        "dashboard": DASHBOARD_ID,
        "exp": NOW + 600,
    }
    payload.update(changes)
    return {name: value for name, value in payload.items() if value is not ...}


def sign(
    payload: dict[str, object],
    secret: str = SECRET,
    headers: dict[str, object] | None = None,
    algorithm: str = "HS256",
) -> str:
    """A token made the way host applications make them: PyJWT's ``jwt.encode``."""
    return jwt.encode(payload, secret, algorithm=algorithm, headers=headers)


def segment(data: str | bytes) -> str:
    """One unpadded base64url segment."""
    raw = data.encode() if isinstance(data, str) else data
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def forge(
    header: str | bytes = '{"alg":"HS256","typ":"JWT"}',
    payload: str | bytes = "",
    secret: str | None = SECRET,
) -> str:
    """A token from raw header and payload text, HS256-signed over them (unsigned if no secret)."""
    signing_input = f"{segment(header)}.{segment(payload)}"
    if secret is None:
        return signing_input + "."
    mac = hmac.new(secret.encode(), signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{segment(mac)}"


def forge_claims(payload: dict[str, object], secret: str = SECRET) -> str:
    """A correctly signed token whose payload is exactly ``json.dumps(payload)``."""
    return forge(payload=json.dumps(payload), secret=secret)
