"""Checking one declared variable: its default and choices fit its type, its choices_sql parses."""

from __future__ import annotations

import dataclasses
from collections.abc import Set

from dashlet.errors import VariableError
from dashlet.query.values import convert_value
from dashlet.spec.bindings import SqlText, check_sql
from dashlet.spec.document import FieldPath
from dashlet.spec.problems import FileProblems
from dashlet.spec.schema import VariableSpec
from dashlet.store.definitions import VariableDef


def variable_def(variable: VariableSpec) -> VariableDef:
    """The read model of a declared variable (default and choices as written in the file)."""
    choices_sql = None if variable.choices_sql is None else variable.choices_sql.rstrip()
    return dataclasses.replace(VariableDef.of(variable), choices_sql=choices_sql)


def check_variable(
    variable: VariableSpec, index: int, declared: Set[str], problems: FileProblems
) -> VariableDef:
    """The variable's read model; every problem with it goes to ``problems``."""
    at: FieldPath = ("variables", index)
    definition = variable_def(variable)
    if variable.default is not None:
        try:
            convert_value(definition, variable.default)
        except VariableError as error:
            problems.add((*at, "default"), error.message)
    if variable.choices is not None:
        if variable.choices_sql is not None:
            problems.add((*at, "choices_sql"), "Give choices or choices_sql, not both.")
        single = dataclasses.replace(definition, multi=False)
        for position, choice in enumerate(variable.choices):
            try:
                convert_value(single, choice)
            except VariableError as error:
                problems.add((*at, "choices", position), error.message)
    if definition.choices_sql is not None:
        _check_choices_sql(variable.name, definition.choices_sql, declared, problems, at)
    return definition


def _check_choices_sql(
    name: str, sql: str, declared: Set[str], problems: FileProblems, at: FieldPath
) -> None:
    at = (*at, "choices_sql")
    first_line = problems.document.text_line(at) if problems.document else None
    template = check_sql(SqlText(sql, first_line), at, declared, problems)
    if template is not None and name in template.variables:
        problems.add(at, f"The choices_sql of {name} cannot use :{name} itself.")
