"""The bodies of the dashboard editor's API: a dashboard as its document, a save, a preview."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from pydantic import Field, model_validator

from dashlet.spec.edit import ANY_VERSION, document_text
from dashlet.spec.schema import SLUG as CHART_SLUG
from dashlet.web.api_models import ApplyOut, Body, Out

MAX_DOCUMENT_CHARACTERS = 1_000_000
TestValue = (
    Annotated[str, Field(max_length=10_000)] | list[Annotated[str, Field(max_length=10_000)]]
)


class ChartTypeOut(Out):
    encoding: list[str] = Field(description="The encoding keys this chart type reads.")
    required: list[str] = Field(description="Those it cannot do without.")


class DocumentOut(Out):
    slug: str
    version: int = Field(description="Send it back as `base_version` when saving.")
    document: dict[str, Any] = Field(
        description="The dashboard as its dashboards-as-code file (what `dashlet export` writes)."
    )
    yaml: str = Field(description="The same document as the YAML file.")
    sources: list[str] = Field(description="The organization's data sources a dashboard may use.")
    chart_types: dict[str, ChartTypeOut]


class DocumentIn(Body):
    """A document as JSON (the structure ``GET .../document`` gives) or as YAML text."""

    document: dict[str, Any] | None = None
    yaml: Annotated[str, Field(max_length=MAX_DOCUMENT_CHARACTERS)] | None = None

    @model_validator(mode="after")
    def _one_form(self) -> DocumentIn:
        if (self.document is None) == (self.yaml is None):
            raise ValueError("Send the dashboard as exactly one of `document` or `yaml`.")
        return self

    def text(self) -> str:
        """The YAML file the dashboard is read from, as ``dashlet apply`` would read it."""
        return self.yaml if self.yaml is not None else document_text(self.document or {})


class ConvertedOut(Out):
    document: dict[str, Any] = Field(description="The dashboard as JSON, read as apply reads YAML.")
    yaml: str = Field(description="The same dashboard as YAML text.")


class SaveIn(DocumentIn):
    base_version: int | None = Field(
        default=ANY_VERSION,
        description="The version you started from (null: a new dashboard). Someone else's save "
        "since is refused with `conflict`. Leave it out to save whatever is stored.",
    )
    dry_run: bool = Field(default=False, description="Check and report; save nothing.")


class SaveOut(ApplyOut):
    version: int | None = Field(
        description="The version stored now (null after a dry run of a new one)."
    )
    yaml: str = Field(description="The document as saved.")


class PreviewIn(DocumentIn):
    chart: Annotated[str, Field(max_length=100, pattern=CHART_SLUG.pattern)]
    values: dict[Annotated[str, Field(max_length=100)], TestValue] = Field(
        default_factory=dict,
        max_length=100,
        description="Test values as typed (text; a list for a multi variable); a variable "
        "left out takes its default.",
    )


class ColumnOut(Out):
    name: str
    type: str


class PreviewOut(Out):
    columns: list[ColumnOut]
    rows: list[list[Any]]
    truncated: bool = Field(description="More rows exist than the preview shows.")
    row_limit: int
    duration_ms: float
    computed_at: dt.datetime
