"""Chart SQL templates: ``:NAME`` binds and Metabase-style ``[[ ... ]]`` optional clauses.

A tokenizer reads each template once (memoized) and knows string literals (``''`` and PostgreSQL
``E'\\'`` escapes), quoted identifiers (``"x"``, ```x```), comments, dollar-quoted strings and
``::`` casts, so a colon or bracket inside any of them is plain text. An optional clause is kept
only when every variable in it has a value; an empty list is a value.

Rendering hands SQLAlchemy's ``text()`` a string whose only unescaped colons are the binds: every
other colon becomes ``\\:``, which SQLAlchemy turns back into ``:``. Values travel only as bind
parameters, and the SQL depends on which variables have a value, never on the values.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Double,
    String,
    TextClause,
    bindparam,
    text,
)
from sqlalchemy.types import TypeEngine

from dashlet.errors import VariableError
from dashlet.store.definitions import VariableDef

# Characters that may start a token other than plain text.
_SPECIAL = re.compile(r"['\"`$:\[\]/-]")
# Possessive quantifiers: an unterminated literal must fail, not backtrack into a shorter one.
_QUOTED = {
    "'": re.compile(r"'[^']*+(?:''[^']*+)*+'"),
    '"': re.compile(r'"[^"]*+(?:""[^"]*+)*+"'),
    "`": re.compile(r"`[^`]*+(?:``[^`]*+)*+`"),
}
_QUOTED_NAMES = {"'": "string literal", '"': "quoted identifier", "`": "quoted identifier"}
_ESCAPE_STRING = re.compile(r"'(?:[^'\\]|\\.|'')*+'", re.DOTALL)
_DOLLAR_OPENER = re.compile(r"\$(?:[A-Za-z_][A-Za-z0-9_]*)?\$")
_BIND = re.compile(r":([A-Za-z_][A-Za-z0-9_]*)")
_WORD = re.compile(r"\w")
# SQLAlchemy ignores a bind glued to a word character, a colon or a backslash before it.
_GLUED_BEFORE = re.compile(r"[\w:\\]\Z")

_BIND_TYPES: dict[str, type[TypeEngine[Any]]] = {
    "string": String,
    "integer": BigInteger,
    "number": Double,
    "boolean": Boolean,
    "date": Date,
    "datetime": DateTime,
}


class SqlTemplateError(ValueError):
    """Chart SQL cannot be read as a template; ``line`` and ``column`` (1-based) say where."""

    def __init__(self, message: str, line: int, column: int) -> None:
        self.message = message
        self.line = line
        self.column = column
        super().__init__(f"{message} (line {line}, column {column})")


@dataclass(frozen=True)
class _Bind:
    name: str


@dataclass(frozen=True)
class _Text:
    sql: str  # colons already escaped for text()


@dataclass(frozen=True)
class _Clause:
    """A run of text and binds: always kept, or kept only when all its ``names`` have values."""

    pieces: tuple[_Bind | _Text, ...]
    names: frozenset[str]
    optional: bool


@dataclass(frozen=True)
class SqlTemplate:
    """Parsed chart SQL; equal and hashed by its text."""

    text: str
    variables: frozenset[str] = field(compare=False)
    required: frozenset[str] = field(compare=False)
    clauses: tuple[_Clause, ...] = field(compare=False, repr=False)


@dataclass(frozen=True)
class RenderedQuery:
    """SQL for ``text()`` and the values of the binds it holds."""

    sql: str
    params: Mapping[str, object]
    variables: Mapping[str, VariableDef] = field(repr=False)

    def statement(self) -> TextClause:
        """The executable statement, each bind typed by its variable (lists expand)."""
        return text(self.sql).bindparams(
            *(
                bindparam(
                    name,
                    value,
                    type_=bind_type(self.variables[name]),
                    expanding=self.variables[name].multi,
                )
                for name, value in self.params.items()
            )
        )


def bind_type(variable: VariableDef) -> TypeEngine[Any]:
    """The SQLAlchemy type a variable's values are bound with (integers are 64-bit)."""
    return _BIND_TYPES[variable.type]()


def _error(text: str, offset: int, message: str) -> SqlTemplateError:
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return SqlTemplateError(message, line, column)


