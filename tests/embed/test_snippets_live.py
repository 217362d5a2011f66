"""Every example program's URL loads from a running server and shows the right tenant's data."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from dashlet.config import Settings
from dashlet.embed.snippets import LANGUAGES, render_snippet
from dashlet.spec.apply import apply_folder
from dashlet.store.dashboards import get_dashboard
from dashlet.store.database import Database, open_database
from dashlet.store.organizations import create_organization, reveal_secret
from tests.conftest import TEST_SECRET_KEY
from tests.embed.test_snippets import run_program
from tests.servers import dashlet_server
from tests.web.conftest import write_workspace

TENANT_BY_LANGUAGE = {"python": 1, "ruby": 2, "javascript": 3, "php": 2}


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Database]]:
    """A real ``dashlet serve`` with organization acme and its sales dashboard."""
    root = tmp_path_factory.mktemp("live")
    settings = Settings.from_env({}, data_dir=root / "data", secret_key=TEST_SECRET_KEY)
    db = open_database(settings)
    create_organization(db, "acme")
    apply_folder(db, write_workspace(root / "workspace"), "acme")
    environ = {"DASHLET_DATA_DIR": str(settings.data_dir), "DASHLET_SECRET_KEY": TEST_SECRET_KEY}
    with dashlet_server(environ) as base_url:
        yield base_url, db
    db.dispose()


@pytest.mark.parametrize("language", LANGUAGES)
def test_snippet_url_loads_the_right_tenants_dashboard(
    language: str, live: tuple[str, Database], tmp_path: Path
) -> None:
    base_url, db = live
    tenant = TENANT_BY_LANGUAGE[language]
    code = render_snippet(
        language,
        base_url=base_url,
        org_slug="acme",
        dashboard=get_dashboard(db, "acme", "sales"),
        env={"TENANT": tenant},
    )
    process = run_program(language, code, reveal_secret(db, "acme"), tmp_path)
    assert process.returncode == 0, process.stderr
    url = process.stdout.strip()
    page = httpx.get(url, timeout=10)
    assert page.status_code == 200
    assert 'data-chart="by_region"' in page.text
    (token,) = parse_qs(urlsplit(url).query)["embed_token"]
    data = httpx.get(
        f"{base_url}/d/acme/sales/charts/by_region.json",
        headers={"Authorization": f"Bearer {token}"},
        timeout=10,
    )
    assert data.status_code == 200
    rows = data.json()["rows"]
    assert rows
    assert {row[-1] for row in rows} == {tenant}
