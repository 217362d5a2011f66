"""Immutable read models of what the metadata store holds: what the engine and embed code use.

They carry no session, so they can be cached per process and handed between threads.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from dashlet.errors import NotFound

VARIABLE_TYPES = ("string", "integer", "number", "boolean", "date", "datetime")
CHART_TYPES = ("table", "number", "bar", "line", "area", "pie", "scatter")


@dataclass(frozen=True)
class SourceDef:
    """A data source with its decrypted URL (keep it in memory only)."""

    id: int
    organization_id: int
    name: str
    url: str = field(repr=False)
    read_only: bool = True
    statement_timeout: float | None = None
    row_limit: int | None = None
    version: int = 1

    @property
    def cache_identity(self) -> str:
        """Changes whenever the source changes, so results and engines never outlive it."""
        return f"{self.id}:{self.version}"


class VariableFields(Protocol):
    """Anything that declares a variable: a YAML variable or a stored one."""

    @property
    def name(self) -> str: ...

    @property
    def type(self) -> str: ...

    @property
    def hidden(self) -> bool: ...

    @property
    def required(self) -> bool: ...

    @property
    def multi(self) -> bool: ...

    @property
    def default(self) -> Any: ...

    @property
    def label(self) -> str | None: ...

    @property
    def choices(self) -> Sequence[Any] | None: ...

    @property
    def choices_sql(self) -> str | None: ...


@dataclass(frozen=True)
class VariableDef:
    name: str
    type: str
    hidden: bool = False
    required: bool = False
    multi: bool = False
    default: Any = None
    label: str | None = None
    choices: tuple[Any, ...] | None = None
    choices_sql: str | None = None

    @classmethod
    def of(cls, fields: VariableFields) -> VariableDef:
        """The read model of a declared variable."""
        return cls(
            name=fields.name,
            type=fields.type,
            hidden=fields.hidden,
            required=fields.required,
            multi=fields.multi,
            default=fields.default,
            label=fields.label,
            choices=None if fields.choices is None else tuple(fields.choices),
            choices_sql=fields.choices_sql,
        )


@dataclass(frozen=True)
class ChartDef:
    slug: str
    title: str
    type: str
    sql: str
    encoding: Mapping[str, Any] = field(default_factory=dict)
    width: int = 6
    height: int = 4
    cache_ttl: int | None = None
    shared: bool = False


@dataclass(frozen=True)
class EmbedSettings:
    enabled: bool = False
    allow_viewer_variables: bool = False
    allow_csv: bool = False


@dataclass(frozen=True)
class DashboardDef:
    id: int
    organization_id: int
    slug: str
    title: str
    source: SourceDef
    cache_ttl: int = 300
    description: str | None = None
    usage_key: str | None = None
    theme: Mapping[str, str] = field(default_factory=dict)
    embed: EmbedSettings = EmbedSettings()
    variables: tuple[VariableDef, ...] = ()
    charts: tuple[ChartDef, ...] = ()
    version: int = 1

    def variable(self, name: str) -> VariableDef | None:
        return next((v for v in self.variables if v.name == name), None)

    def chart(self, slug: str) -> ChartDef:
        for chart in self.charts:
            if chart.slug == slug:
                return chart
        raise NotFound(f"Dashboard {self.slug!r} has no chart {slug!r}.")

    def ttl_for(self, chart: ChartDef) -> int:
        """The chart's own cache TTL, else the dashboard's."""
        return self.cache_ttl if chart.cache_ttl is None else chart.cache_ttl
