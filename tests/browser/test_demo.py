"""The demo host application (``dashlet demo``, page ``/demo``) in Chromium: a tenant picker, an
iframe sized by the host script, the event log, and fresh tokens from ``/demo/token``."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest

from tests.browser.conftest import Tab
from tests.conftest import TEST_SECRET_KEY
from tests.servers import dashlet_server


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``dashlet demo`` with a small warehouse, serving on a free loopback port."""
    environ = {
        "DASHLET_DATA_DIR": str(tmp_path_factory.mktemp("demo")),
        "DASHLET_SECRET_KEY": TEST_SECRET_KEY,
    }
    with dashlet_server(environ, "--orders", "2000", command="demo") as base_url:
        yield base_url


def frame_token(tab: Tab) -> dict[str, object]:
    src = tab.page.locator("#dashlet-frame").get_attribute("src") or ""
    (token,) = parse_qs(urlsplit(src).query)["embed_token"]
    claims: dict[str, object] = jwt.decode(token, options={"verify_signature": False})
    return claims


def test_demo_frame_sizes_itself_and_the_log_shows_its_events(
    tab: Tab, demo: str, artifact: Callable[[str], Path]
) -> None:
    tab.page.goto(f"{demo}/demo")
    tab.page.locator("#event-log li[data-event='loaded']").wait_for()
    frame_height = tab.page.locator("#dashlet-frame").bounding_box()["height"]  # type: ignore[index]
    content = tab.page.frame_locator("#dashlet-frame").locator("body").bounding_box()
    assert content is not None
    assert frame_height == pytest.approx(content["height"], abs=1)
    assert frame_height > 1000
    tab.page.screenshot(path=artifact("demo-light"), full_page=True)


def test_picking_another_tenant_embeds_that_tenants_dashboard(tab: Tab, demo: str) -> None:
    tab.page.goto(f"{demo}/demo")
    first = frame_token(tab)["env"]
    with tab.page.expect_navigation():
        tab.page.get_by_label("Signed in as customer").select_option(index=1)
    assert frame_token(tab)["env"] != first
    tab.page.locator("#event-log li[data-event='loaded']").wait_for()


def test_demo_token_route_signs_for_the_chosen_tenant(tab: Tab, demo: str) -> None:
    response = tab.page.request.get(f"{demo}/demo/token?dashboard=sales&tenant=2")
    claims = jwt.decode(response.json()["token"], options={"verify_signature": False})
    assert claims["env"] == {"TENANT": 2}


def test_viewer_filters_are_kept_in_the_host_url(
    tab: Tab, demo: str, artifact: Callable[[str], Path]
) -> None:
    tab.page.goto(f"{demo}/demo?theme=dark")
    frame = tab.page.frame_locator("#dashlet-frame")
    frame.locator(".dashlet-dashboard[aria-busy='false']").wait_for()
    frame.locator("[data-variable='CHANNEL'] summary").click()
    frame.locator("[data-variable='CHANNEL'] fieldset input").first.check()
    tab.page.wait_for_url("**var.CHANNEL=*")
    tab.page.locator("#event-log li[data-event='filters-changed']").wait_for()
    tab.page.screenshot(path=artifact("demo-dark"), full_page=True)
