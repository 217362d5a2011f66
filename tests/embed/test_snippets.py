"""Each example program, run with its real runtime, prints a URL whose token the server accepts."""

from __future__ import annotations

import datetime as dt
import os
import secrets
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest

from dashlet.embed.snippets import LANGUAGES, env_entries, render_snippet
from dashlet.embed.tokens import TokenKeys, verify_embed_token
from dashlet.errors import VariableError
from dashlet.store.definitions import DashboardDef, EmbedSettings, SourceDef, VariableDef

BASE_URL = "http://127.0.0.1:8000/"
NODE_MODULES = Path(__file__).parent / "snippet-runtime" / "node_modules"
RUNTIMES = {"python": sys.executable, "ruby": "ruby", "javascript": "node", "php": "php"}
TRICKY_TEXTS = [
    "quo\"te's",
    "back\\slash\\",
    "$HOME {$x} ${y}",
    "#{boom} #@ivar #$0",
    "ünïcødé € 😀 \u2028",
    "new\nline\ttab\x7f",
    "`tick` </script>",
]

SALES_VARIABLES = (
    VariableDef("TENANT", "integer", hidden=True, required=True),
    VariableDef("REGION", "string", multi=True, required=True),
    VariableDef("DAY", "date", required=True),
)

RunSnippet = Callable[..., subprocess.CompletedProcess[str]]


def make_dashboard(
    *, allow_viewer_variables: bool = False, variables: tuple[VariableDef, ...] = SALES_VARIABLES
) -> DashboardDef:
    source = SourceDef(id=1, organization_id=3, name="warehouse", url="duckdb:///:memory:")
    return DashboardDef(
        id=9,
        organization_id=3,
        slug="sales",
        title="Sales",
        source=source,
        embed=EmbedSettings(enabled=True, allow_viewer_variables=allow_viewer_variables),
        variables=variables,
    )


@pytest.fixture
def secret() -> str:
    return secrets.token_urlsafe(32)


def run_program(
    language: str, code: str, secret: str | None, folder: Path
) -> subprocess.CompletedProcess[str]:
    """Run example ``code`` with the real runtime of ``language``; returns the finished process."""
    runtime = shutil.which(RUNTIMES[language])
    if runtime is None:
        pytest.fail(f"{RUNTIMES[language]} is not installed: run scripts/install-system-deps.")
    if language == "javascript" and not (NODE_MODULES / "jsonwebtoken").is_dir():
        pytest.fail("jsonwebtoken is missing: run `npm ci` in tests/embed/snippet-runtime.")
    program = folder / f"embed-{language}"
    program.write_text(code, encoding="utf-8")
    environ = {k: v for k, v in os.environ.items() if k != "DASHLET_EMBED_SECRET"}
    environ["NODE_PATH"] = str(NODE_MODULES)
    if secret is not None:
        environ["DASHLET_EMBED_SECRET"] = secret
    return subprocess.run(
        [runtime, str(program)],
        env=environ,
        cwd=folder,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
        check=False,
    )


@pytest.fixture
def run_snippet(tmp_path: Path) -> RunSnippet:
    """Render the snippet for ``language``, run it with its real runtime, return the process."""

    def run(
        language: str, secret: str | None, env: Mapping[str, object] | None = None
    ) -> subprocess.CompletedProcess[str]:
        code = render_snippet(
            language, base_url=BASE_URL, org_slug="acme", dashboard=make_dashboard(), env=env
        )
        return run_program(language, code, secret, tmp_path)

    return run


def printed_token(process: subprocess.CompletedProcess[str]) -> str:
    """The embed token from the one URL the snippet printed (and nothing else)."""
    assert process.returncode == 0, process.stderr
    url = process.stdout.removesuffix("\n")
    assert "\n" not in url
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == "http://127.0.0.1:8000/d/acme/sales"
    (token,) = parse_qs(parts.query)["embed_token"]
    return token


