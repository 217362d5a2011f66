"""Signing Embedding 2.0 URLs: what a host application's backend calls for each viewer.

The token is signed, not encrypted: anyone who sees the URL can read its ``env``, so no sensitive
value (SSNs, emails) belongs there.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import time
import warnings
from collections.abc import Mapping
from urllib.parse import quote

import jwt

# Internet Explorer's cap, the strictest a host may still have to serve; the server itself takes
# tokens up to 8 KiB.
URL_LENGTH_LIMIT = 2038
MAX_TTL = 24 * 60 * 60  # the server refuses an exp more than 24 hours ahead

JsonValue = str | int | float | bool | list["JsonValue"]


class UrlLengthWarning(UserWarning):
    """A signed embed URL is longer than some browsers accept."""


def json_ready(value: object) -> JsonValue:
    """An ``env`` value as the JSON the token carries: dates as ISO text, sequences as lists."""
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError("An env value must be a finite number: JSON has no NaN or Infinity.")
    if isinstance(value, str | int | float):  # bool is an int
        return value
    if isinstance(value, dt.date):  # datetime is a date
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [json_ready(item) for item in value]
    raise TypeError(
        f"An env value must be text, a number, a boolean, a date or a list of those, "
        f"not {type(value).__name__}."
    )


def env_claim(env: Mapping[str, object]) -> dict[str, JsonValue]:
    """The ``env`` claim for variable values: each value made JSON-ready."""
    return {str(name): json_ready(value) for name, value in env.items()}


def embed_page_url(base_url: str, org_slug: str, dashboard_slug: str) -> str:
    """``BASE/d/ORG/DASHBOARD``, the embedded page's URL before its ``?embed_token=``."""
    return f"{base_url.rstrip('/')}/d/{quote(org_slug, safe='')}/{quote(dashboard_slug, safe='')}"


def sign_embed_token(
    organization_id: int,
    dashboard_id: int,
    secret: str,
    env: Mapping[str, object] | None = None,
    ttl: int = 3600,
    *,
    now: float | None = None,
) -> str:
    """An HS256 embed token for one dashboard, valid for ``ttl`` seconds (1 to 86,400)."""
    if isinstance(ttl, bool) or not isinstance(ttl, int) or not 1 <= ttl <= MAX_TTL:
        raise ValueError(f"ttl must be a whole number of seconds from 1 to {MAX_TTL}, not {ttl!r}.")
    issued_at = int(time.time() if now is None else now)
    claims: dict[str, object] = {
        "organization": organization_id,
        "dashboard": dashboard_id,
        "iat": issued_at,
        "exp": issued_at + ttl,
    }
    if env is not None:
        claims["env"] = env_claim(env)
    return jwt.encode(claims, secret.encode("utf-8"), algorithm="HS256")


def sign_embed_url(
    base_url: str,
    org_slug: str,
    dashboard_slug: str,
    organization_id: int,
    dashboard_id: int,
    secret: str,
    env: Mapping[str, object] | None = None,
    ttl: int = 3600,
) -> str:
    """The 2.0 URL ``BASE/d/ORG/DASHBOARD?embed_token=JWT``; warns (UrlLengthWarning) past 2,038."""
    token = sign_embed_token(organization_id, dashboard_id, secret, env, ttl)
    url = f"{embed_page_url(base_url, org_slug, dashboard_slug)}?embed_token={token}"
    if len(url) > URL_LENGTH_LIMIT:
        warnings.warn(_too_long_message(url, env or {}), UrlLengthWarning, stacklevel=2)
    return url


def _too_long_message(url: str, env: Mapping[str, object]) -> str:
    # The token is base64url, so each byte of the env JSON costs 4/3 of a character.
    env_json = json.dumps(env_claim(env), separators=(",", ":")).encode("utf-8")
    env_chars = math.ceil(len(env_json) * 4 / 3)
    return (
        f"The embed URL is {len(url)} characters long, over the {URL_LENGTH_LIMIT} that some "
        f"browsers accept; env takes about {env_chars} of them: sign fewer or shorter env values."
    )
