"""Checking one chart: its encoding fits its type, its SQL (inline or a ``.sql`` file) parses."""

from __future__ import annotations

from collections.abc import Set
from pathlib import Path

from dashlet.spec.bindings import SqlText, check_sql
from dashlet.spec.problems import FileProblems
from dashlet.spec.schema import ChartSpec
from dashlet.store.definitions import ChartDef


def chart_def(chart: ChartSpec, sql: str) -> ChartDef:
    """The read model of a chart whose SQL has been read."""
    return ChartDef(
        slug=chart.slug,
        title=chart.title,
        type=chart.type,
        sql=sql,
        encoding=chart.encoding(),
        width=chart.width,
        height=chart.height,
        cache_ttl=chart.cache_ttl,
        shared=chart.shared,
    )


def check_chart(
    chart: ChartSpec,
    index: int,
    declared: Set[str],
    location: tuple[Path, Path],
    problems: FileProblems,
) -> str | None:
    """The chart's SQL text, else None; every problem goes to ``problems``.

    ``location`` is (the applied folder, the YAML file): a ``sql_file`` is read beside the YAML
    file and must stay inside the folder.
    """
    for key, message in chart.encoding_problems().items():
        problems.add(("charts", index, key), message)
    sql = _chart_sql(chart, index, location, problems)
    if sql is None:
        return None
    at = ("charts", index, "sql" if sql.file is None else "sql_file")
    return sql.text if check_sql(sql, at, declared, problems) is not None else None


def _chart_sql(
    chart: ChartSpec, index: int, location: tuple[Path, Path], problems: FileProblems
) -> SqlText | None:
    at = ("charts", index)
    if chart.sql is not None and chart.sql_file is not None:
        problems.add((*at, "sql_file"), "Give sql or sql_file, not both.")
        return None
    if chart.sql is not None:
        first_line = problems.document.text_line((*at, "sql")) if problems.document else None
        return SqlText(chart.sql.rstrip(), first_line)
    if chart.sql_file is None:
        problems.add(at, "A chart needs sql, or sql_file naming a .sql file beside this one.")
        return None
    return _read_sql_file(chart.sql_file, (*at, "sql_file"), location, problems)


def _read_sql_file(
    name: str, at: tuple[str | int, ...], location: tuple[Path, Path], problems: FileProblems
) -> SqlText | None:
    folder, yaml_file = location
    if not name.endswith(".sql"):
        problems.add(at, f"{name!r} is not a .sql file.")
        return None
    # resolve() follows symlinks, so a link cannot lead out of the folder either.
    path = (yaml_file.parent / name).resolve()
    if not path.is_relative_to(folder):
        problems.add(at, f"{name!r} is outside the applied folder.")
        return None
    relative = path.relative_to(folder).as_posix()
    text = problems.read_text(path, at, missing=f"There is no file {relative}.")
    return None if text is None else SqlText(text.rstrip(), 1, relative)
