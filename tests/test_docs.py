"""The docs are held to the code: every setting, refusal code and command is documented."""

from pathlib import Path

import click
import pytest

from dashlet.cli.app import cli
from dashlet.config import ENV_PREFIX, Settings
from dashlet.errors import REFUSALS

DOCS = Path(__file__).parent.parent / "docs"


def all_docs() -> str:
    return "\n".join(path.read_text() for path in sorted(DOCS.glob("*.md")))


def command_paths(group: click.Group, prefix: str = "dashlet") -> list[str]:
    paths = []
    for name, command in sorted(group.commands.items()):
        path = f"{prefix} {name}"
        if isinstance(command, click.Group):
            paths.extend(command_paths(command, path))
        else:
            paths.append(path)
    return paths


@pytest.mark.parametrize("name", sorted(Settings.model_fields))
def test_every_setting_is_documented(name: str) -> None:
    assert f"`{ENV_PREFIX}{name.upper()}`" in all_docs()


@pytest.mark.parametrize("code", sorted(set(REFUSALS) - {"invalid_spec", "config_error"}))
def test_every_refusal_code_is_documented(code: str) -> None:
    assert f"`{code}`" in all_docs()


@pytest.mark.parametrize("path", command_paths(cli))
def test_every_command_is_documented(path: str) -> None:
    assert f"`{path}" in (DOCS / "cli.md").read_text()
