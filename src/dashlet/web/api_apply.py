"""Applying a dashboards-as-code folder sent as JSON (path -> text), exactly as ``dashlet apply``.

The texts are written to a private temporary folder and handed to ``apply_folder``: the same
loader, the same checks, the same one transaction. What differs is only what the server's own
machine would otherwise lend the caller:

- ``${NAME}`` in a source URL is not filled from the server's environment (that would let a
  caller send the server's secrets to a host of their choosing): the URL must be given whole.
- A relative SQLite/DuckDB path would point into the temporary folder: give an absolute path.
- Changing a dashboard's embed settings (the file's ``embed`` keys) needs a role that may
  manage embedding, like the embed settings route; checked inside apply's transaction.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path

from dashlet.errors import AccessDenied, SpecError, SpecProblem
from dashlet.spec.apply import ApplyReport, EmbedCheck, apply_folder
from dashlet.spec.loader import LoadedFolder, read_folder
from dashlet.spec.sources import SOURCES_FILE
from dashlet.store.database import Database

_SEGMENT = r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,99}"
FILE_PATH = re.compile(
    rf"^(?:sources\.yaml|dashboards/{_SEGMENT}\.ya?ml|(?:{_SEGMENT}/){{0,4}}{_SEGMENT}\.sql)$"
)
MAX_TOTAL_CHARACTERS = 4_000_000
NO_ENVIRONMENT: Mapping[str, str] = {}


def _path_problems(files: Mapping[str, str]) -> list[SpecProblem]:
    problems = [
        SpecProblem(
            path,
            None,
            "",
            "Not a file apply reads: send sources.yaml, dashboards/NAME.yaml and .sql files "
            "(relative paths, no '..').",
        )
        for path in files
        if not FILE_PATH.match(path) or ".." in path
    ]
    if sum(len(text) for text in files.values()) > MAX_TOTAL_CHARACTERS:
        problems.append(
            SpecProblem(
                "", None, "", f"The files hold more than {MAX_TOTAL_CHARACTERS:,} characters."
            )
        )
    return problems


def _relative_database_problems(loaded: LoadedFolder) -> list[SpecProblem]:
    inside = str(loaded.folder)
    return [
        SpecProblem(
            SOURCES_FILE,
            None,
            "url",
            f"Source {source.name!r} uses a relative database file path, which means nothing "
            "on the server through the API: give an absolute path.",
        )
        for source in loaded.sources
        if inside in source.url
    ]


def embed_check(may_change_embed: bool) -> EmbedCheck | None:
    """What apply runs, inside its transaction, on the dashboards whose embed settings change."""
    if may_change_embed:
        return None

    def refuse(changed: Sequence[str]) -> None:
        raise AccessDenied(
            "Only an owner can change embed settings; these files change them for: "
            f"{', '.join(changed)}."
        )

    return refuse


def apply_files(
    db: Database, org_slug: str, files: Mapping[str, str], *, may_change_embed: bool
) -> ApplyReport:
    """Apply the folder ``files`` describe; SpecError lists every problem, nothing is written."""
    problems = _path_problems(files)
    if problems:
        raise SpecError(problems)
    with tempfile.TemporaryDirectory(prefix="dashlet-apply-") as directory:
        folder = Path(directory).resolve()
        for name, text in files.items():
            path = folder / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        loaded, problems = read_folder(folder, NO_ENVIRONMENT)
        if not problems:
            problems = _relative_database_problems(loaded)
            if problems:
                raise SpecError(problems)
        # Problems found above are found again here, with the fail-closed tenancy checks.
        return apply_folder(
            db,
            folder,
            org_slug,
            environ=NO_ENVIRONMENT,
            check_embed=embed_check(may_change_embed),
        )
