"""Variable values typed into an admin form (``env.NAME`` fields), as a token's ``env``."""

from __future__ import annotations

from collections.abc import Mapping

from dashlet.embed.urls import JsonValue, json_ready
from dashlet.query.values import convert_value
from dashlet.store.definitions import DashboardDef

PREFIX = "env."


def typed_env(dashboard: DashboardDef, fields: Mapping[str, str]) -> dict[str, JsonValue]:
    """The non-blank ``env.NAME`` fields, converted to each variable's type (VariableError else).

    A multi variable takes comma-separated values.
    """
    env: dict[str, JsonValue] = {}
    for variable in dashboard.variables:
        raw = fields.get(PREFIX + variable.name, "").strip()
        if not raw:
            continue
        given: object = [part.strip() for part in raw.split(",")] if variable.multi else raw
        env[variable.name] = json_ready(convert_value(variable, given))
    return env


def typed_text(fields: Mapping[str, str]) -> dict[str, str]:
    """The ``env.NAME`` fields as typed, to show them back in the form."""
    return {name[len(PREFIX) :]: value for name, value in fields.items() if name.startswith(PREFIX)}
