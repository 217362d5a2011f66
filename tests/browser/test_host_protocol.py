"""The host protocol across origins: a host page on its own loopback server frames the dashboard
with dashlet-embed.js and receives the page's events; its commands reach the page."""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import parse_qs, urlsplit

from playwright.sync_api import FrameLocator, Page

from tests.browser.conftest import Live, Tab


def host_page(live: Live, frame_url: str, *, width: int = 480, script: bool = True) -> str:
    """A host application's page: the iframe, then the host script mounting it (or no script)."""
    mount = f"""
<script src="{live.base_url}/static/dashlet-embed.js"></script>
<script>
  window.dashlet = Dashlet.mount(document.getElementById("frame"), {{
    onEvent: (name, detail) => window.events.push(Object.assign({{name}}, detail)),
    // Answers once the test has handed over a token, however late (a loaded machine).
    getToken: () => new Promise((resolve) => {{
      const poll = () => (window.nextToken ? resolve(window.nextToken) : setTimeout(poll, 20));
      poll();
    }}),
  }});
</script>"""
    listen = """
<script>
  window.addEventListener("message", (event) => {
    if (event.data && event.data.type) window.raw.push(event.data.type);
  });
</script>"""
    return f"""<!doctype html>
<html><body style="margin:0">
<script>window.events = []; window.raw = []; window.nextToken = null;</script>
{listen}
<iframe id="frame" title="Dashboard" style="width:{width}px;border:0" src="{frame_url}"></iframe>
{mount if script else ""}
</body></html>"""


def open_host(tab: Tab, live: Live, frame_url: str, **options: Any) -> Page:
    url = live.host.page(f"/host-{time.monotonic_ns()}", host_page(live, frame_url, **options))
    tab.page.goto(url)
    return tab.page


def wait_for_event(page: Page, name: str, count: int = 1) -> dict[str, Any]:
    """The ``count``-th event named ``name`` the host received (waits for it)."""
    page.wait_for_function(
        "([name, count]) => events.filter(e => e.name === name).length >= count", arg=[name, count]
    )
    found: dict[str, Any] = page.evaluate(
        "([name, count]) => events.filter(e => e.name === name)[count - 1]", [name, count]
    )
    return found


def dashboard_frame(page: Page) -> FrameLocator:
    return page.frame_locator("#frame")


def test_host_on_another_origin_receives_ready_loaded_and_resize(tab: Tab, live: Live) -> None:
    page = open_host(tab, live, live.page_url("strict"))
    loaded = wait_for_event(page, "loaded")
    names = page.evaluate("events.map(e => e.name)")
    assert names[0] == "ready"
    assert "resize" in names
    assert loaded["version"] == 1
    assert loaded["reason"] == "initial"
    assert [error["chart"] for error in loaded["errors"]] == ["broken"]


def test_iframe_follows_the_page_height_as_it_grows_and_shrinks(tab: Tab, live: Live) -> None:
    page = open_host(tab, live, live.page_url("strict"), width=480)
    wait_for_event(page, "loaded")
    page.wait_for_function("events.filter(e => e.name === 'resize').at(-1).height > 1500")
    narrow = page.evaluate("events.filter(e => e.name === 'resize').at(-1).height")
    assert page.locator("#frame").bounding_box()["height"] == narrow  # type: ignore[index]
    resizes = page.evaluate("events.filter(e => e.name === 'resize').length")
    page.evaluate("document.getElementById('frame').style.width = '1200px'")
    wide = wait_for_event(page, "resize", resizes + 1)["height"]
    page.wait_for_function("h => document.getElementById('frame').offsetHeight === h", arg=wide)
    assert wide < narrow


def test_set_token_keeps_the_viewers_filters(tab: Tab, live: Live) -> None:
    page = open_host(tab, live, live.page_url("strict"))
    wait_for_event(page, "loaded")
    frame = dashboard_frame(page)
    frame.get_by_label("Minimum amount").fill("25")
    frame.get_by_label("Minimum amount").press("Enter")
    changed = wait_for_event(page, "filters-changed")
    assert changed["values"]["MIN_AMOUNT"] == 25
    assert changed["source"] == "viewer"
    fresh = live.token("strict", jti="fresh")
    page.evaluate("token => window.dashlet.setToken(token)", fresh)
    reloaded = wait_for_event(page, "loaded", 3)
    assert reloaded["reason"] == "token"
    last = tab.data_requests()[-1]
    assert last.all_headers()["authorization"] == f"Bearer {fresh}"
    assert parse_qs(urlsplit(last.url).query)["var.MIN_AMOUNT"] == ["25"]
    assert frame.get_by_label("Minimum amount").input_value() == "25"


def test_token_about_to_expire_is_replaced_with_one_from_get_token(tab: Tab, live: Live) -> None:
    # Warned a minute before exp: this token is warned about about three seconds after loading.
    page = open_host(tab, live, live.page_url("strict", ttl=63))
    wait_for_event(page, "loaded")
    fresh = live.token("strict", jti="from-get-token")
    page.evaluate("token => { window.nextToken = token; }", fresh)
    expiring = wait_for_event(page, "token-expiring")
    assert expiring["expiresAt"] > time.time()
    page.wait_for_function("events.filter(e => e.name === 'loaded').length === 2")
    assert tab.data_requests()[-1].all_headers()["authorization"] == f"Bearer {fresh}"


def test_set_filters_from_the_host_refetches_and_reports_the_change(tab: Tab, live: Live) -> None:
    page = open_host(tab, live, live.page_url("strict"))
    wait_for_event(page, "loaded")
    page.evaluate("window.dashlet.setFilters({REGION: ['south']})")
    changed = wait_for_event(page, "filters-changed")
    assert changed["values"]["REGION"] == ["south"]
    assert changed["source"] == "host"
    wait_for_event(page, "loaded", 2)
    assert "var.REGION=south" in tab.data_requests()[-1].url


def test_expired_token_shows_the_error_page_and_emits_error(tab: Tab, live: Live) -> None:
    page = open_host(tab, live, live.page_url("strict", ttl=-3600))
    error = wait_for_event(page, "error")
    assert error["code"] == "token_expired"
    assert error["message"]
    frame = dashboard_frame(page)
    assert frame.locator("[data-code='token_expired']").is_visible()


def test_expired_token_sent_later_shows_the_token_expired_state(tab: Tab, live: Live) -> None:
    page = open_host(tab, live, live.page_url("strict"))
    wait_for_event(page, "loaded")
    page.evaluate("token => window.dashlet.setToken(token)", live.token("strict", ttl=-3600))
    error = wait_for_event(page, "error")
    assert error["code"] == "token_expired"
    frame = dashboard_frame(page)
    assert frame.locator("html[data-state='token-expired']").count() == 1
    assert "expired" in frame.locator("#dashlet-banner").inner_text()


def test_a_parent_without_the_handshake_gets_only_ready_and_resize(tab: Tab, live: Live) -> None:
    page = open_host(tab, live, live.page_url("strict"), script=False)
    frame = dashboard_frame(page)
    frame.locator(".dashlet-dashboard[aria-busy='false']").wait_for()
    page.wait_for_timeout(200)
    received = set(page.evaluate("raw"))
    assert received == {"dashlet:ready", "dashlet:resize"}
