"""``/api/v1/orgs/{org}/sources``: list, add, change and test data sources (editors and owners).

A source's URL goes in and never comes back: answers carry ``display_url`` with the password
masked. On change, a blank ``url`` keeps the stored one and a URL whose password is ``***``
keeps the stored password. Names are unique per organization (``conflict``).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Path
from pydantic import Field
from starlette.requests import Request

from dashlet.auth.principals import Principal
from dashlet.auth.roles import Action
from dashlet.query.connection_test import check_connection
from dashlet.store import sources as stored
from dashlet.web.api_errors import invalid_input
from dashlet.web.api_models import Body, Out
from dashlet.web.embed_routes import services
from dashlet.web.guards import authorize

SourceId = Annotated[int, Path(ge=1, le=2**63 - 1)]
Editor = Annotated[Principal, authorize(Action.APPLY_DASHBOARDS)]


class SourceIn(Body):
    name: str = Field(min_length=1, max_length=stored.MAX_NAME)
    url: str = Field(
        "",
        max_length=4096,
        description="A SQLAlchemy URL. On change, blank keeps the stored URL and a password "
        "of *** keeps the stored password.",
    )
    read_only: bool = True
    statement_timeout: float | None = Field(None, gt=0, le=stored.MAX_TIMEOUT, allow_inf_nan=False)
    row_limit: int | None = Field(None, ge=1, le=stored.MAX_ROW_LIMIT)

    def settings(self) -> stored.SourceSettings:
        return stored.SourceSettings(
            name=self.name,
            url=self.url,
            read_only=self.read_only,
            statement_timeout=self.statement_timeout,
            row_limit=self.row_limit,
        )


class SourceOut(Out):
    id: int
    name: str
    display_url: str = Field(description="The URL with its password masked as ***.")
    read_only: bool
    statement_timeout: float | None
    row_limit: int | None
    version: int = Field(description="Bumped on every change.")


class ConnectionTestOut(Out):
    ok: bool
    elapsed_ms: float
    code: str | None = Field(description="Why it failed: query_failed or query_timeout.")
    message: str | None = Field(description="The plain sentence of code.")
    detail: str | None = Field(description="The driver's words, URL and password redacted.")


def sources(request: Request, who: Editor) -> list[SourceOut]:
    """The organization's data sources in name order, URLs masked."""
    found = stored.list_sources(services(request).db, who.organization)
    return [SourceOut.model_validate(source) for source in found]


def create_source(request: Request, body: SourceIn, who: Editor) -> SourceOut:
    """Add a data source (audited as ``source.created``)."""
    with invalid_input():
        source = stored.create_source(
            services(request).db, who.organization, body.settings(), actor=who.actor
        )
    return SourceOut.model_validate(source)


def change_source(request: Request, source_id: SourceId, body: SourceIn, who: Editor) -> SourceOut:
    """Change a data source; a real change bumps its version (audited as ``source.updated``)."""
    with invalid_input():
        source = stored.update_source(
            services(request).db, who.organization, source_id, body.settings(), actor=who.actor
        )
    return SourceOut.model_validate(source)


async def check_source(request: Request, source_id: SourceId, who: Editor) -> ConnectionTestOut:
    """Run ``SELECT 1`` on the source: the time taken, or why it failed (never the URL)."""
    found = services(request)
    source = stored.find_source_def(found.db, who.organization, source_id)
    report = await check_connection(found.engine.engines, source)
    return ConnectionTestOut.model_validate(report)
