"""``dashlet sign`` and ``dashlet snippet`` against a dashboard applied from YAML."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest

from tests.cli.conftest import RunDashlet

SOURCES = """\
sources:
  - name: warehouse
    url: duckdb:///warehouse.duckdb
"""
SALES = """\
slug: sales
title: Sales overview
source: warehouse
embed: {enabled: true}
variables:
  - {name: TENANT, type: integer, hidden: true, required: true}
  - {name: REGION, type: string, multi: true}
  - {name: DAY, type: date}
charts:
  - slug: revenue
    title: Revenue
    type: number
    value: revenue
    sql: SELECT 1 AS revenue WHERE :TENANT > 0
"""


@pytest.fixture
def sales(run_dashlet: RunDashlet, tmp_path: Path) -> RunDashlet:
    """Organization ``acme`` with dashboard ``sales`` applied from YAML; returns the runner."""
    folder = tmp_path / "spec"
    (folder / "dashboards").mkdir(parents=True)
    (folder / "sources.yaml").write_text(SOURCES)
    (folder / "dashboards" / "sales.yaml").write_text(SALES)
    assert run_dashlet("org", "create", "acme").exit_code == 0
    applied = run_dashlet("apply", str(folder), "--org", "acme")
    assert applied.exit_code == 0, applied.stderr
    return run_dashlet


def secret_of(run_dashlet: RunDashlet) -> str:
    return str(run_dashlet("secret", "show", "--org", "acme").stdout.strip())


def claims_of(run_dashlet: RunDashlet, url: str) -> dict[str, object]:
    (token,) = parse_qs(urlsplit(url).query)["embed_token"]
    return dict(jwt.decode(token, secret_of(run_dashlet), algorithms=["HS256"]))


def test_sign_prints_the_2_0_url_alone(sales: RunDashlet) -> None:
    result = sales("sign", "--org", "acme", "--dashboard", "sales", "--env", "TENANT=7")
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    url = result.stdout.removesuffix("\n")
    assert "\n" not in url
    assert url.startswith("http://127.0.0.1:8000/d/acme/sales?embed_token=")


def test_sign_signs_typed_env_values_for_the_right_ids(sales: RunDashlet) -> None:
    result = sales(
        "sign",
        *("--org", "acme", "--dashboard", "sales"),
        *("--env", "TENANT=7", "--env", "REGION=EU", "--env", "REGION=US"),
        *("--env", "DAY=2026-01-31"),
    )
    claims = claims_of(sales, result.stdout.strip())
    (dashboard,) = json.loads(sales("dashboards", "list", "--org", "acme", "--json").stdout)
    assert claims["organization"] == json.loads(sales("org", "show", "acme", "--json").stdout)["id"]
    assert claims["dashboard"] == dashboard["id"]
    assert claims["env"] == {"TENANT": 7, "REGION": ["EU", "US"], "DAY": "2026-01-31"}


def test_sign_ttl_sets_exp(sales: RunDashlet) -> None:
    before = int(time.time())
    result = sales("sign", "--org", "acme", "--dashboard", "sales", "--env", "TENANT=7")
    claims = claims_of(sales, result.stdout.strip())
    assert before + 3600 <= int(str(claims["exp"])) <= time.time() + 3600
    result = sales(
        "sign", "--org", "acme", "--dashboard", "sales", "--env", "TENANT=7", "--ttl", "60"
    )
    assert int(str(claims_of(sales, result.stdout.strip())["exp"])) <= time.time() + 60


def test_sign_refuses_a_ttl_over_24_hours(sales: RunDashlet) -> None:
    result = sales("sign", "--org", "acme", "--dashboard", "sales", "--ttl", "86401")
    assert result.exit_code != 0
    assert result.stdout == ""


def test_sign_refuses_an_unknown_variable_in_one_line(sales: RunDashlet) -> None:
    result = sales("sign", "--org", "acme", "--dashboard", "sales", "--env", "REGOIN=EU")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == (
        "Error: Dashboard 'sales' has no variable 'REGOIN' (it has: TENANT, REGION, DAY).\n"
    )


def test_sign_refuses_a_value_of_the_wrong_type(sales: RunDashlet) -> None:
    result = sales("sign", "--org", "acme", "--dashboard", "sales", "--env", "DAY=tomorrow")
    assert result.exit_code == 1
    assert "Variable DAY must be a date" in result.stderr


def test_sign_refuses_two_values_for_a_single_variable(sales: RunDashlet) -> None:
    result = sales(
        "sign", "--org", "acme", "--dashboard", "sales", "--env", "TENANT=1", "--env", "TENANT=2"
    )
    assert result.exit_code == 1
    assert result.stderr == "Error: Variable TENANT takes one value; --env gave 2.\n"


def test_sign_warns_on_stderr_when_a_hidden_required_variable_is_unset(sales: RunDashlet) -> None:
    result = sales("sign", "--org", "acme", "--dashboard", "sales")
    assert result.exit_code == 0
    assert result.stdout.startswith("http://127.0.0.1:8000/d/acme/sales?embed_token=")
    assert "Warning: Variable TENANT is required and has no value" in result.stderr


def test_sign_warns_on_stderr_when_embedding_is_off(sales: RunDashlet) -> None:
    sales("embed", "disable", "--org", "acme", "--dashboard", "sales")
    result = sales("sign", "--org", "acme", "--dashboard", "sales", "--env", "TENANT=7")
    assert result.exit_code == 0
    assert "Warning: Embedding is off for 'sales'" in result.stderr


def test_sign_warns_on_stderr_when_the_url_passes_2038_characters(sales: RunDashlet) -> None:
    regions = [f"--env=REGION=region-{n:04d}" for n in range(150)]
    result = sales("sign", "--org", "acme", "--dashboard", "sales", "--env", "TENANT=7", *regions)
    assert result.exit_code == 0
    assert len(result.stdout.strip()) > 2038
    assert f"Warning: The embed URL is {len(result.stdout.strip())} characters" in result.stderr


def test_sign_for_an_unknown_dashboard_is_one_line(sales: RunDashlet) -> None:
    result = sales("sign", "--org", "acme", "--dashboard", "ghost")
    assert result.exit_code == 1
    assert result.stderr == "Error: Organization 'acme' has no dashboard 'ghost'.\n"


def test_snippet_prints_code_that_signs_a_url(sales: RunDashlet, tmp_path: Path) -> None:
    result = sales("snippet", "--org", "acme", "--dashboard", "sales", "--lang", "python")
    assert result.exit_code == 0, result.stderr
    program = tmp_path / "embed.py"
    program.write_text(result.stdout)
    secret = secret_of(sales)
    assert secret not in result.stdout
    run = subprocess.run(
        [sys.executable, str(program)],
        env={"DASHLET_EMBED_SECRET": secret},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert claims_of(sales, run.stdout.strip())["env"] == {"TENANT": 1}


def test_snippet_takes_env_values(sales: RunDashlet) -> None:
    result = sales(
        "snippet", "--org", "acme", "--dashboard", "sales", "--lang", "php", "--env", "TENANT=42"
    )
    assert result.exit_code == 0, result.stderr
    assert '"TENANT" => 42, // integer, hidden' in result.stdout


def test_snippet_refuses_an_unknown_language(sales: RunDashlet) -> None:
    result = sales("snippet", "--org", "acme", "--dashboard", "sales", "--lang", "cobol")
    assert result.exit_code != 0
    assert result.stdout == ""
