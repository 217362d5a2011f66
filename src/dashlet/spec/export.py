"""``dashlet export``: an organization's sources and dashboards written back as a folder.

The files are what ``dashlet apply`` reads, so a dashboard edited in the browser can go to
version control: applying the export changes nothing. Keys keep the documented order, only
values that differ from the defaults are written, and SQL stays a readable ``|`` block.
A source's password never reaches a file: it becomes a ``${NAME}`` placeholder.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import select
from sqlalchemy.engine import make_url

from dashlet.errors import Conflict
from dashlet.spec.loader import DASHBOARDS_DIR
from dashlet.spec.schema import ENCODING_KEYS
from dashlet.spec.sources import SOURCES_FILE
from dashlet.store.dashboards import list_dashboards, source_def
from dashlet.store.database import Database
from dashlet.store.definitions import (
    ChartDef,
    DashboardDef,
    EmbedSettings,
    SourceDef,
    VariableDef,
)
from dashlet.store.models import DataSource
from dashlet.store.organizations import find_organization
from dashlet.store.sources import FILE_DIALECTS

# Rendered in place of the password, then swapped for ``${NAME}``: SQLAlchemy would
# percent-encode the braces of the placeholder itself.
PLACEHOLDER_MARK = "DASHLETEXPORTMARK"
ENCODING_ORDER = ("x", "y", "series", "label", "value", "compare", "columns")


@dataclass(frozen=True)
class Placeholder:
    """A source whose password was replaced by the environment variable ``name``."""

    source: str
    name: str


@dataclass(frozen=True)
class ExportedFolder:
    """The files of an export (path relative to the folder -> text) and its placeholders."""

    files: dict[str, str]
    placeholders: tuple[Placeholder, ...]


@dataclass(frozen=True)
class WriteReport:
    written: tuple[str, ...]
    unchanged: tuple[str, ...]


def export_organization(db: Database, org_slug: str, folder: Path) -> ExportedFolder:
    """The folder ``dashlet apply`` would read back into the organization's current state.

    A SQLite or DuckDB file inside ``folder`` is written relative to it; any other path stays
    absolute, as stored.
    """
    folder = folder.resolve()
    sources = _stored_sources(db, org_slug)
    entries: list[dict[str, Any]] = []
    placeholders: list[Placeholder] = []
    for source in sources:
        url, placeholder = _portable_url(source, folder)
        if placeholder is not None:
            placeholders.append(placeholder)
        entries.append(_source_entry(source, url))
    files = {SOURCES_FILE: dump_yaml({"sources": entries})}
    for dashboard in list_dashboards(db, org_slug):
        files[f"{DASHBOARDS_DIR}/{dashboard.slug}.yaml"] = dump_yaml(dashboard_entry(dashboard))
    return ExportedFolder(files, tuple(placeholders))


def write_folder(export: ExportedFolder, folder: Path, *, force: bool = False) -> WriteReport:
    """Write the export; refuses (Conflict, nothing written) to replace a differing file."""
    targets = {relative: folder / relative for relative in export.files}
    differing = [
        relative
        for relative, path in targets.items()
        if path.exists() and path.read_text(encoding="utf-8") != export.files[relative]
    ]
    if differing and not force:
        raise Conflict(
            f"{folder} already has different {', '.join(differing)}; "
            "use --force to overwrite them.",
        )
    written, unchanged = [], []
    for relative, path in targets.items():
        if path.exists() and relative not in differing:
            unchanged.append(relative)
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(export.files[relative], encoding="utf-8")
        written.append(relative)
    return WriteReport(tuple(written), tuple(unchanged))


def _stored_sources(db: Database, org_slug: str) -> list[SourceDef]:
    with db.session() as session:
        org = find_organization(session, org_slug)
        rows = session.scalars(
            select(DataSource).where(DataSource.organization_id == org.id).order_by(DataSource.name)
        )
        return [source_def(db, row) for row in rows]


def placeholder_name(source_name: str) -> str:
    """``warehouse`` -> ``WAREHOUSE_PASSWORD``: the environment variable for its password."""
    stem = re.sub(r"[^A-Za-z0-9_]", "_", source_name).upper()
    return f"{'_' if stem[0].isdigit() else ''}{stem}_PASSWORD"


def _portable_url(source: SourceDef, folder: Path) -> tuple[str, Placeholder | None]:
    """The URL without its password, and a local database file relative to ``folder``."""
    original = make_url(source.url)
    url = original
    database = url.database
    if url.get_backend_name() in FILE_DIALECTS and database and ":" not in database:
        path = Path(database)
        if path.is_absolute() and path.is_relative_to(folder):
            url = url.set(database=path.relative_to(folder).as_posix())
    if url.password is None:
        # Unchanged: keep the text as the author wrote it (rendering would re-encode it).
        return (source.url if url == original else url.render_as_string(hide_password=False)), None
    placeholder = Placeholder(source.name, placeholder_name(source.name))
    text = url.set(password=PLACEHOLDER_MARK).render_as_string(hide_password=False)
    text = text.replace(PLACEHOLDER_MARK, f"${{{placeholder.name}}}")
    return text, placeholder


def _source_entry(source: SourceDef, url: str) -> dict[str, Any]:
    entry: dict[str, Any] = {"name": source.name, "url": url}
    if not source.read_only:
        entry["read_only"] = False
    _set(entry, "statement_timeout", source.statement_timeout)
    _set(entry, "row_limit", source.row_limit)
    return entry


def dashboard_entry(dashboard: DashboardDef) -> dict[str, Any]:
    """The dashboard as its file's structure: documented key order, defaults left out."""
    entry: dict[str, Any] = {"slug": dashboard.slug, "title": dashboard.title}
    _set(entry, "description", dashboard.description)
    entry["source"] = dashboard.source.name
    if dashboard.cache_ttl != DashboardDef.cache_ttl:
        entry["cache_ttl"] = dashboard.cache_ttl
    if dashboard.embed != EmbedSettings():
        # All three keys: a key left out would keep whatever the target has stored.
        entry["embed"] = {
            "enabled": dashboard.embed.enabled,
            "allow_viewer_variables": dashboard.embed.allow_viewer_variables,
            "allow_csv": dashboard.embed.allow_csv,
        }
    _set(entry, "usage_key", dashboard.usage_key)
    if dashboard.theme:
        entry["theme"] = dict(dashboard.theme)
    if dashboard.variables:
        entry["variables"] = [_variable_entry(v) for v in dashboard.variables]
    if dashboard.charts:
        entry["charts"] = [_chart_entry(c) for c in dashboard.charts]
    return entry