@pytest.mark.parametrize("language", LANGUAGES)
def test_snippet_prints_a_url_whose_token_verifies(
    language: str, run_snippet: RunSnippet, secret: str
) -> None:
    started = time.time()
    token = printed_token(run_snippet(language, secret))
    claims = jwt.decode(token, secret, algorithms=["HS256"])
    assert (claims["organization"], claims["dashboard"]) == (3, 9)
    assert claims["env"] == {"TENANT": 1, "REGION": ["example"], "DAY": "2026-01-31"}
    assert int(started) + 600 <= claims["exp"] <= time.time() + 600
    verified = verify_embed_token(
        token,
        keys=TokenKeys(current=secret.encode()),
        organization_id=3,
        dashboard=make_dashboard(),
        now=time.time(),
        leeway=60,
    )
    assert dict(verified.env) == {"TENANT": 1, "REGION": ["example"], "DAY": dt.date(2026, 1, 31)}


@pytest.mark.parametrize("language", LANGUAGES)
def test_snippet_signs_given_values_exactly_whatever_their_characters(
    language: str, run_snippet: RunSnippet, secret: str
) -> None:
    env = {"TENANT": 7, "REGION": TRICKY_TEXTS, "DAY": dt.date(2025, 12, 24)}
    token = printed_token(run_snippet(language, secret, env))
    claims = jwt.decode(token, secret, algorithms=["HS256"])
    assert claims["env"] == {"TENANT": 7, "REGION": TRICKY_TEXTS, "DAY": "2025-12-24"}


@pytest.mark.parametrize("language", LANGUAGES)
def test_snippet_refuses_to_run_without_the_secret(language: str, run_snippet: RunSnippet) -> None:
    process = run_snippet(language, None)
    assert process.returncode != 0
    assert process.stdout == ""
    assert "Set DASHLET_EMBED_SECRET to the embed secret of organization acme" in process.stderr


@pytest.mark.parametrize("language", LANGUAGES)
def test_snippet_never_prints_the_secret(
    language: str, run_snippet: RunSnippet, secret: str
) -> None:
    process = run_snippet(language, secret)
    assert process.returncode == 0, process.stderr
    assert secret not in process.stdout + process.stderr


@pytest.mark.parametrize("language", LANGUAGES)
def test_snippet_says_the_payload_is_signed_not_encrypted(language: str) -> None:
    code = render_snippet(language, base_url=BASE_URL, org_slug="acme", dashboard=make_dashboard())
    assert "signed, not encrypted" in code
    assert "never put sensitive values (SSNs, emails) in it" in code


def test_only_hidden_variables_get_placeholders_when_viewers_may_set_the_others() -> None:
    entries = env_entries(make_dashboard(allow_viewer_variables=True))
    assert [(entry.name, entry.value) for entry in entries] == [("TENANT", 1)]


def test_placeholders_have_a_value_of_each_type() -> None:
    variables = tuple(
        VariableDef(name, name.lower(), hidden=True)
        for name in ("STRING", "INTEGER", "NUMBER", "BOOLEAN", "DATE", "DATETIME")
    )
    entries = env_entries(make_dashboard(variables=variables))
    assert {entry.name: entry.value for entry in entries} == {
        "STRING": "example",
        "INTEGER": 1,
        "NUMBER": 1.5,
        "BOOLEAN": True,
        "DATE": "2026-01-31",
        "DATETIME": "2026-01-31T09:00:00",
    }


def test_a_placeholder_shows_the_variable_default_or_first_choice() -> None:
    variables = (
        VariableDef("TENANT", "integer", hidden=True, default=42),
        VariableDef("PLAN", "string", hidden=True, multi=True, choices=("gold", "silver")),
        VariableDef("SINCE", "date", hidden=True, default=dt.date(2024, 1, 31)),
    )
    entries = env_entries(make_dashboard(variables=variables))
    assert [entry.value for entry in entries] == [42, ["gold"], "2024-01-31"]


def test_an_env_name_the_dashboard_does_not_declare_is_refused() -> None:
    with pytest.raises(VariableError, match="no variable 'REGOIN'") as refused:
        render_snippet(
            "python",
            base_url=BASE_URL,
            org_slug="acme",
            dashboard=make_dashboard(),
            env={"REGOIN": ["EU"]},
        )
    assert refused.value.code == "unknown_variable"


def test_an_unknown_language_is_refused() -> None:
    with pytest.raises(ValueError, match="python, ruby, javascript, php"):
        render_snippet("cobol", base_url=BASE_URL, org_slug="acme", dashboard=make_dashboard())
