"""The embedded page in Chromium: every chart type draws its data, states, accessibility, themes."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page

from tests.browser.conftest import ORDERS, Live, Tab, wait_until_loaded

TENANT_1 = [order for order in ORDERS if order[0] == 1]
LOADED_CHARTS = [
    "total",
    "by_region",
    "by_month",
    "by_channel_month",
    "channels",
    "price_volume",
    "latest",
]


def sums(key: Callable[[tuple[Any, ...]], Any]) -> dict[Any, float]:
    totals: dict[Any, float] = defaultdict(float)
    for order in TENANT_1:
        totals[key(order)] += order[4]
    return dict(sorted(totals.items()))


@pytest.fixture(scope="module")
def dashboard(browser: Browser, live: Live) -> Iterator[Tab]:
    """The shop dashboard for tenant 1, loaded once for the tests that only look at it."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    requests: list[Any] = []
    page.on("request", lambda request: requests.append(request))
    page.goto(live.page_url())
    wait_until_loaded(page)
    yield Tab(page, requests)
    context.close()


def option(page: Page, slug: str) -> dict[str, Any]:
    """What ECharts drew for a chart: its series (type, name, data) and category axis."""
    found: dict[str, Any] = page.evaluate(
        """slug => {
            const o = window.dashletCharts.option(slug);
            return {
                series: o.series.map(s => ({type: s.type, name: s.name, data: s.data, stack: s.stack ?? null,
                                            area: Boolean(s.areaStyle)})),
                categories: o.xAxis && o.xAxis[0].type === "category" ? o.xAxis[0].data : null,
            };
        }""",
        slug,
    )
    return found


def card(page: Page, slug: str) -> Any:
    return page.locator(f"[data-chart='{slug}']")


def test_bar_chart_draws_revenue_per_region(
    dashboard: Tab, artifact: Callable[[str], Path]
) -> None:
    drawn = option(dashboard.page, "by_region")
    expected = sums(lambda order: order[1])
    assert drawn["categories"] == list(expected)
    (series,) = drawn["series"]
    assert series["type"] == "bar"
    assert series["data"] == pytest.approx(list(expected.values()))
    card(dashboard.page, "by_region").screenshot(path=artifact("bar"))


def test_line_chart_draws_one_series_per_y_column(
    dashboard: Tab, artifact: Callable[[str], Path]
) -> None:
    drawn = option(dashboard.page, "by_month")
    revenue = sums(lambda order: order[3][:7])
    assert drawn["categories"] == list(revenue)
    assert [s["name"] for s in drawn["series"]] == ["revenue", "orders"]
    assert {s["type"] for s in drawn["series"]} == {"line"}
    assert drawn["series"][0]["data"] == pytest.approx(list(revenue.values()))
    assert not drawn["series"][0]["area"]
    card(dashboard.page, "by_month").screenshot(path=artifact("line"))


def test_area_chart_stacks_one_series_per_value_of_its_series_column(
    dashboard: Tab, artifact: Callable[[str], Path]
) -> None:
    drawn = option(dashboard.page, "by_channel_month")
    by_channel = {s["name"]: s for s in drawn["series"]}
    assert set(by_channel) == {"web", "store", "partner"}
    assert all(s["area"] and s["stack"] == "total" for s in drawn["series"])
    web = sums(lambda order: (order[2], order[3][:7]))
    months = drawn["categories"]
    assert by_channel["web"]["data"] == pytest.approx([web.get(("web", m), 0) for m in months])
    card(dashboard.page, "by_channel_month").screenshot(path=artifact("area"))


def test_pie_chart_draws_a_slice_per_label(dashboard: Tab, artifact: Callable[[str], Path]) -> None:
    (series,) = option(dashboard.page, "channels")["series"]
    assert series["type"] == "pie"
    expected = sums(lambda order: order[2])
    assert {d["name"]: d["value"] for d in series["data"]} == pytest.approx(expected)
    card(dashboard.page, "channels").screenshot(path=artifact("pie"))


def test_scatter_chart_plots_every_row_split_by_region(
    dashboard: Tab, artifact: Callable[[str], Path]
) -> None:
    drawn = option(dashboard.page, "price_volume")
    assert {s["type"] for s in drawn["series"]} == {"scatter"}
    assert {s["name"] for s in drawn["series"]} == {"north", "south", "east"}
    points = sorted(tuple(p["value"]) for s in drawn["series"] for p in s["data"])
    assert points == sorted((order[4], order[6]) for order in TENANT_1)
    card(dashboard.page, "price_volume").screenshot(path=artifact("scatter"))


def test_table_chart_is_a_real_table_of_the_chosen_columns(
    dashboard: Tab, artifact: Callable[[str], Path]
) -> None:
    table = card(dashboard.page, "latest").locator("table")
    headers = table.locator("thead th[scope='col']").all_inner_texts()
    assert [h.strip() for h in headers] == ["order date", "region", "product", "amount"]
    assert table.locator("tbody tr").count() == 20
    assert table.locator("caption").inner_text() == "Latest orders"
    card(dashboard.page, "latest").screenshot(path=artifact("table"))


def test_number_chart_shows_its_value_against_the_comparison(
    dashboard: Tab, artifact: Callable[[str], Path]
) -> None:
    number = card(dashboard.page, "total")
    total = f"{sum(order[4] for order in TENANT_1):,.2f}".rstrip("0").rstrip(".")
    assert number.locator(".dashlet-number-value").inner_text() == total
    assert "vs target (1,000)" in number.locator(".dashlet-number-compare").inner_text()
    card(dashboard.page, "total").screenshot(path=artifact("number"))


