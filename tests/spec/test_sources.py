from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from dashlet.spec.document import read_yaml
from dashlet.spec.problems import FileProblems
from dashlet.spec.schema import SourceSpec
from dashlet.spec.sources import read_sources
from dashlet.store.sources import display_url


def read(
    text: str, folder: Path, environ: dict[str, str] | None = None
) -> tuple[list[SourceSpec], list[str]]:
    document = read_yaml(text)
    problems = FileProblems("sources.yaml", document)
    sources = read_sources(document, problems, folder, environ or {})
    return sources, [str(p) for p in problems.found]


def one_url(url: str, folder: Path, environ: dict[str, str] | None = None) -> str:
    sources, problems = read(f"sources:\n  - name: w\n    url: '{url}'\n", folder, environ)
    assert problems == []
    return sources[0].url


def test_environment_references_are_filled_in(tmp_path: Path) -> None:
    url = one_url(
        "postgresql://app:${PGPASS}@${PGHOST}/sales",
        tmp_path,
        {"PGPASS": "s3cret", "PGHOST": "db.internal"},
    )
    assert url == "postgresql://app:s3cret@db.internal/sales"


def test_a_missing_environment_variable_is_named_with_its_line(tmp_path: Path) -> None:
    text = "sources:\n  - name: w\n    url: postgresql://app:${PGPASS}@db/sales\n"
    sources, problems = read(text, tmp_path)
    assert sources == []
    assert problems == [
        "sources.yaml:3: sources[0].url: The environment variable PGPASS is not set."
    ]


def test_a_malformed_reference_is_refused(tmp_path: Path) -> None:
    _, problems = read("sources:\n  - name: w\n    url: sqlite:///${not a name}.db\n", tmp_path)
    assert problems == [
        "sources.yaml:3: sources[0].url: ${not a name} is not an environment variable name."
    ]


@pytest.mark.parametrize("scheme", ["sqlite", "duckdb"])
def test_a_relative_file_database_resolves_against_the_folder(tmp_path: Path, scheme: str) -> None:
    url = one_url(f"{scheme}:///data/warehouse.db", tmp_path)
    assert make_url(url).database == str(tmp_path.resolve() / "data" / "warehouse.db")


@pytest.mark.parametrize(
    "url",
    [
        "sqlite:////srv/warehouse.db",
        "duckdb:///:memory:",
        "sqlite://",
        "postgresql://u@h/relative_name",
    ],
)
def test_absolute_paths_memory_and_server_databases_are_kept(tmp_path: Path, url: str) -> None:
    assert one_url(url, tmp_path) == url


def test_a_url_with_no_installed_dialect_is_refused(tmp_path: Path) -> None:
    _, problems = read("sources:\n  - name: w\n    url: nosuchdb://h/x\n", tmp_path)
    assert problems == [
        "sources.yaml:3: sources[0].url: No installed SQLAlchemy dialect handles 'nosuchdb' URLs."
    ]


def test_text_that_is_not_a_url_is_refused(tmp_path: Path) -> None:
    _, problems = read("sources:\n  - name: w\n    url: warehouse.db\n", tmp_path)
    assert problems == [
        "sources.yaml:3: sources[0].url: This is not a SQLAlchemy URL (like postgresql://user@host/db)."
    ]


def test_a_second_source_with_the_same_name_is_refused(tmp_path: Path) -> None:
    text = "sources:\n  - name: w\n    url: sqlite://\n  - name: w\n    url: sqlite://\n"
    _, problems = read(text, tmp_path)
    assert problems == ["sources.yaml:4: sources[1].name: A source named 'w' is above."]


def test_source_settings_are_checked(tmp_path: Path) -> None:
    text = (
        "sources:\n  - name: w\n    url: sqlite://\n    row_limit: 0\n    statement_timeout: soon\n"
    )
    _, problems = read(text, tmp_path)
    assert problems == [
        "sources.yaml:5: sources[0].statement_timeout: Must be a number.",
        "sources.yaml:4: sources[0].row_limit: Must be greater than 0.",
    ]


def test_display_url_masks_the_password() -> None:
    assert display_url("postgresql://app:s3cret@db/sales") == "postgresql://app:***@db/sales"
