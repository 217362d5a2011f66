"""The embedded page's HTML: the config the script reads, the built files it loads, the options."""

from __future__ import annotations

import json
import time
from html.parser import HTMLParser
from typing import Any

from dashlet.store.organizations import set_frame_ancestors
from dashlet.web.assets import load_manifest
from dashlet.web.embed_page import script_safe_json
from tests.web.conftest import EmbedWorld


class Scripts(HTMLParser):
    """Every <script> and <link> element's attributes, and the page config's text."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.scripts: list[dict[str, str | None]] = []
        self.links: list[dict[str, str | None]] = []
        self.config_text = ""
        self._in_config = False
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "script":
            self.scripts.append(found)
            self._in_config = found.get("id") == "dashlet-config"
        elif tag == "link":
            self.links.append(found)

    def handle_endtag(self, tag: str) -> None:
        self._in_config = False

    def handle_data(self, data: str) -> None:
        if self._in_config:
            self.config_text += data


async def page(world: EmbedWorld, token: str | None = None, query: str = "") -> str:
    response = await world.client.get(world.page_url(token or world.sign()) + query)
    assert response.status_code == 200
    return response.text


async def config(world: EmbedWorld, token: str | None = None) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(Scripts(await page(world, token)).config_text)
    return loaded


async def test_each_chart_lists_the_viewer_variables_its_sql_uses(world: EmbedWorld) -> None:
    charts = (await config(world))["charts"]
    assert {chart["slug"]: chart["variables"] for chart in charts} == {
        "by_region": ["MIN_AMOUNT", "REGION"],
        "total": [],
        "broken": [],
    }


async def test_hidden_variable_never_reaches_the_page(world: EmbedWorld) -> None:
    assert "TENANT" not in await page(world)


async def test_variable_locked_by_the_token_gets_no_filter(world: EmbedWorld) -> None:
    locked = await config(world, world.sign(env={"TENANT": 1, "REGION": ["north"]}))
    assert [variable["name"] for variable in locked["variables"]] == ["MIN_AMOUNT"]
    assert locked["charts"][0]["variables"] == ["MIN_AMOUNT"]


async def test_filters_say_where_their_options_come_from(world: EmbedWorld) -> None:
    variables = {v["name"]: v for v in (await config(world))["variables"]}
    assert variables["REGION"]["choicesFromServer"] is True
    assert variables["REGION"]["multi"] is True
    assert variables["MIN_AMOUNT"]["choicesFromServer"] is False
    assert variables["MIN_AMOUNT"]["choices"] is None


async def test_config_carries_the_token_expiry_and_the_server_clock(world: EmbedWorld) -> None:
    exp = int(time.time()) + 321
    found = await config(world, world.sign(exp=exp))
    assert found["expiresAt"] == exp
    assert abs(found["serverTime"] - time.time()) < 5


async def test_config_carries_the_frame_ancestor_allow_list(world: EmbedWorld) -> None:
    set_frame_ancestors(world.db, "acme", ["https://app.example.com"])
    assert (await config(world))["frameAncestors"] == ["https://app.example.com"]


async def test_config_tells_the_script_where_data_and_exports_are(world: EmbedWorld) -> None:
    found = await config(world)
    assert found["dataUrl"] == "/d/acme/sales/data"
    assert found["chartUrl"] == "/d/acme/sales/charts/"
    assert found["choicesUrl"] == "/d/acme/sales/variables/"
    assert found["allowCsv"] is True


async def test_page_loads_the_built_files_by_their_hashed_names(world: EmbedWorld) -> None:
    manifest = load_manifest()
    parsed = Scripts(await page(world))
    sources = [s["src"] for s in parsed.scripts if s.get("src")]
    assert sources == [manifest.url("embed-page.js")]
    styles = [link["href"] for link in parsed.links if link.get("rel") == "stylesheet"]
    assert styles == [manifest.url("embed-page.css")]


async def test_page_preloads_the_chart_renderer_when_it_draws_charts(world: EmbedWorld) -> None:
    parsed = Scripts(await page(world))
    preloaded = [link["href"] for link in parsed.links if link.get("rel") == "modulepreload"]
    assert preloaded == load_manifest().preloads("embed-page.js", lazy=True)


async def test_every_script_is_external_or_data(world: EmbedWorld) -> None:
    for script in Scripts(await page(world)).scripts:
        assert script.get("src") or script.get("type") == "application/json"


def test_config_cannot_close_its_script_element() -> None:
    text = script_safe_json({"title": "</script><script>alert(1)</script>&"})
    assert "<" not in text
    assert ">" not in text
    assert json.loads(text)["title"] == "</script><script>alert(1)</script>&"


async def test_theme_option_sets_the_theme_class(world: EmbedWorld) -> None:
    assert '<html lang="en" class="theme-dark">' in await page(world, query="&theme=dark")
    assert '<html lang="en" class="theme-light">' in await page(world, query="&theme=neon")


async def test_title_false_leaves_the_title_out(world: EmbedWorld) -> None:
    assert "<h1" in await page(world)
    assert "<h1" not in await page(world, query="&title=false")


async def test_error_page_loads_the_page_script_to_tell_the_host(world: EmbedWorld) -> None:
    response = await world.client.get(world.page_url(world.sign(exp=int(time.time()) - 3600)))
    parsed = Scripts(response.text)
    assert [s["src"] for s in parsed.scripts] == ["/static/embed-page.js"]
    assert 'data-code="token_expired"' in response.text