class _Scanner:
    """One pass over chart SQL, cutting it into always-kept and optional clauses."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.clauses: list[_Clause] = []
        self.pieces: list[_Bind | _Text] = []
        self.plain: list[str] = []
        self.opened_at: int | None = None

    def scan(self) -> SqlTemplate:
        pos = 0
        while (found := _SPECIAL.search(self.text, pos)) is not None:
            self.plain.append(self.text[pos : found.start()])
            pos = self._token(found.start())
        self.plain.append(self.text[pos:])
        if self.opened_at is not None:
            raise _error(self.text, self.opened_at, "This [[ is never closed by ]].")
        self._close_clause(optional=False)
        variables = frozenset(name for clause in self.clauses for name in clause.names)
        required = frozenset(
            name for clause in self.clauses if not clause.optional for name in clause.names
        )
        return SqlTemplate(self.text, variables, required, tuple(self.clauses))

    def _token(self, start: int) -> int:
        """Consume the token starting at ``start``; returns where the next one starts."""
        char, pair = self.text[start], self.text[start : start + 2]
        if char in _QUOTED:
            return self._quoted(start, char)
        if pair == "--":
            end = self.text.find("\n", start)
            return self._keep(start, len(self.text) if end < 0 else end)
        if pair == "/*":
            end = self.text.find("*/", start + 2)
            if end < 0:
                raise _error(self.text, start, "This /* comment is never closed.")
            return self._keep(start, end + 2)
        if char == "$":
            return self._dollar_quoted(start)
        if pair == "::":
            return self._keep(start, start + 2)
        if char == ":":
            return self._bind(start)
        if pair == "[[":
            return self._open(start)
        if pair == "]]":
            return self._close(start)
        return self._keep(start, start + 1)

    def _keep(self, start: int, end: int) -> int:
        self.plain.append(self.text[start:end])
        return end

    def _quoted(self, start: int, quote: str) -> int:
        pattern = _ESCAPE_STRING if self._escape_prefixed(start, quote) else _QUOTED[quote]
        match = pattern.match(self.text, start)
        if match is None:
            raise _error(self.text, start, f"This {_QUOTED_NAMES[quote]} is never closed.")
        return self._keep(start, match.end())

    def _escape_prefixed(self, start: int, quote: str) -> bool:
        """True for PostgreSQL's E'...' strings, where a backslash escapes the next character."""
        return (
            quote == "'"
            and start > 0
            and self.text[start - 1] in "eE"
            and (start < 2 or _WORD.match(self.text, start - 2) is None)
        )

    def _dollar_quoted(self, start: int) -> int:
        opener = _DOLLAR_OPENER.match(self.text, start)
        if opener is None or self._follows_word(start):  # `$1` or `a$b` is plain text
            return self._keep(start, start + 1)
        closer = self.text.find(opener.group(), opener.end())
        if closer < 0:
            raise _error(self.text, start, "This dollar-quoted string is never closed.")
        return self._keep(start, closer + len(opener.group()))

    def _follows_word(self, start: int) -> bool:
        return start > 0 and _WORD.match(self.text, start - 1) is not None

    def _bind(self, start: int) -> int:
        match = _BIND.match(self.text, start)
        # Like SQLAlchemy, `a:b`, `\:b` and `::b` hold no bind (array slices, escapes, casts).
        if match is None or self._follows_word(start) or self.text[start - 1 : start] in ":\\":
            return self._keep(start, start + 1)
        if _WORD.match(self.text, match.end()):
            raise _error(
                self.text, start, "A :variable name uses only ASCII letters, digits and _."
            )
        self._flush()
        self.pieces.append(_Bind(match.group(1)))
        return match.end()

    def _open(self, start: int) -> int:
        if self.opened_at is not None:
            raise _error(self.text, start, "Optional clauses cannot be nested: [[ inside [[ ]].")
        self._close_clause(optional=False)
        self.opened_at = start
        return start + 2

    def _close(self, start: int) -> int:
        if self.opened_at is None:
            raise _error(self.text, start, "This ]] closes no [[.")
        self._flush()
        if not any(isinstance(piece, _Bind) for piece in self.pieces):
            raise _error(self.text, self.opened_at, "This [[ ]] clause uses no :variable.")
        self._close_clause(optional=True)
        self.opened_at = None
        return start + 2

    def _flush(self) -> None:
        plain = "".join(self.plain)
        self.plain.clear()
        if plain:
            self.pieces.append(_Text(plain.replace(":", "\\:")))

    def _close_clause(self, *, optional: bool) -> None:
        self._flush()
        if self.pieces:
            names = frozenset(p.name for p in self.pieces if isinstance(p, _Bind))
            self.clauses.append(_Clause(tuple(self.pieces), names, optional))
        self.pieces = []


@functools.lru_cache(maxsize=2048)
def parse_sql(text: str) -> SqlTemplate:
    """Read chart SQL into a template; raises SqlTemplateError with the line and column."""
    return _Scanner(text).scan()


@functools.lru_cache(maxsize=4096)
def _layout(template: SqlTemplate, present: frozenset[str]) -> tuple[str, tuple[str, ...]]:
    """The SQL text and bind names in order, given which variables have a value."""
    out: list[str] = []
    names: list[str] = []
    after_bind = False
    for clause in template.clauses:
        if clause.optional and not clause.names <= present:
            continue
        for piece in clause.pieces:
            # Dropping [[ ]] can glue a bind to a neighbour SQLAlchemy would then not see.
            if isinstance(piece, _Bind):
                if out and _GLUED_BEFORE.search(out[-1]):
                    out.append(" ")
                out.append(":" + piece.name)
                names.append(piece.name)
            else:
                if after_bind and _WORD.match(piece.sql):
                    out.append(" ")
                out.append(piece.sql)
            after_bind = isinstance(piece, _Bind)
    return "".join(out), tuple(dict.fromkeys(names))


def render_sql(
    template: SqlTemplate, values: Mapping[str, object], variables: Mapping[str, VariableDef]
) -> RenderedQuery:
    """Keep the optional clauses whose variables all have values; bind the values used."""
    unknown = sorted(name for name in template.variables if name not in variables)
    if unknown:
        raise VariableError(
            unknown[0],
            f"The SQL uses :{unknown[0]}, which is not a declared variable.",
            code="unknown_variable",
        )
    missing = sorted(name for name in template.required if name not in values)
    if missing:
        raise VariableError(
            missing[0],
            f"Variable {missing[0]} has no value, and the SQL needs it outside [[ ]].",
            code="missing_variable",
        )
    present = frozenset(name for name in template.variables if name in values)
    sql, names = _layout(template, present)
    return RenderedQuery(
        sql,
        {name: values[name] for name in names},
        {name: variables[name] for name in names},
    )
