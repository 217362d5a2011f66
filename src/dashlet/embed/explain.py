"""Token explain: every check of an embed token with its verdict, for the CLI and the admin page.

It runs the very step functions of ``tokens.py`` (no second copy of the rules), but keeps going
after a failure wherever the later checks still mean something, so a developer sees everything
wrong at once. The header and payload are shown decoded (they are signed, not secret); the
secrets never appear, only which one matched.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import partial
from typing import Any, TypeVar

from dashlet.embed.revocation import RevocationRules
from dashlet.embed.tokens import (
    ALGORITHM,
    MAX_EXP_AHEAD,
    MAX_TOKEN_BYTES,
    TokenKeys,
    TokenParts,
    check_algorithm,
    check_dashboard,
    check_exp,
    check_not_before,
    check_organization,
    check_signature,
    check_size,
    convert_env_value,
    env_claim,
    id_claim,
    jti_claim,
    numeric_date,
    parse_header,
    parse_payload,
    split_token,
    token_size,
    verify_embed_token,
)
from dashlet.errors import DashletError
from dashlet.store.definitions import DashboardDef

T = TypeVar("T")

_IGNORED_HEADERS = ("kid", "jku", "x5u", "jwk")
_CENTURY = 100 * 365 * 86400
_UNITS = (("d", 86400), ("h", 3600), ("m", 60), ("s", 1))


@dataclass(frozen=True)
class Check:
    """One check: ``ok`` is True (passed), False (failed) or None (not checked, or information)."""

    name: str
    ok: bool | None
    detail: str


def _attempt(step: Callable[[], T]) -> T | DashletError:
    """The step's result, or the error it raised (a result is never an error)."""
    try:
        return step()
    except DashletError as error:
        return error


def _show(value: object, limit: int = 80) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _duration(seconds: float) -> str:
    """``3 m 20 s``: the two largest units of a non-negative span."""
    rest = round(seconds)
    shown: list[str] = []
    for unit, size in _UNITS:
        if rest >= size or (unit == "s" and not shown):
            shown.append(f"{rest // size} {unit}")
            rest %= size
    return " ".join(shown[:2])


def _moment(value: int | float, now: float) -> str:
    """``in 3 m 20 s (2026-…Z)`` or ``5 m ago (…)``; exact for integers too large for a float."""
    if value > now + _CENTURY:
        return "in more than 100 years"
    if value < now - _CENTURY:
        return "more than 100 years ago"
    delta = float(value) - now
    when = dt.datetime.fromtimestamp(float(value), dt.UTC).isoformat(timespec="seconds")
    relative = f"in {_duration(delta)}" if delta >= 0 else f"{_duration(-delta)} ago"
    return f"{relative} ({when.replace('+00:00', 'Z')})"


def _numeric(payload: Mapping[str, Any], name: str) -> int | float | None:
    """The NumericDate claim for display, or None when it is absent or not a number."""
    value = _attempt(lambda: numeric_date(payload, name)) if name in payload else None
    return None if isinstance(value, DashletError) else value


def _header_checks(header: dict[str, Any] | DashletError) -> list[Check]:
    if isinstance(header, DashletError):
        return [
            Check("header", False, header.message),
            Check("algorithm", None, "not checked: the header is unreadable"),
        ]
    ignored = [name for name in _IGNORED_HEADERS if name in header]
    note = f"; ignored, never used to find a key: {', '.join(ignored)}" if ignored else ""
    refused = _attempt(lambda: check_algorithm(header))
    algorithm = (
        Check("algorithm", False, f"{refused.message} It says {_show(header.get('alg'))}.")
        if isinstance(refused, DashletError)
        else Check("algorithm", True, ALGORITHM)
    )
    return [Check("header", True, _show(header, limit=400) + note), algorithm]


def _signature_check(parts: TokenParts, keys: TokenKeys | None, algorithm_ok: bool | None) -> Check:
    if keys is None:
        return Check("signature", None, "not checked: no secret given")
    if algorithm_ok is False:
        return Check("signature", None, f"not checked: only {ALGORITHM} signatures are checked")
    previous = _attempt(lambda: check_signature(parts, keys))
    if isinstance(previous, DashletError):
        which = (
            "neither the current nor the previous secret" if keys.previous else "the current secret"
        )
        return Check("signature", False, f"{previous.message} It matches {which}.")
    if previous:
        return Check("signature", True, "matches the previous secret (Rotate grace window)")
    return Check("signature", True, "matches the organization's current secret")


def _organization_check(payload: Mapping[str, Any], organization_id: int) -> Check:
    refused = _attempt(lambda: check_organization(payload, organization_id))
    if not isinstance(refused, DashletError):
        return Check("organization", True, f"{organization_id}, this organization")
    named = _attempt(lambda: id_claim(payload, "organization"))
    said = (
        "" if isinstance(named, DashletError) else f" It names {named}; this is {organization_id}."
    )
    return Check("organization", False, refused.message + said)


def _dashboard_check(
    payload: Mapping[str, Any], dashboards: Mapping[int, DashboardDef] | DashboardDef | None
) -> tuple[Check, DashboardDef | None]:
    named = _attempt(lambda: id_claim(payload, "dashboard"))
    if isinstance(named, DashletError):
        return Check("dashboard", False, named.message), None
    if dashboards is None:
        return Check("dashboard", None, f"{named} (not checked: no dashboard given)"), None
    if isinstance(dashboards, DashboardDef):
        refused = _attempt(lambda: check_dashboard(payload, dashboards.id))
        if isinstance(refused, DashletError):
            said = f" It names {named}; this is {dashboards.id} ({dashboards.slug})."
            return Check("dashboard", False, refused.message + said), None
        return Check("dashboard", True, f"{named} ({dashboards.slug})"), dashboards
    dashboard = dashboards.get(named)
    if dashboard is None:
        return Check("dashboard", False, f"This organization has no dashboard {named}."), None
    return Check("dashboard", True, f"{named} ({dashboard.slug})"), dashboard


