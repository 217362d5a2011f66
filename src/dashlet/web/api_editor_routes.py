"""``/api/v1/orgs/{org}/dashboards/{dashboard}/document`` and ``/preview``: the editor's API.

Thin: reading, checking and saving live in ``dashlet.spec.edit``, running in
``dashlet.spec.preview``. A save is an apply of one file: the same checks and messages, the
same transaction, the same audit event; changing embed settings still needs an owner.
"""

from __future__ import annotations

from typing import Annotated

import orjson
from starlette.requests import Request

from dashlet.auth.principals import Principal
from dashlet.auth.roles import Action, allows
from dashlet.errors import NotFound
from dashlet.spec.edit import parse_document, read_document, save_document
from dashlet.spec.preview import preview_chart
from dashlet.spec.schema import ENCODING_KEYS, REQUIRED_ENCODING
from dashlet.store.dashboards import get_dashboard
from dashlet.store.sources import list_sources
from dashlet.web.api_apply import embed_check
from dashlet.web.api_dashboard_routes import DashboardSlug, record_apply
from dashlet.web.api_editor_models import (
    ChartTypeOut,
    ConvertedOut,
    DocumentIn,
    DocumentOut,
    PreviewIn,
    PreviewOut,
    SaveIn,
    SaveOut,
)
from dashlet.web.api_models import ApplyOut
from dashlet.web.embed_routes import services
from dashlet.web.guards import authorize

CHART_TYPES = {
    chart_type: ChartTypeOut(encoding=list(keys), required=list(REQUIRED_ENCODING[chart_type]))
    for chart_type, keys in ENCODING_KEYS.items()
}


def document(
    request: Request,
    dashboard: DashboardSlug,
    who: Annotated[Principal, authorize(Action.APPLY_DASHBOARDS)],
) -> DocumentOut:
    """The dashboard as its dashboards-as-code file, to edit and save back."""
    db = services(request).db
    found = read_document(db, who.organization, dashboard)
    return DocumentOut(
        slug=found.slug,
        version=found.version,
        document=found.document,
        yaml=found.text,
        sources=[source.name for source in list_sources(db, who.organization)],
        chart_types=CHART_TYPES,
    )


def convert(
    body: DocumentIn, who: Annotated[Principal, authorize(Action.APPLY_DASHBOARDS)]
) -> ConvertedOut:
    """A dashboard document as both JSON and YAML, read and written as apply reads files.

    Only the YAML syntax is checked: saving (or a dry run) checks the dashboard itself.
    """
    if body.yaml is not None:
        return ConvertedOut(document=parse_document(body.yaml), yaml=body.yaml)
    return ConvertedOut(document=body.document or {}, yaml=body.text())


def save(
    request: Request,
    dashboard: DashboardSlug,
    body: SaveIn,
    who: Annotated[Principal, authorize(Action.APPLY_DASHBOARDS)],
) -> SaveOut:
    """Create or update the dashboard from its document, checked exactly as `dashlet apply`."""
    db = services(request).db
    text = body.text()
    report = save_document(
        db,
        who.organization,
        dashboard,
        text,
        base_version=body.base_version,
        check_embed=embed_check(allows(who.role, Action.MANAGE_EMBED)),
        dry_run=body.dry_run,
    )
    if report.changed and not body.dry_run:
        record_apply(db, who, report)
    try:
        version: int | None = get_dashboard(db, who.organization, dashboard).version
    except NotFound:  # a dry run of a new dashboard
        version = None
    return SaveOut(**ApplyOut.of(report).model_dump(), version=version, yaml=text)


async def preview(
    request: Request,
    dashboard: DashboardSlug,
    body: PreviewIn,
    who: Annotated[Principal, authorize(Action.APPLY_DASHBOARDS)],
) -> PreviewOut:
    """Run one chart of the (unsaved) document with test values; nothing is cached or saved."""
    found = services(request)
    shown = await preview_chart(
        found.db, found.engine, who.organization, dashboard, body.text(), body.chart, body.values
    )
    answer = orjson.loads(shown.result.to_json_bytes())
    return PreviewOut.model_validate({**answer, "row_limit": shown.row_limit})
