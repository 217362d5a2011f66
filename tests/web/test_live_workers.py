"""Changes made from the command line reach every worker of a running server at once."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import jwt
import pytest

from dashlet.config import Settings
from dashlet.spec.apply import apply_folder
from dashlet.store.dashboards import get_dashboard
from dashlet.store.database import open_database
from dashlet.store.organizations import create_organization, reveal_secret
from tests.conftest import TEST_SECRET_KEY
from tests.servers import dashlet_server
from tests.web.conftest import write_workspace

REQUESTS_PER_CHECK = 24  # enough for both workers to answer several times


class Live:
    def __init__(
        self, base_url: str, environ: dict[str, str], organization: int, dashboard: int
    ) -> None:
        self.base_url = base_url
        self.environ = environ
        self.organization = organization
        self.dashboard = dashboard

    def dashlet(self, *args: str) -> str:
        done = subprocess.run(
            [sys.executable, "-m", "dashlet", *args],
            env={**self.environ, "PATH": "/usr/bin:/bin"},
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        )
        return done.stdout.strip()

    def token(self, **claims: object) -> str:
        payload = {
            "organization": self.organization,
            "dashboard": self.dashboard,
            "exp": int(time.time()) + 600,
            "env": {"TENANT": 1},
            **claims,
        }
        return jwt.encode(
            payload, self.dashlet("secret", "show", "--org", "acme").encode(), "HS256"
        )

    def statuses(self, token: str) -> set[int]:
        with httpx.Client(base_url=self.base_url, timeout=10) as client:
            return {
                client.get(
                    "/d/acme/sales/charts/total.json", headers={"Authorization": f"Bearer {token}"}
                ).status_code
                for _ in range(REQUESTS_PER_CHECK)
            }


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    root = tmp_path_factory.mktemp("workers")
    settings = Settings.from_env({}, data_dir=root / "data", secret_key=TEST_SECRET_KEY)
    db = open_database(settings)
    org = create_organization(db, "acme")
    apply_folder(db, write_workspace(root / "workspace"), "acme")
    dashboard = get_dashboard(db, "acme", "sales").id
    reveal_secret(db, "acme")
    db.dispose()
    environ = {"DASHLET_DATA_DIR": str(settings.data_dir), "DASHLET_SECRET_KEY": TEST_SECRET_KEY}
    with dashlet_server(environ, "--workers", "2") as base_url:
        yield Live(base_url, environ, org.id, dashboard)


def test_secret_reset_from_the_cli_fails_old_tokens_in_every_worker(live: Live) -> None:
    token = live.token()
    assert live.statuses(token) == {200}
    live.dashlet("secret", "reset", "--org", "acme")
    assert live.statuses(token) == {403}
    assert live.statuses(live.token()) == {200}


def test_revocation_from_the_cli_applies_in_every_worker(live: Live) -> None:
    token = live.token(jti="order-42")
    assert live.statuses(token) == {200}
    live.dashlet("revoke", "jti", "order-42", "--org", "acme")
    assert live.statuses(token) == {403}


def test_usage_is_exact_across_workers(live: Live, tmp_path: Path) -> None:
    tokens = [live.token(env={"TENANT": 2}, exp=int(time.time()) + 900 + i) for i in range(5)]
    with httpx.Client(base_url=live.base_url, timeout=10) as client:
        for token in tokens * 4:
            assert client.get(f"/d/acme/sales?embed_token={token}").status_code == 200
    time.sleep(2.5)  # each worker writes its counts every second
    usage = json.loads(live.dashlet("usage", "--org", "acme", "--json"))
    (sales,) = usage["dashboards"]
    assert (sales["new_tokens"], sales["loads"]) == (5, 20)
    assert sales["by_usage_value"]["2"] == {"new_tokens": 5, "loads": 20}