def _exp_check(payload: Mapping[str, Any], now: float, leeway: float) -> Check:
    refused = _attempt(lambda: check_exp(payload, now=now, leeway=leeway))
    exp = _numeric(payload, "exp")
    if exp is None:  # absent or not a number: the refusal says which
        return Check("exp", False, refused.message if isinstance(refused, DashletError) else "")
    detail = f"expired {_moment(exp, now)}" if exp <= now else f"expires {_moment(exp, now)}"
    if not isinstance(refused, DashletError):
        return Check("exp", True, detail + (" (accepted within the leeway)" if exp <= now else ""))
    if exp > now + MAX_EXP_AHEAD and 1e12 <= exp < 1e15:
        detail += "; it looks like milliseconds: divide by 1000"
    return Check("exp", False, f"{refused.message} It {detail}.")


def _not_before_check(payload: Mapping[str, Any], name: str, now: float, leeway: float) -> Check:
    if name not in payload:
        return Check(name, None, "absent")
    refused = _attempt(lambda: check_not_before(payload, name, now=now, leeway=leeway))
    value = _numeric(payload, name)
    if value is None:  # not a number: the refusal says so
        return Check(name, False, refused.message if isinstance(refused, DashletError) else "")
    if isinstance(refused, DashletError):
        return Check(name, False, f"{refused.message} It is {_moment(value, now)}.")
    return Check(name, True, _moment(value, now))


def _env_checks(payload: Mapping[str, Any], dashboard: DashboardDef | None) -> list[Check]:
    if "env" not in payload:
        return [Check("env", None, "absent")]
    env = _attempt(lambda: env_claim(payload))
    if isinstance(env, DashletError):
        return [Check("env", False, env.message)]
    checks = [Check("env", True, f"{len(env)} variable(s)")]
    for name, raw in env.items():
        if dashboard is None:
            checks.append(Check(f"env.{name}", None, f"{_show(raw)} (not checked: no dashboard)"))
            continue
        value = _attempt(partial(convert_env_value, dashboard, name, raw))
        if isinstance(value, DashletError):
            checks.append(Check(f"env.{name}", False, value.message))
        else:
            checks.append(Check(f"env.{name}", True, repr(value)))
    return checks


def _jti_check(payload: Mapping[str, Any]) -> Check:
    if "jti" not in payload:
        return Check("jti", None, "absent")
    jti = jti_claim(payload)
    return Check("jti", None, _show(jti) if jti is not None else "not a string; ignored")


def explain_token(
    token: str,
    *,
    keys: TokenKeys | None,
    organization_id: int,
    dashboards: Mapping[int, DashboardDef] | DashboardDef | None,
    now: float,
    leeway: float,
    revocations: RevocationRules | None = None,
) -> list[Check]:
    """Every check of ``token`` in the SPEC's order, with its verdict; never the secrets.

    ``dashboards`` is the organization's dashboards by id (the token's ``dashboard`` claim picks
    one), the one dashboard the token must be for, or None to skip dashboard and variable checks.
    With ``revocations`` (and keys and a dashboard), the checks after the token's own follow:
    revocation rules, then whether the dashboard's embedding is on.
    """
    sized = _attempt(lambda: check_size(token))
    if isinstance(sized, DashletError) and sized.code == "token_missing":
        return [Check("size", False, sized.message)]
    size = f"{token_size(token):,} bytes; the limit is {MAX_TOKEN_BYTES:,}"
    checks = [Check("size", not isinstance(sized, DashletError), size)]
    parts = _attempt(lambda: split_token(token))
    if isinstance(parts, DashletError):
        return [*checks, Check("shape", False, parts.message)]
    checks += [
        Check("shape", True, "three base64url segments"),
        Check("digest", None, parts.digest),
        *_header_checks(_attempt(lambda: parse_header(parts))),
    ]
    signature = _signature_check(parts, keys, algorithm_ok=checks[-1].ok)
    checks.append(signature)
    payload = _attempt(lambda: parse_payload(parts))
    if isinstance(payload, DashletError):
        return [*checks, Check("payload", False, payload.message)]
    unverified = "" if signature.ok else " (signature not verified)"
    dashboard_check, dashboard = _dashboard_check(payload, dashboards)
    clock = dt.datetime.fromtimestamp(now, dt.UTC).isoformat(timespec="seconds")
    checks += [
        Check("payload", True, _show(payload, limit=2000) + unverified),
        _organization_check(payload, organization_id),
        dashboard_check,
        Check("clock", None, f"server time {clock.replace('+00:00', 'Z')}, leeway {leeway:g} s"),
        _exp_check(payload, now, leeway),
        _not_before_check(payload, "nbf", now, leeway),
        _not_before_check(payload, "iat", now, leeway),
        *_env_checks(payload, dashboard),
        _jti_check(payload),
    ]
    if revocations is None or keys is None or dashboard is None:
        return checks
    if any(check.ok is False for check in checks):
        skipped = "not checked: the token fails a check above"
        return [*checks, Check("revocation", None, skipped), Check("embedding", None, skipped)]
    verified = verify_embed_token(
        token,
        keys=keys,
        organization_id=organization_id,
        dashboard=dashboard,
        now=now,
        leeway=leeway,
    )
    covering = revocations.covering(verified)
    return [
        *checks,
        Check("revocation", covering is None, covering or "no revocation rule covers this token"),
        Check(
            "embedding",
            dashboard.embed.enabled,
            "on for this dashboard" if dashboard.embed.enabled else "off for this dashboard",
        ),
    ]
