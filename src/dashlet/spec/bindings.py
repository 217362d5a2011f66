"""Checking the SQL of charts and of ``choices_sql``: it parses and binds only declared variables."""

from __future__ import annotations

from collections.abc import Set
from dataclasses import dataclass

from dashlet.query.sql import SqlTemplate, SqlTemplateError, parse_sql
from dashlet.spec.document import FieldPath
from dashlet.spec.problems import FileProblems


@dataclass(frozen=True)
class SqlText:
    """SQL, and where its first line is: in the YAML file (inline) or in a ``.sql`` file."""

    text: str
    first_line: int | None
    file: str | None = None  # the .sql file, relative to the folder; None when inline


def check_sql(
    sql: SqlText, at: FieldPath, declared: Set[str], problems: FileProblems
) -> SqlTemplate | None:
    """The parsed template, else None; problems name the line of the SQL in its file."""
    if not sql.text.strip():
        problems.add(at, "The SQL is empty.")
        return None
    try:
        template = parse_sql(sql.text)
    except SqlTemplateError as error:
        line = None if sql.first_line is None else sql.first_line + error.line - 1
        problems.add(
            at,
            f"{error.message.rstrip('.')} (line {error.line} of the SQL, column {error.column}).",
            line=line,
            file=sql.file,
        )
        return None
    known = f"its variables are {', '.join(sorted(declared))}" if declared else "it has none"
    for name in sorted(template.variables - declared):
        problems.add(
            at, f"The SQL uses :{name}, which is not a variable of this dashboard ({known})."
        )
    return template
