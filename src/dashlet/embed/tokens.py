"""Verify embed tokens: the SPEC's strict order of checks, as small steps that explain.py reuses.

Order (SPEC "Strict parsing"): presence and size -> shape -> header -> algorithm -> signature ->
payload -> claims. Nothing in the payload is read before the signature passes, so a caller
without the secret learns nothing from claim checks.

What each shape of a claim gets:
- header or payload that is not UTF-8 JSON, not an object, repeats a member name, holds
  ``NaN``/``Infinity`` or a number too large for a float (``1e400``), or a header with any
  ``crit`` other than ``[]``: ``token_malformed``. ``kid``, ``jku``, ``x5u``, ``jwk`` are ignored.
- ``organization`` / ``dashboard``: a JSON integer or a string of ASCII digits (``"45546"``,
  ``"0003"``); anything else (missing, ``true``, ``1.0``, ``" 1"``, ``"+1"``, ``"1e3"``, ``""``,
  ``"١"``): ``token_malformed``. A different id: ``token_wrong_organization`` / ``_dashboard``.
- ``exp``: absent or ``null``: ``token_exp_missing``; not an integer or float: ``token_malformed``.
  Compared as given (exact for huge integers) before any conversion to a float.
- ``nbf`` / ``iat``: when present (even ``null``), an integer or float, else ``token_malformed``.
- ``env``: absent means ``{}``; anything but an object: ``token_malformed``; an undeclared name:
  ``unknown_variable``; ``null``, objects, nested lists, a list for a single-value variable or a
  value of the wrong type: ``invalid_variable_value`` (from ``values.convert_value``).
- ``jti``: recorded when it is a string; any other value is ignored like any unknown claim.
"""

from __future__ import annotations

import binascii
import hashlib
import json
import math
import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from jwt.algorithms import HMACAlgorithm

from dashlet.errors import ConfigError, Refusal, VariableError
from dashlet.query.values import convert_value
from dashlet.store.definitions import DashboardDef

MAX_TOKEN_BYTES = 8192
MAX_EXP_AHEAD = 86400.0
ALGORITHM = "HS256"

# PyJWT's HMAC pinned to SHA-256 (its verify compares in constant time). prepare_key is skipped
# on purpose: it guards against a token choosing the key's kind, but here the key is always the
# organization's secret, and it costs about as much as the whole verification.
_HS256 = HMACAlgorithm(HMACAlgorithm.SHA256)
_TO_STANDARD_BASE64 = str.maketrans("-_", "+/")
# Only the signature may carry "=" padding; whether it is the right amount is checked after.
_SHAPE = re.compile(r"([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]*)(=*)")


@dataclass(frozen=True)
class TokenKeys:
    """The secrets a token may be signed with: the current one, and the previous during a Rotate.

    The caller decides whether the Rotate grace window is open; neither secret appears in repr.
    """

    current: bytes = field(repr=False)
    previous: bytes | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        # An empty HMAC key would let anyone sign; it can only come from a broken store.
        if not self.current or self.previous == b"":
            raise ConfigError("An organization's embed secret is empty.")


@dataclass(frozen=True)
class VerifiedToken:
    """What a verified token says; ``digest`` is its identity for counts, revocation and logs."""

    digest: str
    organization_id: int
    dashboard_id: int
    exp: float
    nbf: float | None
    iat: float | None
    jti: str | None
    env: Mapping[str, object]
    signed_with_previous: bool


@dataclass(frozen=True)
class TokenParts:
    """A token split into its decoded segments; nothing in it has been checked but its shape."""

    signing_input: bytes
    header: bytes
    payload: bytes
    signature: bytes

    @property
    def digest(self) -> str:
        """Hex SHA-256 of the signing input and the decoded signature: one token, one identity."""
        return hashlib.sha256(self.signing_input + b"." + self.signature).hexdigest()


def _malformed(message: str) -> Refusal:
    return Refusal(message, code="token_malformed")


class _StrictJSONError(ValueError):
    """A JSON text that the standard parser accepts but the SPEC does not."""


