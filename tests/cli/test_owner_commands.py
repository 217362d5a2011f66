import json
import time
from pathlib import Path

import jwt
import pytest

from dashlet.config import Settings
from dashlet.store.audit import list_events
from dashlet.store.database import open_database
from tests.cli.conftest import RunDashlet
from tests.conftest import TEST_SECRET_KEY
from tests.web.conftest import write_workspace


@pytest.fixture
def acme(run_dashlet: RunDashlet, tmp_path: Path) -> RunDashlet:
    """An organization ``acme`` with the sales dashboard applied and embedding on."""
    assert run_dashlet("org", "create", "acme").exit_code == 0
    applied = run_dashlet("apply", str(write_workspace(tmp_path / "ws")), "--org", "acme")
    assert applied.exit_code == 0, applied.output
    return run_dashlet


def token_for(run: RunDashlet, secret: str | None = None, **claims: object) -> str:
    org = json.loads(run("org", "show", "acme", "--json").stdout)
    (sales,) = json.loads(run("dashboards", "list", "--org", "acme", "--json").stdout)
    payload = {"organization": org["id"], "dashboard": sales["id"], "exp": int(time.time()) + 600}
    payload.update({"env": {"TENANT": 1}, **claims})
    key = secret or run("secret", "show", "--org", "acme").stdout.strip()
    return jwt.encode(payload, key.encode(), "HS256")


def test_token_explain_passes_a_good_token(acme: RunDashlet) -> None:
    result = acme("token", "explain", token_for(acme), "--org", "acme")
    assert result.exit_code == 0, result.output
    assert "FAIL" not in result.stdout


def test_token_explain_names_the_failed_checks_and_exits_nonzero(acme: RunDashlet) -> None:
    result = acme("token", "explain", token_for(acme, exp=int(time.time()) - 3600), "--org", "acme")
    assert result.exit_code == 1
    assert "FAIL" in result.stdout
    secret = acme("secret", "show", "--org", "acme").stdout.strip()
    assert secret not in result.stdout


def test_secret_rotate_keeps_the_old_secret_for_the_grace_window(acme: RunDashlet) -> None:
    old = acme("secret", "show", "--org", "acme").stdout.strip()
    rotated = acme("secret", "rotate", "--org", "acme", "--grace", "1h")
    assert rotated.exit_code == 0
    assert old not in rotated.stdout
    result = acme("token", "explain", token_for(acme, secret=old), "--org", "acme")
    assert result.exit_code == 0, result.stdout


def test_secret_rotate_refuses_a_grace_over_24_hours(acme: RunDashlet) -> None:
    result = acme("secret", "rotate", "--org", "acme", "--grace", "25h")
    assert result.exit_code == 1
    assert "at most 24 hours" in result.stderr


def test_revoke_rules_are_listed_and_removed(acme: RunDashlet) -> None:
    assert acme("revoke", "jti", "abc-123", "--org", "acme").exit_code == 0
    assert acme("revoke", "env", "TENANT=7", "--org", "acme").exit_code == 0
    assert acme("revoke", "before", "--org", "acme", "--dashboard", "sales").exit_code == 0
    assert acme("revoke", "token", token_for(acme), "--org", "acme").exit_code == 0
    rules = json.loads(acme("revoke", "list", "--org", "acme", "--json").stdout)
    assert [rule["kind"] for rule in rules] == ["jti", "env", "issued_before", "token"]
    assert acme("revoke", "remove", str(rules[0]["id"]), "--org", "acme").exit_code == 0
    assert len(json.loads(acme("revoke", "list", "--org", "acme", "--json").stdout)) == 3


def test_revoke_token_refuses_text_that_is_not_a_token(acme: RunDashlet) -> None:
    result = acme("revoke", "token", "not-a-token", "--org", "acme")
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: ")


def test_usage_json_has_the_contract_shape(acme: RunDashlet) -> None:
    result = acme("usage", "--org", "acme", "--json")
    assert result.exit_code == 0
    (sales,) = json.loads(result.stdout)["dashboards"]
    assert {"id", "slug", "new_tokens", "loads", "cache_hit_rate", "days"} <= set(sales)
    assert (sales["new_tokens"], sales["loads"], sales["days"]) == (0, 0, [])


def test_org_set_switches_legacy_and_frame_ancestors(acme: RunDashlet) -> None:
    result = acme(
        "org", "set", "acme", "--no-legacy", "--frame-ancestor", "https://app.example.com"
    )
    org = json.loads(result.stdout)
    assert org["legacy_enabled"] is False
    assert org["frame_ancestors"] == ["https://app.example.com"]


def test_org_set_refuses_a_bad_origin(acme: RunDashlet) -> None:
    result = acme("org", "set", "acme", "--frame-ancestor", "javascript:alert(1)")
    assert result.exit_code == 1
    assert "is not an origin" in result.stderr


def test_token_explain_shows_claims_as_text_not_markup(acme: RunDashlet) -> None:
    result = acme("token", "explain", token_for(acme, jti="[red]boom[/red]"), "--org", "acme")
    assert "[red]boom[/red]" in result.stdout


def test_owner_commands_are_written_to_the_audit_log(acme: RunDashlet, tmp_path: Path) -> None:
    acme("secret", "show", "--org", "acme")
    acme("secret", "rotate", "--org", "acme", "--grace", "1h")
    acme("secret", "reset", "--org", "acme")
    acme("revoke", "jti", "j-1", "--org", "acme")
    acme("embed", "disable", "--org", "acme", "--dashboard", "sales")
    settings = Settings.from_env({}, data_dir=tmp_path / "cli-data", secret_key=TEST_SECRET_KEY)
    db = open_database(settings)
    actions = [(e.actor, e.action) for e in reversed(list_events(db, "acme"))]
    db.dispose()
    assert actions[-5:] == [
        ("cli", "secret.revealed"),
        ("cli", "secret.rotated"),
        ("cli", "secret.reset"),
        ("cli", "revocation.added"),
        ("cli", "embed.changed"),
    ]
