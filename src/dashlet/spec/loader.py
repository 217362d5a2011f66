"""Reading a dashboards-as-code folder: every problem found at once, each with file, line, field.

``read_folder`` returns what it could read plus the problems; ``load_folder`` raises SpecError
when there are any. Nothing here touches the metadata store: ``dashlet.spec.apply`` does that.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from pydantic import ValidationError

from dashlet.errors import SpecError, SpecProblem
from dashlet.spec.charts import chart_def, check_chart
from dashlet.spec.document import Document, FieldPath, YamlSyntaxError, read_yaml
from dashlet.spec.problems import FileProblems
from dashlet.spec.schema import ChartSpec, DashboardSpec, EmbedSpec, SourceSpec, VariableSpec
from dashlet.spec.sources import SOURCES_FILE, declared_source_names, read_sources
from dashlet.spec.tenancy import tenancy_report
from dashlet.spec.variables import check_variable
from dashlet.store.definitions import ChartDef, DashboardDef, EmbedSettings, SourceDef, VariableDef

DASHBOARDS_DIR = "dashboards"
DASHBOARD_SUFFIXES = (".yaml", ".yml")

Item = TypeVar("Item", VariableSpec, ChartSpec)


@dataclass(frozen=True)
class LoadedDashboard:
    """One dashboard file, read and checked.

    ``definition`` has ids 0 and a source that carries only its name until applied; its embed
    settings are the file's ``embed`` keys over the defaults, as for a new dashboard.
    """

    file: str
    definition: DashboardDef
    embed: EmbedSpec  # the keys the file sets; None keeps the stored value
    document: Document

    def embed_over(self, stored: EmbedSettings) -> EmbedSettings:
        """The embed settings after applying this file over ``stored``."""
        return _embed_over(self.embed, stored)

    def tenancy_problems(self, embed: EmbedSettings) -> list[SpecProblem]:
        """The fail-closed tenancy refusals if this dashboard were stored with ``embed``."""
        report = tenancy_report(dataclasses.replace(self.definition, embed=embed))
        problems = FileProblems(self.file, self.document)
        why = "" if self.embed.enabled else " (Embedding was turned on outside this file.)"
        for finding in report.refusals:
            if finding.kind == "chart":
                path = self._path_of("charts", "slug", finding.name, ("sql", "sql_file"))
            else:
                path = self._path_of("variables", "name", finding.name, ("choices_sql",))
            problems.add(path, f"{finding.problem}{why}")
        return problems.found

    def _path_of(self, key: str, id_key: str, value: str, fields: tuple[str, ...]) -> FieldPath:
        """Where the item of list ``key`` whose ``id_key`` is ``value`` sets the first of ``fields``."""
        for index, item in enumerate(self.document.data[key]):
            if item.get(id_key) == value:
                return (key, index, next((f for f in fields if f in item), fields[0]))
        return (key,)


@dataclass(frozen=True)
class LoadedFolder:
    folder: Path
    sources: tuple[SourceSpec, ...]
    dashboards: tuple[LoadedDashboard, ...]


def load_folder(folder: Path, environ: Mapping[str, str] | None = None) -> LoadedFolder:
    """Read and check ``folder`` as if nothing were stored; raises SpecError with every problem."""
    loaded, problems = read_folder(folder, environ)
    for dashboard in loaded.dashboards:
        problems += dashboard.tenancy_problems(dashboard.embed_over(EmbedSettings()))
    if problems:
        raise SpecError(problems)
    return loaded


def read_folder(
    folder: Path, environ: Mapping[str, str] | None = None
) -> tuple[LoadedFolder, list[SpecProblem]]:
    """Everything in ``folder`` that reads without a problem, and every problem found.

    ``environ`` fills ``${NAME}`` in source URLs (default: this process's environment).
    """
    folder = folder.resolve()
    if not folder.is_dir():
        return LoadedFolder(folder, (), ()), [
            SpecProblem(str(folder), None, "", "There is no such folder.")
        ]
    problems: list[SpecProblem] = []
    sources, source_names = _read_sources_file(
        folder, os.environ if environ is None else environ, problems
    )
    dashboards: list[LoadedDashboard] = []
    files_by_slug: dict[str, str] = {}
    for path in _dashboard_files(folder, problems):
        reader = _DashboardReader(folder, path, source_names)
        loaded = reader.read()
        slug = _raw_slug(reader.problems.document)
        if slug is not None and slug in files_by_slug:
            reader.problems.add(("slug",), f"{files_by_slug[slug]} has this slug too.")
        elif slug is not None:
            files_by_slug[slug] = reader.problems.file
        problems += reader.problems.in_line_order()
        if loaded is not None and not reader.problems.found:
            dashboards.append(loaded)
    return LoadedFolder(folder, tuple(sources), tuple(dashboards)), problems


def read_dashboard_file(
    folder: Path, path: Path, source_names: set[str]
) -> tuple[LoadedDashboard | None, list[SpecProblem]]:
    """One dashboard file of ``folder`` checked against the sources named ``source_names``.

    The dashboard comes back even with problems when its header reads, holding only the
    variables and charts that passed (a preview can run a good chart of an unfinished file).
    """
    reader = _DashboardReader(folder.resolve(), path.resolve(), source_names)
    loaded = reader.read()
    return loaded, reader.problems.in_line_order()


def _embed_over(embed: EmbedSpec, stored: EmbedSettings) -> EmbedSettings:
    return EmbedSettings(
        enabled=_first(embed.enabled, stored.enabled),
        allow_viewer_variables=_first(embed.allow_viewer_variables, stored.allow_viewer_variables),
        allow_csv=_first(embed.allow_csv, stored.allow_csv),
    )


def _first(value: bool | None, fallback: bool) -> bool:
    return fallback if value is None else value


def _read_sources_file(
    folder: Path, environ: Mapping[str, str], problems: list[SpecProblem]
) -> tuple[list[SourceSpec], set[str] | None]:
    """The valid sources, and the names declared (None when sources.yaml cannot be read)."""
    file = FileProblems(SOURCES_FILE)
    document = _read_document(folder / SOURCES_FILE, file)
    sources = [] if document is None else read_sources(document, file, folder, environ)
    names = None if document is None else declared_source_names(document)
    problems += file.found
    return sources, names


def _dashboard_files(folder: Path, problems: list[SpecProblem]) -> list[Path]:
    directory = folder / DASHBOARDS_DIR
    if not directory.is_dir():
        message = "The folder needs a dashboards/ folder holding one YAML file per dashboard."
        problems.append(SpecProblem(DASHBOARDS_DIR, None, "", message))
        return []
    return sorted(
        path
        for path in directory.iterdir()
        if path.suffix in DASHBOARD_SUFFIXES and not path.name.startswith(".") and path.is_file()
    )


def _read_document(path: Path, problems: FileProblems) -> Document | None:
    """The file parsed, else None with the reason recorded in ``problems``."""
    text = problems.read_text(path, (), missing=f"The folder needs a {path.name} file.")
    if text is None:
        return None
    try:
        problems.document = read_yaml(text)
    except YamlSyntaxError as error:
        problems.add((), error.message, line=error.line)
        return None
    problems.add_duplicate_keys()
    return problems.document


def _raw_slug(document: Document | None) -> str | None:
    data = document.data if document is not None else None
    slug = data.get("slug") if isinstance(data, dict) else None
    return slug if isinstance(slug, str) else None


def _declared_variable_names(data: dict[str, Any]) -> set[str]:
    """Names in ``variables``, even of entries with problems (so binds to them are not blamed)."""
    items = data.get("variables")
    if not isinstance(items, list):
        return set()
    return {str(item["name"]) for item in items if isinstance(item, dict) and "name" in item}


class _DashboardReader:
    """Reads one dashboard file part by part, so one bad chart hides no other problem."""

    def __init__(self, folder: Path, path: Path, source_names: set[str] | None) -> None:
        self.folder = folder
        self.path = path
        self.source_names = source_names
        self.problems = FileProblems(path.relative_to(folder).as_posix())

    def read(self) -> LoadedDashboard | None:
        document = _read_document(self.path, self.problems)
        if document is None:
            return None
        if not isinstance(document.data, dict):
            self.problems.add((), "A dashboard file is a mapping: slug, title, source, charts...")
            return None
        data: dict[str, Any] = document.data
        declared = _declared_variable_names(data)
        header = self._header(data, declared)
        variables = [
            check_variable(variable, index, declared, self.problems)
            for index, variable in self._items(data, "variables", VariableSpec)
        ]
        charts = self._charts(data, declared)
        self._report_duplicates("variables", "name")
        self._report_duplicates("charts", "slug")
        if header is None:
            return None
        return LoadedDashboard(
            file=self.problems.file,
            definition=_definition(header, variables, charts),
            embed=header.embed or EmbedSpec(),
            document=document,
        )

    def _header(self, data: dict[str, Any], declared: set[str]) -> DashboardSpec | None:
        try:
            header = DashboardSpec.model_validate(
                {k: v for k, v in data.items() if k not in ("variables", "charts")}
            )
        except ValidationError as error:
            self.problems.add_validation_error(error, DashboardSpec)
            return None
        if header.usage_key is not None and header.usage_key not in declared:
            self.problems.add(
                ("usage_key",), f"{header.usage_key!r} is not a variable of this dashboard."
            )
        # Without a readable sources.yaml (already a problem), any name would be blamed.
        if self.source_names is not None and header.source not in self.source_names:
            known = ", ".join(sorted(self.source_names)) or "none"
            self.problems.add(
                ("source",), f"sources.yaml has no source {header.source!r} (it has {known})."
            )
        return header

    def _charts(self, data: dict[str, Any], declared: set[str]) -> list[ChartDef]:
        charts = []
        for index, chart in self._items(data, "charts", ChartSpec):
            sql = check_chart(chart, index, declared, (self.folder, self.path), self.problems)
            if sql is not None:
                charts.append(chart_def(chart, sql))
        return charts

    def _items(self, data: dict[str, Any], key: str, model: type[Item]) -> list[tuple[int, Item]]:
        raw = data.get(key, [])
        if not isinstance(raw, list):
            self.problems.add((key,), "Must be a list.")
            return []
        items: list[tuple[int, Item]] = []
        for index, item in enumerate(raw):
            try:
                items.append((index, model.model_validate(item)))
            except ValidationError as error:
                self.problems.add_validation_error(error, model, (key, index))
        return items

    def _report_duplicates(self, key: str, name: str) -> None:
        """A second variable (or chart) with the same name (or slug) as one above it."""
        document = self.problems.document
        items = document.data.get(key) if document is not None else None
        seen: set[str] = set()
        for index, item in enumerate(items if isinstance(items, list) else []):
            value = item.get(name) if isinstance(item, dict) else None
            if isinstance(value, str) and value in seen:
                self.problems.add((key, index, name), f"{value!r} is used above in this file.")
            elif isinstance(value, str):
                seen.add(value)


def _definition(
    header: DashboardSpec, variables: list[VariableDef], charts: list[ChartDef]
) -> DashboardDef:
    return DashboardDef(
        id=0,
        organization_id=0,
        slug=header.slug,
        title=header.title,
        source=SourceDef(id=0, organization_id=0, name=header.source, url=""),
        cache_ttl=header.cache_ttl,
        description=header.description,
        usage_key=header.usage_key,
        theme=dict(header.theme),
        embed=_embed_over(header.embed or EmbedSpec(), EmbedSettings()),
        variables=tuple(variables),
        charts=tuple(charts),
    )
