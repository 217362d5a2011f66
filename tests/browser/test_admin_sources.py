"""The data sources pages in Chromium: add and test a source, failures read plainly, passwords
never come back, and viewers are kept out.

Everything runs in organization ``sources`` (made here), so no other test sees its sources.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest
from playwright.sync_api import Page

from dashlet.store.sources import SourceSettings, create_source, find_source_def
from tests.browser.conftest import AdminOrg, Tab, sign_in

PG = "postgresql://reader:s3cret@127.0.0.1:1/warehouse"


@pytest.fixture(scope="module")
def org(make_admin_org: Callable[[str], AdminOrg]) -> AdminOrg:
    return make_admin_org("sources")


def sqlite_file(path: Path) -> str:
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE orders (amount REAL)")
    return f"sqlite:///{path}"


def duckdb_file(path: Path) -> str:
    with duckdb.connect(str(path)) as conn:
        conn.execute("CREATE TABLE orders (amount DOUBLE)")
    return f"duckdb:///{path}"


def add_source(org: AdminOrg, name: str, url: str) -> int:
    """A source made straight in the store, for tests whose behaviour starts after adding."""
    return create_source(org.db, org.slug, SourceSettings(name, url), actor="tests").id


def run_connection_test(page: Page, name: str) -> str:
    """Press the source's Test connection button; returns the result the page shows."""
    with page.expect_navigation():
        row = page.locator(f"tr[data-source='{name}']")
        row.get_by_role("button", name="Test connection").click()
    result = page.locator("[data-test-result]")
    return f"{result.get_attribute('data-test-result')}: {result.text_content()}"


@pytest.mark.parametrize("make_file", [sqlite_file, duckdb_file], ids=["sqlite", "duckdb"])
def test_an_editor_adds_a_file_source_and_its_connection_test_passes(
    tab: Tab, org: AdminOrg, tmp_path: Path, make_file: Callable[[Path], str]
) -> None:
    name = f"local {make_file.__name__}"
    sign_in(tab.page, org, "editor")
    tab.page.goto(org.url("/sources"))
    tab.page.get_by_label("Name").fill(name)
    tab.page.get_by_label("URL").fill(make_file(tmp_path / "warehouse.db"))
    tab.page.get_by_role("button", name="Add data source").click()
    tab.page.wait_for_url("**notice=source_added")
    shown = run_connection_test(tab.page, name)
    assert shown.startswith("ok: ")
    assert "Connected in" in shown


def test_a_wrong_path_fails_the_test_with_a_plain_message(
    tab: Tab, org: AdminOrg, tmp_path: Path
) -> None:
    add_source(org, "missing", f"sqlite:///{tmp_path / 'no-such-folder' / 'gone.sqlite'}")
    sign_in(tab.page, org, "editor")
    tab.page.goto(org.url("/sources"))
    shown = run_connection_test(tab.page, "missing")
    assert shown.startswith("failed: ")
    assert "The connection test failed:" in shown
    assert "unable to open database file" in shown  # the driver's own words
    html = tab.page.content()
    assert "Traceback" not in html
    assert 'File "' not in html


def test_the_edit_page_shows_the_url_with_the_password_masked(tab: Tab, org: AdminOrg) -> None:
    sign_in(tab.page, org, "editor")
    tab.page.goto(org.url("/sources"))
    tab.page.get_by_label("Name").fill("typed pg")
    tab.page.get_by_label("URL").fill(PG)
    tab.page.get_by_role("button", name="Add data source").click()
    tab.page.get_by_role("link", name="typed pg").click()
    tab.page.wait_for_url("**/sources/*")
    shown = tab.page.get_by_label("URL").input_value()
    assert shown == "postgresql://reader:***@127.0.0.1:1/warehouse"
    assert "s3cret" not in tab.page.content()


@pytest.mark.parametrize("typed", ["", "as shown"], ids=["blank", "masked"])
def test_saving_without_typing_a_password_keeps_the_stored_one(
    tab: Tab, org: AdminOrg, typed: str
) -> None:
    name = f"kept {typed or 'blank'}"
    source_id = add_source(org, name, PG)
    sign_in(tab.page, org, "editor")
    tab.page.goto(org.url(f"/sources/{source_id}"))
    if not typed:
        tab.page.get_by_label("URL").fill("")
    tab.page.get_by_label("Row limit").fill("50")
    tab.page.get_by_role("button", name="Save").click()
    tab.page.wait_for_url("**notice=source_saved")
    kept = find_source_def(org.db, org.slug, source_id)
    assert (kept.url, kept.row_limit) == (PG, 50)


def test_a_viewer_has_no_link_to_the_sources_and_is_refused_them(tab: Tab, org: AdminOrg) -> None:
    sign_in(tab.page, org, "viewer")
    tab.page.goto(org.url("/dashboards"))
    assert tab.page.get_by_role("link", name="Data sources").count() == 0
    refused = tab.page.goto(org.url("/sources"))
    assert refused is not None
    assert refused.status == 403
    assert tab.page.locator(".refusal[data-code=forbidden]").is_visible()