def _variable_entry(variable: VariableDef) -> dict[str, Any]:
    entry: dict[str, Any] = {"name": variable.name}
    _set(entry, "label", variable.label)
    entry["type"] = variable.type
    for flag in ("hidden", "required", "multi"):
        if getattr(variable, flag):
            entry[flag] = True
    _set(entry, "default", variable.default)
    _set(entry, "choices", None if variable.choices is None else list(variable.choices))
    _set(entry, "choices_sql", None if variable.choices_sql is None else _sql(variable.choices_sql))
    return entry


def _chart_entry(chart: ChartDef) -> dict[str, Any]:
    entry: dict[str, Any] = {"slug": chart.slug, "title": chart.title, "type": chart.type}
    for key in ENCODING_ORDER:
        if key in ENCODING_KEYS[chart.type]:
            _set(entry, key, chart.encoding.get(key))
    _set(entry, "format", chart.encoding.get("format"))
    if chart.width != ChartDef.width:
        entry["width"] = chart.width
    if chart.height != ChartDef.height:
        entry["height"] = chart.height
    _set(entry, "cache_ttl", chart.cache_ttl)
    if chart.shared:
        entry["shared"] = True
    entry["sql"] = _sql(chart.sql)
    return entry


def _sql(text: str) -> str:
    """SQL with a final newline when it spans lines: a plain ``|`` block (the loader strips it)."""
    return f"{text}\n" if "\n" in text else text


def _set(entry: dict[str, Any], key: str, value: Any) -> None:
    if value is not None:
        entry[key] = value


class _SpecDumper(yaml.SafeDumper):
    """Multi-line text as ``|`` blocks, short lists of plain values on one line."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        # Indent list items under their key, as the documentation's examples do.
        super().increase_indent(flow, False)


def _represent_text(dumper: yaml.SafeDumper, text: str) -> yaml.ScalarNode:
    style = "|" if "\n" in text else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", text, style=style)


def _represent_list(dumper: yaml.SafeDumper, items: list[Any]) -> yaml.SequenceNode:
    flat = all(not isinstance(item, dict | list) for item in items)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", items, flow_style=flat)


_SpecDumper.add_representer(str, _represent_text)
_SpecDumper.add_representer(list, _represent_list)


def dump_yaml(data: dict[str, Any]) -> str:
    """YAML as the documentation writes it: SQL as ``|`` blocks, short lists on one line."""
    text: str = yaml.dump(data, Dumper=_SpecDumper, sort_keys=False, allow_unicode=True, width=100)
    return text
