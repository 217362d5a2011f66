import json
from pathlib import Path

from click.testing import CliRunner

from dashlet.cli.app import cli
from tests.cli.conftest import RunDashlet


def test_org_create_then_show_json(run_dashlet: RunDashlet) -> None:
    assert run_dashlet("org", "create", "acme", "--name", "Acme Inc").exit_code == 0
    shown = run_dashlet("org", "show", "acme", "--json")
    assert shown.exit_code == 0
    org = json.loads(shown.stdout)
    assert (org["slug"], org["name"]) == ("acme", "Acme Inc")
    assert isinstance(org["id"], int)
    assert "secret" not in shown.stdout


def test_unknown_org_is_one_line_on_stderr_and_nonzero(run_dashlet: RunDashlet) -> None:
    result = run_dashlet("org", "show", "ghost", "--json")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == "Error: There is no organization 'ghost'.\n"


def test_secret_show_prints_the_secret_alone(run_dashlet: RunDashlet) -> None:
    run_dashlet("org", "create", "acme")
    result = run_dashlet("secret", "show", "--org", "acme")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert len(lines) == 1
    assert len(lines[0]) >= 43


def test_secret_reset_changes_what_show_prints(run_dashlet: RunDashlet) -> None:
    run_dashlet("org", "create", "acme")
    before = run_dashlet("secret", "show", "--org", "acme").stdout
    reset = run_dashlet("secret", "reset", "--org", "acme")
    assert reset.exit_code == 0
    assert before.strip() not in reset.stdout
    assert run_dashlet("secret", "show", "--org", "acme").stdout != before


def test_user_create_reads_the_password_from_stdin(run_dashlet: RunDashlet) -> None:
    run_dashlet("org", "create", "acme")
    result = run_dashlet(
        "user",
        "create",
        "ann@example.com",
        "--org",
        "acme",
        "--role",
        "owner",
        input="s3cret-pass\n",
    )
    assert result.exit_code == 0
    assert "s3cret-pass" not in result.output
    assert "ann@example.com is owner of 'acme'" in result.stdout


def test_user_create_refuses_a_short_password(run_dashlet: RunDashlet) -> None:
    run_dashlet("org", "create", "acme")
    result = run_dashlet(
        "user", "create", "ann@example.com", "--org", "acme", "--role", "owner", input="short\n"
    )
    assert result.exit_code == 1
    assert "at least 8" in result.stderr


def test_missing_server_key_is_a_clear_start_up_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli, ["org", "create", "acme", "--data-dir", str(tmp_path)], env={"DASHLET_SECRET_KEY": ""}
    )
    assert result.exit_code == 1
    assert "DASHLET_SECRET_KEY is not set" in result.stderr


def test_db_upgrade_is_idempotent(run_dashlet: RunDashlet) -> None:
    assert run_dashlet("db", "upgrade").exit_code == 0
    assert run_dashlet("db", "upgrade").exit_code == 0
