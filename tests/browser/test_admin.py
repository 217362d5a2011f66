"""The admin pages in Chromium: the secret, the embed panel's code and checkbox, usage.

Everything runs in organization ``panel`` (made here, next to the suite's ``acme`` and
``strict``), so resetting its secret breaks no other test.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import jwt
import pytest
from playwright.sync_api import Page

from dashlet.config import Settings
from dashlet.spec.apply import apply_folder
from dashlet.store.dashboards import get_dashboard
from dashlet.store.database import Database, open_database
from dashlet.store.organizations import create_organization, reveal_secret
from dashlet.store.users import add_member
from tests.auth.members import PASSWORD, password_hash
from tests.browser.conftest import Live, Tab, wait_until_loaded, write_workspace
from tests.conftest import TEST_SECRET_KEY

ORG = "panel"


@dataclass
class Panel:
    live: Live
    db: Database
    ids: tuple[int, int]

    @property
    def secret(self) -> str:
        return reveal_secret(self.db, ORG)

    def embed_url(self, *, query: str = "", secret: str | None = None) -> str:
        claims = {
            "organization": self.ids[0],
            "dashboard": self.ids[1],
            "exp": time.time() + 600,
            "env": {"TENANT": 1},
        }
        token = jwt.encode(claims, (secret or self.secret).encode(), "HS256")
        return f"{self.live.base_url}/d/{ORG}/shop?embed_token={token}{query}"

    def chart_url(self, chart: str, query: str = "") -> str:
        token = self.embed_url().split("embed_token=")[1]
        return f"{self.live.base_url}/d/{ORG}/shop/charts/{chart}.json?embed_token={token}{query}"


@pytest.fixture(scope="module")
def panel(live: Live, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Panel]:
    data_dir = live.server_log.parent
    db = open_database(Settings.from_env({}, data_dir=data_dir, secret_key=TEST_SECRET_KEY))
    org = create_organization(db, ORG)
    apply_folder(db, write_workspace(tmp_path_factory.mktemp("panel") / "workspace"), ORG)
    for role in ("owner", "editor", "viewer"):
        add_member(db, f"{role}@{ORG}.test", password_hash(), ORG, role)
    try:
        yield Panel(live, db, (org.id, get_dashboard(db, ORG, "shop").id))
    finally:
        db.dispose()


def sign_in(page: Page, panel: Panel, role: str) -> None:
    page.goto(f"{panel.live.base_url}/login")
    page.get_by_label("Email").fill(f"{role}@{ORG}.test")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"**/o/{ORG}/dashboards")


def csrf_token(page: Page) -> str:
    return page.locator("input[name=csrf_token]").first.get_attribute("value") or ""


@pytest.mark.parametrize("role", ["viewer", "editor"])
def test_a_viewer_or_editor_cannot_see_the_secret(tab: Tab, panel: Panel, role: str) -> None:
    sign_in(tab.page, panel, role)
    assert tab.page.get_by_role("link", name="Embedding").count() == 0
    token = csrf_token(tab.page)
    refused = tab.page.goto(f"{panel.live.base_url}/o/{ORG}/embedding")
    assert refused is not None
    assert refused.status == 403
    direct = tab.page.request.post(
        f"{panel.live.base_url}/o/{ORG}/embedding/secret/reveal",
        form={"csrf_token": token},
    )
    assert direct.status == 403
    assert panel.secret not in direct.text()


def test_the_python_snippet_copied_from_the_panel_prints_a_url_that_loads(
    tab: Tab, panel: Panel, tmp_path: Path, artifact: Callable[[str], Path]
) -> None:
    tab.page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    sign_in(tab.page, panel, "owner")
    tab.page.goto(f"{panel.live.base_url}/o/{ORG}/dashboards/shop/embed")
    tab.page.get_by_role("tab", name="Python").click()
    tab.page.locator("[data-panel=python] button[data-copy]").click()
    code = tab.page.evaluate("navigator.clipboard.readText()")
    tab.page.screenshot(path=artifact("admin-embed-panel"), full_page=True)
    (tmp_path / "embed.py").write_text(code)
    environ = {**os.environ, "DASHLET_EMBED_SECRET": panel.secret}
    printed = subprocess.run(
        [sys.executable, str(tmp_path / "embed.py")],
        env=environ,
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    ).stdout.strip()
    # The server's configured base URL is not the test port: keep the snippet's path and query.
    signed = urlsplit(printed.splitlines()[-1])
    response = tab.page.goto(f"{panel.live.base_url}{signed.path}?{signed.query}")
    assert response is not None
    assert response.status == 200
    wait_until_loaded(tab.page)


def test_the_viewer_variables_checkbox_decides_what_an_embedded_viewer_may_set(
    tab: Tab, panel: Panel
) -> None:
    sign_in(tab.page, panel, "owner")
    tab.page.goto(f"{panel.live.base_url}/o/{ORG}/dashboards/shop/embed")
    checkbox = tab.page.get_by_label("Allow viewers to apply dashboard variables")
    filtered = panel.chart_url("by_region", "&var.REGION=north")
    assert tab.page.request.get(filtered).status == 200
    checkbox.uncheck()
    tab.page.get_by_role("button", name="Save").click()
    tab.page.wait_for_url("**notice=embed_saved")
    locked = tab.page.request.get(panel.chart_url("by_region", "&var.REGION=north"))
    assert (locked.status, locked.json()["error"]["code"]) == (403, "variable_locked")
    tab.page.get_by_label("Allow viewers to apply dashboard variables").check()
    tab.page.get_by_role("button", name="Save").click()
    tab.page.wait_for_url("**notice=embed_saved")
    assert tab.page.request.get(panel.chart_url("by_region", "&var.REGION=north")).status == 200


def loads_shown(page: Page, panel: Panel) -> int:
    page.goto(f"{panel.live.base_url}/o/{ORG}/usage")
    card = page.locator("[data-dashboard=shop] .loads")
    return int(card.text_content() or "0") if card.count() else 0


def test_usage_numbers_move_after_embeds_load(tab: Tab, panel: Panel) -> None:
    sign_in(tab.page, panel, "owner")
    before = loads_shown(tab.page, panel)
    embed = tab.page.context.new_page()
    for _ in range(2):
        embed.goto(panel.embed_url())
        wait_until_loaded(embed)
    deadline = time.monotonic() + 10
    while (after := loads_shown(tab.page, panel)) < before + 2 and time.monotonic() < deadline:
        time.sleep(0.3)
    assert after >= before + 2


def test_an_owner_reveals_and_resets_the_secret_and_an_old_embed_then_fails(
    tab: Tab, panel: Panel, artifact: Callable[[str], Path]
) -> None:
    page = tab.page
    sign_in(page, panel, "owner")
    page.get_by_role("link", name="Embedding").click()
    assert panel.secret not in page.content()
    page.get_by_role("button", name="Reveal").click()
    shown = page.locator("#secret-value").text_content()
    page.screenshot(path=artifact("admin-embedding"), full_page=True)
    assert shown == panel.secret
    old_url = panel.embed_url(secret=shown)
    assert page.request.get(old_url).status == 200
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_label(re.compile("to confirm")).fill("reset")
    page.get_by_role("button", name="Reset secret").click()
    page.wait_for_url("**notice=secret_reset")
    assert "every embed signed with the old one fails" in page.content()
    refused = page.request.get(old_url)
    assert refused.status == 403
    assert 'data-code="token_bad_signature"' in refused.text()
