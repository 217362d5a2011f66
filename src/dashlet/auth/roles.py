"""Roles and what each may do: the one table every admin page and API route is checked against.

    viewer   reads dashboards
    editor   + applies dashboards and their data sources
    owner    + embed settings, the embed secret, revocation, usage, members, API keys, audit log,
             signing embed URLs server-side and explaining tokens

A route names the action it performs; nothing else decides who may call it.
"""

from __future__ import annotations

from enum import StrEnum

from dashlet.errors import AccessDenied
from dashlet.store.models import ROLES


class Action(StrEnum):
    READ_DASHBOARDS = "dashboards:read"
    APPLY_DASHBOARDS = "dashboards:apply"  # dashboards and the data sources they use
    MANAGE_EMBED = "embed:manage"  # per-dashboard embed settings, organization embedding
    SIGN_EMBED_URLS = "embed:sign"  # mints tokens with the secret: as strong as holding it
    EXPLAIN_TOKENS = "tokens:explain"
    MANAGE_SECRET = "secret:manage"  # noqa: S105 (reveal, reset, rotate; not a password)
    MANAGE_REVOCATIONS = "revocations:manage"
    READ_USAGE = "usage:read"
    MANAGE_MEMBERS = "members:manage"
    MANAGE_API_KEYS = "api_keys:manage"
    READ_AUDIT = "audit:read"


VIEWER = frozenset({Action.READ_DASHBOARDS})
EDITOR = VIEWER | {Action.APPLY_DASHBOARDS}
OWNER = frozenset(Action)

ROLE_ACTIONS: dict[str, frozenset[Action]] = {"owner": OWNER, "editor": EDITOR, "viewer": VIEWER}


def allows(role: str, action: Action) -> bool:
    """Whether ``role`` may perform ``action`` (an unknown role may do nothing)."""
    return action in ROLE_ACTIONS.get(role, frozenset())


def require(role: str, action: Action) -> None:
    """Raise AccessDenied (``forbidden``) unless ``role`` may perform ``action``."""
    if not allows(role, action):
        raise AccessDenied(
            f"A{'n' if role[:1] in 'aeiou' else ''} {role} of this organization cannot do this "
            f"({action.value} needs {' or '.join(r for r in ROLES if allows(r, action))})."
        )
