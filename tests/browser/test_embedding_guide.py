"""Chartio's embedding guide, done in the browser from `dashlet demo` and its printed owner login.

The guide's steps in its order: find the example code (Settings -> Embed), allow viewers to
apply dashboard variables, find the embed secret (owners only), sign a token with the example
code, load the iframe URL, read the usage statistics, and reset the secret, which breaks every
embed at once. Only the snippet runs outside the browser, as it would in the user's app.
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

import pytest
from playwright.sync_api import Page

from tests.browser.conftest import Tab, wait_until_loaded
from tests.conftest import TEST_SECRET_KEY
from tests.servers import dashlet_server

OWNER_LOGIN = re.compile(r"Owner login: (\S+)\s+password: (\S+)")


@dataclass(frozen=True)
class Demo:
    base_url: str
    email: str
    password: str


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    """``dashlet demo`` (small warehouse) and the owner login it printed."""
    data_dir = tmp_path_factory.mktemp("guide")
    environ = {"DASHLET_DATA_DIR": str(data_dir), "DASHLET_SECRET_KEY": TEST_SECRET_KEY}
    with dashlet_server(environ, "--orders", "2000", command="demo") as base_url:
        found = OWNER_LOGIN.search((data_dir / "server.log").read_text())
        assert found, "dashlet demo printed no owner login"
        yield Demo(base_url, found.group(1), found.group(2))


def loads_of(page: Page, demo: Demo, dashboard: str) -> int:
    page.goto(f"{demo.base_url}/o/demo/usage")
    card = page.locator(f"[data-dashboard={dashboard}] .loads")
    return int(card.text_content() or "0") if card.count() else 0


def test_a_new_owner_does_every_step_of_the_embedding_guide_in_the_browser(
    tab: Tab, demo: Demo, tmp_path: Path, artifact: Callable[[str], Path]
) -> None:
    page = tab.page
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    # Sign in with what `dashlet demo` printed.
    page.goto(demo.base_url)
    page.get_by_label("Email").fill(demo.email)
    page.get_by_label("Password").fill(demo.password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/o/demo/dashboards")

    # The dashboard's Settings -> Embed: the switches and the example code.
    page.get_by_role("link", name="Sales overview", exact=True).click()
    page.get_by_role("link", name="Settings → Embed").click()
    allow = page.get_by_label("Allow viewers to apply dashboard variables")
    page.get_by_label("Embedding enabled").check()
    allow.check()
    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_url("**notice=embed_saved")
    assert allow.is_checked()
    page.get_by_role("tab", name="Python").click()
    page.locator("[data-panel=python] button[data-copy]").click()
    code = page.evaluate("navigator.clipboard.readText()")
    page.screenshot(path=artifact("guide-embed-panel"), full_page=True)

    # Settings -> Embedding: the organization's secret, hidden until revealed.
    page.get_by_role("link", name="Embedding").click()
    page.get_by_role("button", name="Reveal").click()
    secret = page.locator("#secret-value").text_content() or ""
    assert len(secret) >= 32

    # The example code, run as the user's app would, signs a URL; the iframe's page loads.
    (tmp_path / "embed.py").write_text(code)
    printed = subprocess.run(
        [sys.executable, str(tmp_path / "embed.py")],
        env={**os.environ, "DASHLET_EMBED_SECRET": secret},
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    ).stdout.strip()
    signed = urlsplit(printed.splitlines()[-1])
    embed_url = f"{demo.base_url}{signed.path}?{signed.query}"
    usage_before = loads_of(page, demo, "sales")
    embedded = page.context.new_page()
    embedded.goto(embed_url)
    wait_until_loaded(embedded)
    assert embedded.locator("[data-chart][data-state=loaded]").count() >= 1
    assert embedded.locator("#dashlet-filters").is_visible()  # viewers may apply variables
    embedded.screenshot(path=artifact("guide-embedded"), full_page=True)

    # Usage statistics count the load (flushed by the server within a couple of seconds).
    deadline = time.monotonic() + 10
    while (usage := loads_of(page, demo, "sales")) <= usage_before and time.monotonic() < deadline:
        time.sleep(0.3)
    assert usage > usage_before

    # Reset the secret: every embed signed with the old one fails at once.
    page.get_by_role("link", name="Embedding").click()
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_label(re.compile("to confirm")).fill("reset")
    page.get_by_role("button", name="Reset secret").click()
    page.wait_for_url("**notice=secret_reset")
    refused = page.request.get(embed_url)
    assert refused.status == 403
    assert 'data-code="token_bad_signature"' in refused.text()
