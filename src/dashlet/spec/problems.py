"""Collecting problems for one spec file: each with its file, line and field, in plain sentences."""

from __future__ import annotations

import difflib
import types
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from dashlet.errors import SpecProblem
from dashlet.spec.document import Document, FieldPath, field_name

_SIMPLE_MESSAGES = {
    "missing": "This field is required.",
    "bool_type": "Must be true or false.",
    "bool_parsing": "Must be true or false.",
    "int_type": "Must be a whole number.",
    "int_parsing": "Must be a whole number.",
    "int_from_float": "Must be a whole number.",
    "float_type": "Must be a number.",
    "float_parsing": "Must be a number.",
    "list_type": "Must be a list.",
    "dict_type": "Must be a mapping of keys to values.",
    "model_type": "Must be a mapping of keys to values.",
    "model_attributes_type": "Must be a mapping of keys to values.",
    "string_type": "Must be text.",
}


@dataclass
class FileProblems:
    """The problems found in one file, placed by field path through its ``Document``."""

    file: str
    document: Document | None = None
    found: list[SpecProblem] = field(default_factory=list)

    def add(
        self, path: FieldPath, message: str, *, line: int | None = None, file: str | None = None
    ) -> None:
        """Record a problem at ``path``.

        ``line`` overrides the line found from the document; ``file`` names another file the
        field points to (a chart's ``sql_file``).
        """
        if line is None and file is None and self.document is not None:
            line = self.document.line(path)
        self.found.append(SpecProblem(file or self.file, line, field_name(path), message))

    def add_validation_error(
        self, error: ValidationError, model: type[BaseModel], prefix: FieldPath = ()
    ) -> None:
        """Record every error pydantic found while validating ``model`` at ``prefix``."""
        for detail in error.errors():
            loc: FieldPath = tuple(detail["loc"])
            self.add((*prefix, *loc), _message(detail, model, loc))

    def read_text(self, path: Path, at: FieldPath, *, missing: str) -> str | None:
        """The UTF-8 text of ``path``, else None with the reason recorded at ``at``."""
        try:
            return path.read_text(encoding="utf-8")
        except FileNotFoundError:
            self.add(at, missing)
        except UnicodeDecodeError:
            self.add(at, f"{path.name} is not UTF-8 text.")
        except OSError as error:
            self.add(at, f"{path.name} cannot be read: {error.strerror or 'unknown error'}.")
        return None

    def in_line_order(self) -> list[SpecProblem]:
        """The problems in this file from top to bottom, then those in files it points to."""
        return sorted(self.found, key=lambda p: (p.file != self.file, p.file, p.line or 0))

    def add_duplicate_keys(self) -> None:
        if self.document is None:
            return
        for path, line in self.document.duplicates:
            self.add(path, "This key is given twice; remove one of them.", line=line)


def _message(detail: Any, model: type[BaseModel], loc: FieldPath) -> str:
    kind = detail["type"]
    if kind == "extra_forbidden":
        known = _fields_at(model, loc[:-1])
        close = difflib.get_close_matches(str(loc[-1]), known, n=1)
        hint = f" Did you mean {close[0]!r}?" if close else f" Known fields: {', '.join(known)}."
        return "Unknown field." + hint
    if kind in _SIMPLE_MESSAGES:
        return _SIMPLE_MESSAGES[kind]
    text = str(detail["msg"]).removeprefix("Value error, ")
    text = text.replace("Input should be", "Must be").replace("String should", "Text should")
    return text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")


def _fields_at(model: type[BaseModel], loc: FieldPath) -> list[str]:
    """The field names of the model found by following ``loc`` down from ``model``."""
    current: Any = model
    for part in loc:
        if isinstance(part, int):
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return []
        info = current.model_fields.get(part)
        if info is None:
            return []
        current = _model_in(info.annotation)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return list(current.model_fields)
    return []


def _model_in(annotation: Any) -> Any:
    """The model class inside ``X``, ``X | None`` or ``list[X]``, else None."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    origin = typing.get_origin(annotation)
    if origin in (list, typing.Union, types.UnionType, typing.Annotated):
        for argument in typing.get_args(annotation):
            found = _model_in(argument)
            if found is not None:
                return found
    return None
