"""Ready-to-run example code that signs an embed URL: Python, Ruby, JavaScript (Node) and PHP.

Each program is filled with one dashboard's ids, URL and ``env`` entries, reads the embed secret
from ``DASHLET_EMBED_SECRET`` and prints the iframe URL alone. Every value lands in the code as a
literal of that language, escaped here (never by hand in a template), so a value holding quotes,
backslashes, ``$``, ``#{}`` or any Unicode reaches the token unchanged.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

import jinja2

from dashlet.embed.urls import JsonValue, embed_page_url, env_claim, json_ready
from dashlet.errors import VariableError
from dashlet.store.definitions import DashboardDef, VariableDef

LANGUAGES = ("python", "ruby", "javascript", "php")
SECRET_VARIABLE = "DASHLET_EMBED_SECRET"  # noqa: S105 (the name, not a secret)
TOKEN_LIFETIME = 10 * 60  # seconds: long enough to load the page, short if the URL leaks
TEMPLATES = Path(__file__).parent / "snippet_templates"

EXAMPLE_VALUES: dict[str, JsonValue] = {
    "string": "example",
    "integer": 1,
    "number": 1.5,
    "boolean": True,
    "date": "2026-01-31",
    "datetime": "2026-01-31T09:00:00",
}
# Comments hold only words we wrote, but a type read from the store is filtered all the same:
# a line break there would end the comment and turn the rest into code.
_COMMENT_UNSAFE = re.compile(r"[^A-Za-z0-9 ,.:'()_-]")


@dataclass(frozen=True)
class EnvEntry:
    """One ``env`` entry of a snippet: the variable, its value, and a comment saying what it is."""

    name: str
    value: JsonValue
    note: str


def _escaped_text(text: str, escapes: Mapping[str, str]) -> str:
    """A double-quoted literal for Ruby or PHP: given escapes, control characters as \\u{...}."""
    out = []
    for char in text:
        if char in escapes:
            out.append(escapes[char])
        elif ord(char) < 0x20 or 0x7F <= ord(char) < 0xA0:
            out.append(f"\\u{{{ord(char):x}}}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def _literal(value: JsonValue, text: Callable[[str], str], true: str, false: str) -> str:
    if isinstance(value, bool):
        return true if value else false
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, list):
        return "[" + ", ".join(_literal(item, text, true, false) for item in value) + "]"
    return text(value)


def python_literal(value: JsonValue) -> str:
    """``value`` as Python source."""
    return _literal(value, repr, "True", "False")


def javascript_literal(value: JsonValue) -> str:
    """``value`` as JavaScript source (JSON is a JavaScript literal since ES2019)."""
    return json.dumps(value, ensure_ascii=False)


def ruby_literal(value: JsonValue) -> str:
    """``value`` as Ruby source; ``#`` is escaped so ``#{...}`` never interpolates."""
    escapes = {"\\": "\\\\", '"': '\\"', "#": "\\#"}
    return _literal(value, lambda text: _escaped_text(text, escapes), "true", "false")


def php_literal(value: JsonValue) -> str:
    """``value`` as PHP source; ``$`` is escaped so ``$name`` and ``{$...}`` never interpolate."""
    escapes = {"\\": "\\\\", '"': '\\"', "$": "\\$"}
    return _literal(value, lambda text: _escaped_text(text, escapes), "true", "false")


@functools.cache
def _templates() -> jinja2.Environment:
    environment = jinja2.Environment(  # noqa: S701 (source code, not HTML: the filters escape)
        loader=jinja2.FileSystemLoader(TEMPLATES),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    environment.filters.update(
        python=python_literal, javascript=javascript_literal, ruby=ruby_literal, php=php_literal
    )
    return environment


def example_value(variable: VariableDef) -> JsonValue:
    """A value of the variable's type to show: its default, else its first choice, else a sample."""
    if variable.default is not None:
        value = json_ready(variable.default)
    elif variable.choices:
        value = json_ready(variable.choices[0])
    else:
        value = EXAMPLE_VALUES[variable.type]
    return [value] if variable.multi and not isinstance(value, list) else value


def _describe(variable: VariableDef) -> str:
    kind = f"list of {variable.type} values" if variable.multi else variable.type
    return _COMMENT_UNSAFE.sub("", kind + (", hidden" if variable.hidden else ""))


def _needs_placeholder(variable: VariableDef, dashboard: DashboardDef) -> bool:
    # Viewers never set hidden variables; with viewer variables off they set none at all.
    if variable.hidden:
        return True
    return (
        not dashboard.embed.allow_viewer_variables
        and variable.required
        and variable.default is None
    )


def env_entries(dashboard: DashboardDef, env: Mapping[str, object] | None = None) -> list[EnvEntry]:
    """The snippet's ``env``: given values, plus an example for each variable the host must set."""
    given = env_claim(env or {})
    for name in given:
        if dashboard.variable(name) is None:
            raise VariableError(
                name,
                f"Dashboard {dashboard.slug!r} has no variable {name!r}.",
                code="unknown_variable",
            )
    entries = []
    for variable in dashboard.variables:
        if variable.name in given:
            entries.append(EnvEntry(variable.name, given[variable.name], _describe(variable)))
        elif _needs_placeholder(variable, dashboard):
            note = f"{_describe(variable)}: an example, set this viewer's value"
            entries.append(EnvEntry(variable.name, example_value(variable), note))
    return entries


def render_snippet(
    language: str,
    *,
    base_url: str,
    org_slug: str,
    dashboard: DashboardDef,
    env: Mapping[str, object] | None = None,
) -> str:
    """A program in ``language`` (one of LANGUAGES) that prints a signed URL for ``dashboard``.

    ``env`` gives values for some variables; every other variable the host must set gets an
    example value of its type. Raises VariableError for a name the dashboard does not declare.
    """
    if language not in LANGUAGES:
        raise ValueError(f"No example code for {language!r}: choose one of {', '.join(LANGUAGES)}.")
    missing_secret = (
        f"Set {SECRET_VARIABLE} to the embed secret of organization {org_slug} "
        f"(an owner sees it with: dashlet secret show --org {org_slug})."
    )
    return (
        _templates()
        .get_template(f"{language}.j2")
        .render(
            embed_url=embed_page_url(base_url, org_slug, dashboard.slug),
            organization_id=dashboard.organization_id,
            dashboard_id=dashboard.id,
            env=env_entries(dashboard, env),
            secret_variable=SECRET_VARIABLE,
            missing_secret=missing_secret,
            token_lifetime=TOKEN_LIFETIME,
        )
    )
