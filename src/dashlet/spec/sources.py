"""Reading ``sources.yaml``: environment references filled in, local database paths made absolute."""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

from pydantic import ValidationError
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError

from dashlet.spec.document import Document
from dashlet.spec.problems import FileProblems
from dashlet.spec.schema import SourcesFile, SourceSpec
from dashlet.store.sources import FILE_DIALECTS

SOURCES_FILE = "sources.yaml"
REFERENCE = re.compile(r"\$\{([^}]*)\}")
ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


# Dialects whose "database" is a file path on this machine.
def declared_source_names(document: Document) -> set[str]:
    """Names of the sources the file declares, even when some entries are invalid."""
    data = document.data
    items = data.get("sources") if isinstance(data, dict) else None
    if not isinstance(items, list):
        return set()
    return {str(item["name"]) for item in items if isinstance(item, dict) and "name" in item}


def read_sources(
    document: Document, problems: FileProblems, folder: Path, environ: Mapping[str, str]
) -> list[SourceSpec]:
    """The file's sources with their final URLs; every problem goes to ``problems``."""
    problems.add_duplicate_keys()
    try:
        parsed = SourcesFile.model_validate(document.data)
    except ValidationError as error:
        problems.add_validation_error(error, SourcesFile)
        return []
    sources: list[SourceSpec] = []
    seen: set[str] = set()
    for index, source in enumerate(parsed.sources):
        if source.name in seen:
            problems.add(("sources", index, "name"), f"A source named {source.name!r} is above.")
            continue
        seen.add(source.name)
        url = _final_url(source.url, folder, environ, problems, ("sources", index, "url"))
        if url is not None:
            sources.append(source.model_copy(update={"url": url}))
    return sources


def _final_url(
    text: str,
    folder: Path,
    environ: Mapping[str, str],
    problems: FileProblems,
    path: tuple[str | int, ...],
) -> str | None:
    filled = _fill_references(text, environ, problems, path)
    if filled is None:
        return None
    try:
        url = make_url(filled)
        url.get_dialect()
    except NoSuchModuleError:  # a subclass of ArgumentError
        problems.add(path, f"No installed SQLAlchemy dialect handles {url.drivername!r} URLs.")
        return None
    except (ArgumentError, ValueError):
        problems.add(path, "This is not a SQLAlchemy URL (like postgresql://user@host/db).")
        return None
    absolute = _absolute_database_path(url, folder)
    # Re-rendering would percent-encode what the author wrote; keep their text when possible.
    return filled if absolute is url else absolute.render_as_string(hide_password=False)


def _fill_references(
    text: str, environ: Mapping[str, str], problems: FileProblems, path: tuple[str | int, ...]
) -> str | None:
    missing: list[str] = []
    invalid: list[str] = []

    def fill(match: re.Match[str]) -> str:
        name = match.group(1)
        if not ENV_NAME.match(name):
            invalid.append(name)
            return ""
        if name not in environ:
            missing.append(name)
            return ""
        return environ[name]

    filled = REFERENCE.sub(fill, text)
    for name in invalid:
        problems.add(path, f"${{{name}}} is not an environment variable name.")
    for name in missing:
        problems.add(path, f"The environment variable {name} is not set.")
    return None if missing or invalid else filled


def _absolute_database_path(url: URL, folder: Path) -> URL:
    """A relative SQLite/DuckDB file path, resolved against the applied folder."""
    database = url.database
    if url.get_backend_name() not in FILE_DIALECTS or not database:
        return url
    # ":memory:", "file:..." URIs and "md:..." (MotherDuck) are not paths on this machine.
    if ":" in database or Path(database).is_absolute():
        return url
    return url.set(database=str((folder / database).resolve()))
