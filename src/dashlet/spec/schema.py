"""The shape of ``sources.yaml`` and ``dashboards/*.yaml``: pydantic models that refuse unknown keys.

These models check one file at a time. Rules that span fields or files (SQL binds, source names,
duplicate slugs, fail-closed tenancy) live in ``dashlet.spec.loader`` and ``dashlet.spec.tenancy``.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field

IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,99}$")
SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]{0,99}$")
SOURCE_NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,99}$")
THEME_NAME = re.compile(r"^--dashlet-[a-z0-9]+(?:-[a-z0-9]+)*$")
# Colours only: hex, rgb()/hsl() with plain numbers, or a keyword. Nothing that could close the
# declaration (`;`, `}`) or fetch anything (`url(`), since the value lands in a <style> block.
THEME_COLOUR = re.compile(
    r"^(?:#[0-9a-fA-F]{3,4}|#[0-9a-fA-F]{6}|#[0-9a-fA-F]{8}"
    r"|(?:rgb|rgba|hsl|hsla)\([0-9.,% /a-z]{1,60}\)|[a-zA-Z]{3,30})$"
)

VariableType = Literal["string", "integer", "number", "boolean", "date", "datetime"]
ChartType = Literal["table", "number", "bar", "line", "area", "pie", "scatter"]

# The encoding keys each chart type reads, and which of them it cannot do without.
ENCODING_KEYS: dict[str, tuple[str, ...]] = {
    "bar": ("x", "y", "series", "format"),
    "line": ("x", "y", "series", "format"),
    "area": ("x", "y", "series", "format"),
    "scatter": ("x", "y", "series", "format"),
    "pie": ("label", "value", "format"),
    "number": ("value", "compare", "format"),
    "table": ("columns", "format"),
}
REQUIRED_ENCODING: dict[str, tuple[str, ...]] = {
    "bar": ("x", "y"),
    "line": ("x", "y"),
    "area": ("x", "y"),
    "scatter": ("x", "y"),
    "pie": ("label", "value"),
    "number": ("value",),
    "table": (),
}


def _matching(pattern: re.Pattern[str], rule: str) -> AfterValidator:
    def check(value: str) -> str:
        if not pattern.match(value):
            raise ValueError(f"{value!r} is not valid: use {rule}")
        return value

    return AfterValidator(check)


def _as_list(value: Any) -> Any:
    return [value] if isinstance(value, str) else value


def _check_theme(theme: dict[str, str]) -> dict[str, str]:
    for name, colour in theme.items():
        if not THEME_NAME.match(name):
            raise ValueError(
                f"{name!r} is not a theme variable: use names like --dashlet-accent "
                "(lowercase letters, digits and hyphens after --dashlet-)"
            )
        if not THEME_COLOUR.match(colour):
            raise ValueError(
                f"{colour!r} (for {name}) is not a colour: use #rgb, #rrggbb, rgb(...), hsl(...) "
                "or a colour name"
            )
    return theme


Identifier = Annotated[
    str, _matching(IDENTIFIER, "letters, digits and underscores, not starting with a digit")
]
Slug = Annotated[
    str, _matching(SLUG, "lowercase letters, digits, '_' and '-', starting with a letter or digit")
]
SourceName = Annotated[str, _matching(SOURCE_NAME, "letters, digits, '_', '.' and '-'")]
ColumnName = Annotated[str, Field(min_length=1, max_length=200)]
Size = Annotated[int, Field(ge=1, le=12)]


class SpecModel(BaseModel):
    """Every spec model: unknown keys are errors, numbers may stand where text is expected."""

    model_config = ConfigDict(extra="forbid", coerce_numbers_to_str=True, frozen=True)


class SourceSpec(SpecModel):
    name: SourceName
    url: Annotated[str, Field(min_length=1)]
    read_only: bool = True
    statement_timeout: Annotated[float, Field(gt=0)] | None = None
    row_limit: Annotated[int, Field(gt=0)] | None = None


class SourcesFile(SpecModel):
    sources: list[SourceSpec]


class EmbedSpec(SpecModel):
    """Embed switches; a key left out keeps the stored value (off for a new dashboard)."""

    enabled: bool | None = None
    allow_viewer_variables: bool | None = None
    allow_csv: bool | None = None


class VariableSpec(SpecModel):
    name: Identifier
    label: str | None = None
    type: VariableType
    hidden: bool = False
    required: bool = False
    multi: bool = False
    default: Any = None
    choices: list[Any] | None = None
    choices_sql: str | None = None


class ChartSpec(SpecModel):
    slug: Slug
    title: Annotated[str, Field(min_length=1, max_length=300)]
    type: ChartType
    sql: str | None = None
    sql_file: str | None = None
    x: ColumnName | None = None
    y: Annotated[list[ColumnName] | None, BeforeValidator(_as_list)] = None
    series: ColumnName | None = None
    label: ColumnName | None = None
    value: ColumnName | None = None
    compare: ColumnName | None = None
    columns: list[ColumnName] | None = None
    format: Annotated[str, Field(min_length=1, max_length=100)] | None = None
    width: Size = 6
    height: Size = 4
    cache_ttl: Annotated[int, Field(ge=0)] | None = None
    shared: bool = False

    def encoding(self) -> dict[str, Any]:
        """The encoding keys this chart sets, as stored in ``Chart.encoding``."""
        encoding: dict[str, Any] = {}
        for key in ENCODING_KEYS[self.type]:
            value = getattr(self, key)
            if value is None:
                continue
            # A scatter plots one y column; the other series types take a list.
            encoding[key] = value[0] if key == "y" and self.type == "scatter" else value
        return encoding

    def encoding_problems(self) -> dict[str, str]:
        """Encoding keys missing for this chart type, or set but meaningless for it."""
        problems: dict[str, str] = {}
        wanted = ENCODING_KEYS[self.type]
        for key in REQUIRED_ENCODING[self.type]:
            if getattr(self, key) is None:
                problems[key] = f"A {self.type} chart needs {key!r} (a column of its SQL result)."
        for key in ("x", "y", "series", "label", "value", "compare", "columns"):
            if key not in wanted and getattr(self, key) is not None:
                uses = ", ".join(k for k in wanted if k != "format") or "no encoding keys"
                problems[key] = f"A {self.type} chart does not use {key!r}; it uses {uses}."
        if self.type == "scatter" and self.y is not None and len(self.y) != 1:
            problems["y"] = "A scatter chart plots exactly one y column."
        if self.y is not None and not self.y:
            problems["y"] = "Name at least one column."
        return problems


class DashboardSpec(SpecModel):
    """One ``dashboards/*.yaml`` file. The loader checks its variables and charts one by one."""

    slug: Slug
    title: Annotated[str, Field(min_length=1, max_length=300)]
    description: str | None = None
    source: SourceName
    cache_ttl: Annotated[int, Field(ge=0)] = 300
    embed: EmbedSpec | None = None
    usage_key: str | None = None
    theme: Annotated[dict[str, str], AfterValidator(_check_theme)] = Field(default_factory=dict)
    variables: list[VariableSpec] = Field(default_factory=list)
    charts: list[ChartSpec] = Field(default_factory=list)