def test_failing_chart_shows_its_error_while_the_others_draw(dashboard: Tab) -> None:
    broken = card(dashboard.page, "broken")
    assert broken.get_attribute("data-state") == "error"
    assert "Error code:" in broken.get_by_role("alert").inner_text()
    states = [card(dashboard.page, slug).get_attribute("data-state") for slug in LOADED_CHARTS]
    assert states == ["loaded"] * len(LOADED_CHARTS)


def test_chart_without_rows_shows_the_empty_state(dashboard: Tab) -> None:
    assert card(dashboard.page, "nothing").locator(".dashlet-empty").is_visible()


def test_every_chart_has_an_accessible_name(dashboard: Tab) -> None:
    page = dashboard.page
    for section in page.locator("section[data-chart]").all():
        title = page.locator(f"#{section.get_attribute('aria-labelledby')}").inner_text()
        assert title
    for visual in page.locator(".dashlet-visual").all():
        assert visual.get_attribute("role") == "img"
        assert "View as table" in (visual.get_attribute("aria-label") or "")


def test_cards_say_when_their_data_was_computed(dashboard: Tab) -> None:
    assert (
        card(dashboard.page, "by_region")
        .locator("time.dashlet-as-of")
        .inner_text()
        .startswith("As of")
    )


def test_all_chart_data_arrives_through_one_request(dashboard: Tab) -> None:
    (data,) = dashboard.data_requests()
    assert data.all_headers()["authorization"].startswith("Bearer ")
    assert "embed_token" not in data.url


def test_page_requests_nothing_from_any_other_host(dashboard: Tab, live: Live) -> None:
    urls = [request.url for request in dashboard.requests]
    assert urls
    assert [url for url in urls if not url.startswith(live.base_url + "/")] == []


def test_view_as_table_shows_a_charts_values_as_a_table(tab: Tab, live: Live) -> None:
    tab.page.goto(live.page_url())
    wait_until_loaded(tab.page)
    bar = card(tab.page, "by_region")
    toggle = bar.get_by_role("button", name="View as table")
    toggle.click()
    assert toggle.get_attribute("aria-pressed") == "true"
    assert bar.locator(".dashlet-visual").is_hidden()
    assert bar.locator("tbody tr").count() == len(sums(lambda order: order[1]))


def test_table_sorts_by_the_column_clicked(tab: Tab, live: Live) -> None:
    tab.page.goto(live.page_url())
    wait_until_loaded(tab.page)
    table = card(tab.page, "latest").locator("table")
    table.get_by_role("button", name="amount").click()
    amounts = [
        float(t.replace(",", "")) for t in table.locator("tbody td:nth-child(4)").all_inner_texts()
    ]
    assert amounts == sorted(amounts)
    assert table.locator("th[aria-sort='ascending']").inner_text().strip() == "amount"


def test_csv_button_downloads_what_the_chart_shows(tab: Tab, live: Live) -> None:
    tab.page.goto(live.page_url())
    wait_until_loaded(tab.page)
    with tab.page.expect_download() as download:
        card(tab.page, "by_region").get_by_role(
            "button", name="Download Revenue by region as CSV"
        ).click()
    text = Path(download.value.path()).read_text(encoding="utf-8-sig")
    assert text.splitlines()[0] == "region,revenue"
    assert len(text.splitlines()) == 1 + len(sums(lambda order: order[1]))
    csv_request = next(r for r in tab.requests if r.url.split("?")[0].endswith(".csv"))
    assert "embed_token" not in csv_request.url


def test_dark_theme_colours_the_page_and_its_charts(
    tab: Tab, live: Live, artifact: Callable[[str], Path]
) -> None:
    tab.page.goto(live.page_url(query="&theme=dark"))
    wait_until_loaded(tab.page)
    background = tab.page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert background == "rgb(15, 19, 26)"
    text_colour = tab.page.evaluate("dashletCharts.option('by_region').textStyle.color")
    assert text_colour == "#e7eaf0"
    tab.page.screenshot(path=artifact("dashboard-dark"), full_page=True)


def test_light_theme_is_the_default(tab: Tab, live: Live, artifact: Callable[[str], Path]) -> None:
    tab.page.goto(live.page_url())
    wait_until_loaded(tab.page)
    assert (
        tab.page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(244, 246, 249)"
    )
    tab.page.screenshot(path=artifact("dashboard-light"), full_page=True)


def test_title_false_leaves_the_title_out(tab: Tab, live: Live) -> None:
    tab.page.goto(live.page_url(query="&title=false"))
    wait_until_loaded(tab.page)
    assert tab.page.locator("h1").count() == 0


def test_narrow_frame_stacks_the_cards_in_one_column(
    tab: Tab, live: Live, artifact: Callable[[str], Path]
) -> None:
    tab.page.set_viewport_size({"width": 420, "height": 800})
    tab.page.goto(live.page_url())
    wait_until_loaded(tab.page)
    lefts = {
        round(box["x"])
        for box in (s.bounding_box() for s in tab.page.locator("section").all())
        if box
    }
    assert len(lefts) == 1
    tab.page.screenshot(path=artifact("dashboard-narrow"), full_page=True)
