"""Every error Dashlet raises on purpose, in one hierarchy.

    DashletError                 code, HTTP status, plain sentence; safe to show to anyone
    ├── ConfigError              the server cannot start as configured
    ├── NotFound                 an organization, dashboard, chart, source or user is unknown
    ├── SpecError                dashboards-as-code input is invalid (carries every problem found)
    ├── VariableError            a variable value is unknown, ill-typed, locked or missing
    ├── QueryError               the data source failed, timed out or is unreachable
    ├── Refusal                  an embed request is refused (token_* and embedding_* codes)
    ├── AccessDenied             an admin or API caller is not signed in, not allowed, or locked out
    └── Conflict                 a change would break a rule of the current state (the last owner)

A caller catches by meaning (``except VariableError``) or reports any ``DashletError`` through
its ``code``, ``status`` and ``message``: the message never holds a secret, a token or a stack
trace. ``REFUSALS`` is the table of the SPEC's stable codes with their status and sentence.
"""

from __future__ import annotations

from dataclasses import dataclass

REFUSALS: dict[str, tuple[int, str]] = {
    "token_missing": (401, "This page needs an embed token, and none was given."),
    "token_malformed": (400, "The embed token is not a well-formed signed token."),
    "token_bad_signature": (403, "The embed token's signature does not match this organization."),
    "token_algorithm": (400, "The embed token must be signed with HS256."),
    "token_expired": (401, "The embed token has expired; ask the application for a new one."),
    "token_not_yet_valid": (401, "The embed token is not valid yet; check the server clocks."),
    "token_exp_missing": (400, "The embed token has no expiry time (exp)."),
    "token_exp_too_far": (400, "The embed token expires more than 24 hours from now."),
    "token_wrong_organization": (403, "The embed token was issued for another organization."),
    "token_wrong_dashboard": (403, "The embed token was issued for another dashboard."),
    "token_revoked": (403, "The embed token has been revoked."),
    "token_too_large": (413, "The embed token is larger than 8 KiB."),
    "embedding_disabled": (403, "Embedding is turned off for this dashboard."),
    "legacy_disabled": (410, "Embedding 1.0 URLs are turned off for this organization."),
    "export_disabled": (403, "Downloading data is turned off for this dashboard."),
    "unknown_variable": (400, "A variable was given that this dashboard does not declare."),
    "invalid_variable_value": (400, "A variable value does not fit its type."),
    "variable_locked": (403, "This variable is set by the application and cannot be changed."),
    "missing_variable": (400, "A required variable has no value."),
    "not_found": (404, "There is nothing here."),
    "query_failed": (502, "The data source could not answer this query."),
    "query_timeout": (504, "The query took longer than the data source's time limit."),
    "invalid_spec": (422, "The dashboard definition is invalid."),
    "config_error": (500, "The server is not configured correctly."),
    "unauthorized": (401, "Sign in, or send an API key as Authorization: Bearer dk_..."),
    "forbidden": (403, "Your role in this organization does not allow this."),
    "csrf_failed": (403, "The request's CSRF token is missing or wrong; reload the page."),
    "too_many_attempts": (429, "Too many failed sign-ins; wait a few minutes and try again."),
    "conflict": (409, "This change conflicts with the current state; nothing was changed."),
    "invalid_request": (422, "The request's body or parameters are not valid."),
    "request_too_large": (413, "The request's body is too large."),
}


class DashletError(Exception):
    """Base of every deliberate error: stable ``code``, HTTP ``status``, plain ``message``."""

    default_code = "config_error"

    def __init__(self, message: str | None = None, *, code: str | None = None) -> None:
        self.code = code or self.default_code
        status, sentence = REFUSALS[self.code]
        self.status = status
        self.message = message or sentence
        super().__init__(self.message)


class ConfigError(DashletError):
    """The configuration cannot work (missing or weak secret key, bad URL)."""

    default_code = "config_error"


class NotFound(DashletError):
    """A named object does not exist (or is not visible to the caller)."""

    default_code = "not_found"


@dataclass(frozen=True)
class SpecProblem:
    """One problem in a dashboards-as-code folder: where it is and what is wrong."""

    file: str
    line: int | None
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line is not None else self.file
        return (
            f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"
        )


class SpecError(DashletError):
    """Dashboards-as-code input is invalid; ``problems`` lists every one found."""

    default_code = "invalid_spec"

    def __init__(self, problems: list[SpecProblem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class VariableError(DashletError):
    """A variable value was refused; ``variable`` names it."""

    default_code = "invalid_variable_value"

    def __init__(
        self, variable: str, message: str, *, code: str = "invalid_variable_value"
    ) -> None:
        self.variable = variable
        super().__init__(message, code=code)


class QueryError(DashletError):
    """The data source failed or timed out; the message never carries driver internals."""

    default_code = "query_failed"


class Refusal(DashletError):
    """An embed request is refused with one of the SPEC's codes."""

    default_code = "not_found"


class AccessDenied(DashletError):
    """An admin or API request is refused: ``unauthorized``, ``forbidden``, ``csrf_failed``..."""

    default_code = "forbidden"


class Conflict(DashletError):
    """A change is refused because of the current state (e.g. it would leave no owner)."""

    default_code = "conflict"
