"""The native dashboard view in Chromium: a signed-in member's dashboard, embedding off.

Organization ``native`` (made here) has the suite's ``shop`` dashboard with embedding turned
off: what the owner sees comes from the session routes, never from an embed token.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Frame, FrameLocator, Page

from dashlet.config import Settings
from dashlet.spec.apply import apply_folder
from dashlet.store.dashboards import set_embed_settings
from dashlet.store.database import open_database
from dashlet.store.organizations import create_organization
from dashlet.store.users import add_member
from tests.auth.members import PASSWORD, password_hash
from tests.browser.conftest import Live, Tab, write_workspace
from tests.conftest import TEST_SECRET_KEY

ORG = "native"
OWNER = f"owner@{ORG}.test"
SHOP = f"/o/{ORG}/dashboards/shop"
FRAME = "iframe[data-native-dashboard]"


@pytest.fixture(scope="module")
def native(live: Live, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    data_dir = live.server_log.parent
    db = open_database(Settings.from_env({}, data_dir=data_dir, secret_key=TEST_SECRET_KEY))
    create_organization(db, ORG)
    apply_folder(db, write_workspace(tmp_path_factory.mktemp("native") / "workspace"), ORG)
    set_embed_settings(db, ORG, "shop", enabled=False, allow_viewer_variables=False)
    add_member(db, OWNER, password_hash(), ORG, "owner")
    try:
        yield live
    finally:
        db.dispose()


def open_dashboard(tab: Tab, live: Live, query: str = "") -> FrameLocator:
    """Sign in as the owner and open the shop dashboard's admin page; its frame."""
    page = tab.page
    page.goto(f"{live.base_url}/login")
    page.get_by_label("Email").fill(OWNER)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"**/o/{ORG}/dashboards")
    page.goto(f"{live.base_url}{SHOP}{query}")
    return page.frame_locator(FRAME)


def view(page: Page) -> Frame:
    frame = page.frame(url=lambda url: "/view" in url)
    assert frame is not None
    return frame


def bars(page: Page) -> tuple[list[str], list[object]]:
    """The regions and revenues the framed ``by_region`` chart drew."""
    option = view(page).evaluate("dashletCharts.option('by_region')")
    return option["xAxis"][0]["data"], option["series"][0]["data"]


def states(page: Page) -> dict[str, str]:
    """Each card's state in the framed dashboard."""
    found: dict[str, str] = view(page).evaluate(
        """() => Object.fromEntries([...document.querySelectorAll("[data-chart]")]
            .map(c => [c.dataset.chart, c.dataset.state || ""]))"""
    )
    return found


def test_an_owner_sees_every_chart_of_a_dashboard_whose_embedding_is_off(
    tab: Tab, native: Live, artifact: Callable[[str], Path]
) -> None:
    frame = open_dashboard(tab, native, "?var.TENANT=1")
    frame.locator(".dashlet-dashboard[aria-busy='false']").wait_for()
    tab.page.screenshot(path=artifact("admin-native-view"), full_page=True)
    shown = states(tab.page)
    assert shown.pop("broken") == "error"  # its SQL reads a table that does not exist
    assert set(shown.values()) == {"loaded"}
    assert frame.get_by_label("TENANT").input_value() == "1"
    (data,) = tab.data_requests()
    assert urlsplit(data.url).path == f"{SHOP}/data"
    assert "authorization" not in data.headers


def test_changing_the_hidden_tenant_filter_changes_the_numbers(tab: Tab, native: Live) -> None:
    frame = open_dashboard(tab, native, "?var.TENANT=1")
    frame.locator(".dashlet-dashboard[aria-busy='false']").wait_for()
    first = bars(tab.page)
    frame.get_by_label("TENANT").fill("2")
    frame.get_by_label("TENANT").press("Enter")
    frame.locator("[data-chart='by_region'][data-renders='2']").wait_for()
    second = bars(tab.page)
    assert first[0] == ["east", "north", "south"]
    assert second[0] == ["north", "south"]  # tenant 2 never sells in the east
    assert first[1] != second[1]
    # The region options are tenant 2's now, and the admin page's address keeps the filter.
    frame.locator("[data-variable='REGION'] summary").click()
    labels = frame.locator("[data-variable='REGION'] fieldset label")
    labels.first.wait_for()
    assert [label.strip() for label in labels.all_inner_texts()] == ["north", "south"]  # no east
    tab.page.wait_for_url("**var.TENANT=2**")


def test_the_frame_grows_to_its_content_height(tab: Tab, native: Live) -> None:
    frame = open_dashboard(tab, native, "?var.TENANT=1")
    frame.locator(".dashlet-dashboard[aria-busy='false']").wait_for()
    content = frame.locator("body").evaluate(
        "body => Math.ceil(body.getBoundingClientRect().height)"
    )
    tab.page.wait_for_function(
        "([selector, height]) => document.querySelector(selector).offsetHeight >= height",
        arg=[FRAME, content],
    )
    shown = tab.page.locator(FRAME).evaluate("frame => frame.offsetHeight")
    assert content > 900  # taller than the window: the page scrolls, the frame does not
    assert abs(shown - content) <= 4


def test_after_a_page_wide_refusal_any_filter_change_reloads_every_chart(
    tab: Tab, native: Live
) -> None:
    frame = open_dashboard(tab, native)
    frame.locator("[data-chart='total'][data-state='error']").wait_for()
    assert "missing_variable" in frame.locator("[data-chart='total']").inner_text()
    with tab.page.expect_request(lambda r: "/data?" in r.url) as sent:
        frame.get_by_label("Minimum amount").fill("10")
        frame.get_by_label("Minimum amount").press("Enter")
    assert "charts" not in parse_qs(urlsplit(sent.value.url).query)
    frame.get_by_label("TENANT").fill("1")
    frame.get_by_label("TENANT").press("Enter")
    frame.locator(".dashlet-dashboard[aria-busy='false']").wait_for()
    assert set(states(tab.page).values()) == {"loaded", "error"}
    assert states(tab.page)["total"] == "loaded"
