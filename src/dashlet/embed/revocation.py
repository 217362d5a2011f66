"""Applying revocation rules to a verified token (the rules themselves live in the store)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from dashlet.embed.tokens import VerifiedToken
from dashlet.errors import Refusal
from dashlet.store.revocations import RevocationInfo

MAX_TOKEN_LIFETIME = 86_400.0


def _as_text(value: object) -> str:
    """One spelling per value, so a rule typed on the command line matches a typed env value."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _texts(value: object) -> set[str]:
    if isinstance(value, list | tuple):
        return {_as_text(item) for item in value}
    return {_as_text(value)}


class RevocationRules:
    """An organization's rules, indexed for a check that costs a few set lookups."""

    def __init__(self, rules: Iterable[RevocationInfo]) -> None:
        self.digests: set[str] = set()
        self.jtis: set[str] = set()
        self.issued_before: dict[int | None, float] = {}
        self.env: list[tuple[int | None, str, set[str]]] = []
        for rule in rules:
            if rule.token_digest is not None:
                self.digests.add(rule.token_digest)
            if rule.jti is not None:
                self.jtis.add(rule.jti)
            if rule.issued_before is not None:
                cutoff = rule.issued_before.timestamp()
                previous = self.issued_before.get(rule.dashboard_id, cutoff)
                self.issued_before[rule.dashboard_id] = max(previous, cutoff)
            if rule.env_name is not None:
                self.env.append((rule.dashboard_id, rule.env_name, _texts(rule.env_value)))

    def __bool__(self) -> bool:
        return bool(self.digests or self.jtis or self.issued_before or self.env)

    def check(self, token: VerifiedToken) -> None:
        """Refuse with ``token_revoked`` when any rule covers this token."""
        if self and self.covering(token) is not None:
            raise Refusal(code="token_revoked")

    def covering(self, token: VerifiedToken) -> str | None:
        """The rule that covers ``token``, in words (token explain says it), or None."""
        if token.digest in self.digests:
            return "a rule revokes this very token (its digest)"
        if token.jti is not None and token.jti in self.jtis:
            return f"a rule revokes jti {token.jti!r}"
        # Without iat, a token counts as issued as early as its exp allows (fail closed).
        issued = token.iat if token.iat is not None else token.exp - MAX_TOKEN_LIFETIME
        for scope in (None, token.dashboard_id):
            cutoff = self.issued_before.get(scope)
            if cutoff is not None and issued < cutoff:
                which = "every dashboard's" if scope is None else "this dashboard's"
                when = dt.datetime.fromtimestamp(cutoff, dt.UTC).isoformat(timespec="seconds")
                unknown = " (it has no iat: counted as issued 24 h before its exp)"
                return (
                    f"a rule revokes {which} tokens issued before {when.replace('+00:00', 'Z')}"
                    + (unknown if token.iat is None else "")
                )
        for scope, name, values in self.env:
            in_scope = scope in (None, token.dashboard_id) and name in token.env
            matched = _texts(token.env[name]) & values if in_scope else set()
            if matched:
                return f"a rule revokes tokens whose env {name} is {sorted(matched)[0]!r}"
        return None
