"""One dashboard as its dashboards-as-code document, for the browser editor and the API.

The editor reads a dashboard as the document ``dashlet export`` writes and sends back a changed
copy (YAML text, or the same structure as JSON). Checking and saving go through the loader and
apply's one writer: the same checks, messages and single transaction as ``dashlet apply``. Only
what one file cannot carry differs: the sources are the organization's stored ones (nothing here
changes a source), and the file keeps the slug of the dashboard being edited.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dashlet.errors import SpecError, SpecProblem
from dashlet.spec.apply import ApplyReport, EmbedCheck, apply_loaded
from dashlet.spec.document import YamlSyntaxError, read_yaml
from dashlet.spec.export import dashboard_entry, dump_yaml
from dashlet.spec.loader import DASHBOARDS_DIR, LoadedDashboard, read_dashboard_file
from dashlet.store.dashboards import get_dashboard
from dashlet.store.database import Database
from dashlet.store.sources import list_sources

TEXT_FILE = "dashboard.yaml"  # how problems name YAML text that is not yet a stored dashboard's
# Stands for "the caller did not say which version it edited": no conflict check.
ANY_VERSION = -1


@dataclass(frozen=True)
class DashboardDocument:
    """A stored dashboard as the editor starts from it."""

    slug: str
    version: int
    document: dict[str, Any]
    text: str


def read_document(db: Database, org_slug: str, slug: str) -> DashboardDocument:
    """The stored dashboard as the file ``dashlet export`` writes (NotFound when there is none)."""
    dashboard = get_dashboard(db, org_slug, slug)
    document = dashboard_entry(dashboard)
    return DashboardDocument(slug, dashboard.version, document, dump_yaml(document))


def document_text(document: Mapping[str, Any]) -> str:
    """The YAML file a document (the structure ``read_document`` gives) is written as."""
    return dump_yaml(dict(document))


def parse_document(text: str) -> dict[str, Any]:
    """YAML text as a document, read as the loader reads a file: SpecError (with the line) else.

    Only the YAML is read here, not the dashboard's rules: the editor's form shows the result.
    """
    try:
        data = read_yaml(text).data
    except YamlSyntaxError as error:
        raise SpecError([SpecProblem(TEXT_FILE, error.line, "", error.message)]) from None
    if not isinstance(data, dict):
        message = "A dashboard file is a mapping: slug, title, source, charts..."
        raise SpecError([SpecProblem(TEXT_FILE, 1, "", message)])
    try:
        json.dumps(data, allow_nan=False)
    except ValueError:
        message = "Numbers must be finite (no .inf or .nan)."
        raise SpecError([SpecProblem(TEXT_FILE, None, "", message)]) from None
    return data


def document_file(slug: str) -> str:
    """Where the document would sit in an exported folder: the file name problems point to."""
    return f"{DASHBOARDS_DIR}/{slug}.yaml"


def load_document(
    db: Database, org_slug: str, slug: str, text: str
) -> tuple[LoadedDashboard | None, list[SpecProblem]]:
    """The document read as ``dashlet apply`` reads a file, against the stored sources.

    The dashboard comes back with problems too when its header reads (see
    ``read_dashboard_file``); a document naming another slug is a problem.
    """
    source_names = {source.name for source in list_sources(db, org_slug)}
    with tempfile.TemporaryDirectory(prefix="dashlet-edit-") as directory:
        folder = Path(directory)
        path = folder / document_file(slug)
        path.parent.mkdir()
        path.write_text(text, encoding="utf-8")
        loaded, problems = read_dashboard_file(folder, path, source_names)
    if loaded is not None and loaded.definition.slug != slug:
        problems.insert(
            0,
            SpecProblem(
                document_file(slug),
                loaded.document.line(("slug",)),
                "slug",
                f"This editor saves dashboard {slug!r}; the slug cannot change here "
                "(apply a file with the new slug to make a copy).",
            ),
        )
    return loaded, problems


def save_document(
    db: Database,
    org_slug: str,
    slug: str,
    text: str,
    *,
    base_version: int | None = ANY_VERSION,
    check_embed: EmbedCheck | None = None,
    dry_run: bool = False,
) -> ApplyReport:
    """Check the document and store it as ``dashlet apply`` would, in one transaction.

    ``base_version`` is the version the editor started from (None: a new dashboard); a save by
    someone else since is a Conflict. SpecError lists every problem; nothing is written then.
    """
    loaded, problems = load_document(db, org_slug, slug, text)
    if loaded is None:
        raise SpecError(problems)
    versions = {} if base_version == ANY_VERSION else {slug: base_version}
    return apply_loaded(
        db,
        org_slug,
        [loaded],
        problems,
        check_embed=check_embed,
        base_versions=versions,
        dry_run=dry_run,
    )
