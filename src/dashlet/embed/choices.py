"""Filter options for viewers, computed under the grant's values.

A dropdown's ``choices_sql`` runs with the signed ``env`` values bound (a tenant's regions, never
every tenant's), or for a signed-in member with the values they chose, through the same engine,
cache and single-flight as charts.
"""

from __future__ import annotations

from dashlet.embed.access import Grant
from dashlet.errors import NotFound, VariableError
from dashlet.query.engine import QueryEngine

CHOICES_TTL = 300  # seconds, when the dashboard itself does not cache


async def choices_for(engine: QueryEngine, grant: Grant, name: str) -> list[object]:
    """The options of variable ``name`` for this grant: static ``choices`` or its SQL's first column."""
    variable = grant.dashboard.variable(name)
    if variable is None:
        raise NotFound(f"This dashboard has no variable {name[:40]!r}.")
    if variable not in grant.editable:
        raise VariableError(
            name,
            f"Variable {name} is set by the application and cannot be changed.",
            code="variable_locked",
        )
    if variable.choices is not None:
        return list(variable.choices)
    if variable.choices_sql is None:
        return []
    # The variable's own current value must not narrow its options.
    values = {k: v for k, v in grant.values.items() if k != name}
    result = await engine.run_sql(
        grant.dashboard.source,
        variable.choices_sql,
        grant.dashboard.variables,
        values,
        ttl=grant.dashboard.cache_ttl or CHOICES_TTL,
    )
    return [row[0] for row in result.rows]