def _unique_members(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    members = dict(pairs)
    if len(members) != len(pairs):
        raise _StrictJSONError("repeats a member name")
    return members


def _refuse_constant(name: str) -> float:
    raise _StrictJSONError("holds NaN or Infinity")


def _finite_float(text: str) -> float:
    value = float(text)
    if math.isinf(value):
        raise _StrictJSONError("holds a number too large for a float")
    return value


_STRICT_JSON = json.JSONDecoder(
    object_pairs_hook=_unique_members, parse_constant=_refuse_constant, parse_float=_finite_float
)


def token_size(token: str) -> int:
    """The token's length in UTF-8 bytes (lone surrogates count as their 3 bytes)."""
    return len(token) if token.isascii() else len(token.encode("utf-8", "surrogatepass"))


def check_size(token: str | None) -> str:
    """The token itself, if there is one and it fits in MAX_TOKEN_BYTES."""
    if not token:
        raise Refusal(code="token_missing")
    # A character is at least one byte, so a long string is refused before encoding it.
    if len(token) > MAX_TOKEN_BYTES or token_size(token) > MAX_TOKEN_BYTES:
        raise Refusal(code="token_too_large")
    return token


def _b64decode(segment: str) -> bytes:
    padded = segment + "=" * (-len(segment) % 4)
    return binascii.a2b_base64(padded.translate(_TO_STANDARD_BASE64))


def split_token(token: str) -> TokenParts:
    """Three base64url segments, decoded; only the signature may carry its correct padding."""
    match = _SHAPE.fullmatch(token)
    if match is None:
        raise _malformed("The embed token must be three base64url segments separated by dots.")
    header, payload, signature, padding = match.groups()
    # A segment of 4n+1 characters cannot be base64; padding must be exactly what is missing.
    if (
        len(header) % 4 == 1
        or len(payload) % 4 == 1
        or len(signature) % 4 == 1
        or (padding and len(padding) != -len(signature) % 4)
    ):
        raise _malformed("The embed token has a segment of impossible length or padding.")
    return TokenParts(
        signing_input=f"{header}.{payload}".encode("ascii"),
        header=_b64decode(header),
        payload=_b64decode(payload),
        signature=_b64decode(signature),
    )


def token_digest(token: str) -> str:
    """The token's identity (see TokenParts.digest), for revoking one token; checks only its shape."""
    return split_token(token).digest


def _strict_object(raw: bytes, part: str) -> dict[str, Any]:
    try:
        value = _STRICT_JSON.decode(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise _malformed(f"The embed token's {part} is not UTF-8 text.") from None
    except _StrictJSONError as error:
        raise _malformed(f"The embed token's {part} {error}.") from None
    except (ValueError, RecursionError):  # RecursionError: nesting deeper than the parser allows
        raise _malformed(f"The embed token's {part} is not valid JSON.") from None
    if not isinstance(value, dict):
        raise _malformed(f"The embed token's {part} is not a JSON object.")
    return value


def parse_header(parts: TokenParts) -> dict[str, Any]:
    """The header as a strict JSON object; a ``crit`` other than ``[]`` is not understood."""
    header = _strict_object(parts.header, "header")
    if header.get("crit", []) != []:
        raise _malformed("The embed token's header lists critical extensions (crit).")
    return header


def check_algorithm(header: Mapping[str, Any]) -> None:
    """The header must name exactly HS256; ``none`` and every other algorithm are refused."""
    if header.get("alg") != ALGORITHM:
        raise Refusal(code="token_algorithm")


def check_signature(parts: TokenParts, keys: TokenKeys) -> bool:
    """Whether the token was signed with the previous secret; refuses it if neither matches."""
    if _HS256.verify(parts.signing_input, keys.current, parts.signature):
        return False
    if keys.previous is not None and _HS256.verify(
        parts.signing_input, keys.previous, parts.signature
    ):
        return True
    raise Refusal(code="token_bad_signature")


def parse_payload(parts: TokenParts) -> dict[str, Any]:
    """The payload as a strict JSON object (call only once the signature has passed)."""
    return _strict_object(parts.payload, "payload")


def id_claim(payload: Mapping[str, Any], name: str) -> int:
    """An ``organization`` or ``dashboard`` id: a JSON integer or a string of ASCII digits."""
    value = payload.get(name)
    if type(value) is int:  # not isinstance: True is an int in Python
        return value
    if isinstance(value, str) and value.isascii() and value.isdigit():
        try:
            return int(value)
        except ValueError:  # more digits than Python converts (4,300); no id is that long
            pass
    raise _malformed(f"The embed token's {name} claim must be an integer id.")


def check_organization(payload: Mapping[str, Any], organization_id: int) -> None:
    """The token's ``organization`` must be the organization named by the URL."""
    if id_claim(payload, "organization") != organization_id:
        raise Refusal(code="token_wrong_organization")


def check_dashboard(payload: Mapping[str, Any], dashboard_id: int) -> None:
    """The token's ``dashboard`` must be the dashboard named by the URL."""
    if id_claim(payload, "dashboard") != dashboard_id:
        raise Refusal(code="token_wrong_dashboard")


def numeric_date(payload: Mapping[str, Any], name: str) -> int | float:
    """A NumericDate claim as given: a JSON integer (any size) or finite float."""
    value = payload[name]
    if type(value) not in (int, float):  # the parser already refused non-finite numbers
        raise _malformed(f"The embed token's {name} claim must be a number of seconds.")
    return value  # type: ignore[no-any-return]


def check_exp(payload: Mapping[str, Any], *, now: float, leeway: float) -> float:
    """``exp``: required, not past, and at most 24 hours (plus leeway) ahead."""
    if payload.get("exp") is None:
        raise Refusal(code="token_exp_missing")
    exp = numeric_date(payload, "exp")
    # Compared before float(): 10**400 or milliseconds are "too far", never an overflow.
    if exp > now + MAX_EXP_AHEAD + leeway:
        raise Refusal(code="token_exp_too_far")
    if exp <= now - leeway:
        raise Refusal(code="token_expired")
    return float(exp)


def check_not_before(
    payload: Mapping[str, Any], name: str, *, now: float, leeway: float
) -> float | None:
    """``nbf`` or ``iat`` when present: it must not be later than now (plus leeway)."""
    if name not in payload:
        return None
    value = numeric_date(payload, name)
    if value > now + leeway:
        raise Refusal(
            f"The embed token's {name} claim is in the future; check the server clocks.",
            code="token_not_yet_valid",
        )
    # An integer far in the past would overflow a float; clamping keeps its order for revocation.
    return float(max(value, -sys.float_info.max))


def env_claim(payload: Mapping[str, Any]) -> Mapping[str, object]:
    """The ``env`` object, or an empty one when absent."""
    env = payload.get("env", {})
    if not isinstance(env, dict):
        raise _malformed("The embed token's env claim must be a JSON object.")
    return env


def convert_env_value(dashboard: DashboardDef, name: str, raw: object) -> object:
    """One ``env`` entry as the declared variable's typed value."""
    variable = dashboard.variable(name)
    if variable is None:
        # The name comes from the token: keep it out of the sentence, short in the attribute.
        raise VariableError(
            name[:40],
            "The embed token's env sets a variable this dashboard does not declare.",
            code="unknown_variable",
        )
    return convert_value(variable, raw)


def jti_claim(payload: Mapping[str, Any]) -> str | None:
    """The ``jti`` when it is a string; another kind of value is ignored like an unknown claim."""
    jti = payload.get("jti")
    return jti if isinstance(jti, str) else None


def verify_embed_token(
    token: str | None,
    *,
    keys: TokenKeys,
    organization_id: int,
    dashboard: DashboardDef,
    now: float,
    leeway: float = 60,
) -> VerifiedToken:
    """Check a token for one organization's dashboard, in the SPEC's order; raise at the first fault.

    Raises ``Refusal`` (``token_*`` codes) or ``VariableError`` (``unknown_variable``,
    ``invalid_variable_value``); ``now`` is Unix time in seconds.
    """
    parts = split_token(check_size(token))
    check_algorithm(parse_header(parts))
    signed_with_previous = check_signature(parts, keys)
    payload = parse_payload(parts)
    check_organization(payload, organization_id)
    check_dashboard(payload, dashboard.id)
    exp = check_exp(payload, now=now, leeway=leeway)
    nbf = check_not_before(payload, "nbf", now=now, leeway=leeway)
    iat = check_not_before(payload, "iat", now=now, leeway=leeway)
    env = {
        name: convert_env_value(dashboard, name, raw) for name, raw in env_claim(payload).items()
    }
    return VerifiedToken(
        digest=parts.digest,
        organization_id=organization_id,
        dashboard_id=dashboard.id,
        exp=exp,
        nbf=nbf,
        iat=iat,
        jti=jti_claim(payload),
        env=MappingProxyType(env),
        signed_with_previous=signed_with_previous,
    )


class VerifiedTokens:
    """Tokens this process has verified, so a page's many data requests check one signature once.

    Keyed by the exact token text, the keys it was checked with and the dashboard's version, so a
    secret reset, a closing grace window or a dashboard change is a miss and a full check. A hit
    only re-checks what time changes: ``exp``. Bounded; cleared when full.
    """

    def __init__(self, limit: int = 4096) -> None:
        self.limit = limit
        self._verified: dict[tuple[str, TokenKeys, int, int, int], VerifiedToken] = {}

    def verify(
        self,
        token: str | None,
        *,
        keys: TokenKeys,
        organization_id: int,
        dashboard: DashboardDef,
        now: float,
        leeway: float = 60,
    ) -> VerifiedToken:
        """Same contract as ``verify_embed_token``."""
        key = (token or "", keys, organization_id, dashboard.id, dashboard.version)
        verified = self._verified.get(key)
        if verified is not None:
            if verified.exp <= now - leeway:
                raise Refusal(code="token_expired")
            return verified
        verified = verify_embed_token(
            token,
            keys=keys,
            organization_id=organization_id,
            dashboard=dashboard,
            now=now,
            leeway=leeway,
        )
        if len(self._verified) >= self.limit:
            self._verified.clear()
        self._verified[key] = verified
        return verified
