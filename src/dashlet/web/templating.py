"""Jinja2 templates of the server-rendered pages (autoescaped)."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape


@functools.cache
def environment() -> Environment:
    return Environment(
        loader=PackageLoader("dashlet.web", "templates"),
        autoescape=select_autoescape(default=True),
        auto_reload=False,
    )


def render(name: str, context: Mapping[str, Any]) -> str:
    return environment().get_template(name).render(context)
