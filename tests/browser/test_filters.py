"""Viewer filters in Chromium: controls by type, applied without a reload, refetching only the
charts whose SQL uses the changed variable."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from playwright.sync_api import Page

from tests.browser.conftest import ORDERS, USES_REGION, Live, Tab, wait_until_loaded


def renders(page: Page) -> dict[str, int]:
    """How many times each card has been drawn (or failed) so far."""
    found: dict[str, int] = page.evaluate(
        """() => Object.fromEntries([...document.querySelectorAll("[data-chart]")]
            .map(c => [c.dataset.chart, Number(c.dataset.renders || 0)]))"""
    )
    return found


def query(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


def test_region_filter_refetches_and_redraws_only_the_charts_using_it(tab: Tab, live: Live) -> None:
    page = tab.page
    page.goto(live.page_url())
    wait_until_loaded(page)
    before = renders(page)
    page.locator("[data-variable='REGION'] summary").click()
    with page.expect_request(lambda r: "/data?" in r.url) as sent:
        page.get_by_label("north").check()
    wanted = query(sent.value.url)
    assert set(wanted["charts"][0].split(",")) == USES_REGION
    assert wanted["var.REGION"] == ["north"]
    page.wait_for_function(
        "slugs => slugs.every(s => document.querySelector(`[data-chart='${s}']`).dataset.renders === '2')",
        arg=sorted(USES_REGION),
    )
    after = renders(page)
    assert {slug for slug in after if after[slug] != before[slug]} == USES_REGION
    assert len(tab.data_requests()) == 2
    bars = page.evaluate("dashletCharts.option('by_region').xAxis[0].data")
    assert bars == ["north"]


def test_number_filter_applies_from_the_keyboard(tab: Tab, live: Live) -> None:
    page = tab.page
    page.goto(live.page_url())
    wait_until_loaded(page)
    page.get_by_label("Minimum amount").focus()
    page.keyboard.type("30")
    with page.expect_request(lambda r: "/data?" in r.url) as sent:
        page.keyboard.press("Enter")
    assert set(query(sent.value.url)["charts"][0].split(",")) == {"by_region", "by_channel_month"}
    assert query(sent.value.url)["var.MIN_AMOUNT"] == ["30"]


def test_multi_select_opens_and_checks_from_the_keyboard(tab: Tab, live: Live) -> None:
    page = tab.page
    page.goto(live.page_url())
    wait_until_loaded(page)
    page.locator("[data-variable='REGION'] summary").focus()
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    with page.expect_request(lambda r: "/data?" in r.url) as sent:
        page.keyboard.press("Space")
    assert query(sent.value.url)["var.REGION"] == ["east"]
    page.keyboard.press("Escape")
    assert page.locator("[data-variable='REGION'] details").get_attribute("open") is None


def test_filter_choices_list_only_the_tenants_own_values(tab: Tab, live: Live) -> None:
    page = tab.page
    page.goto(live.page_url(tenant=2))
    wait_until_loaded(page)
    page.locator("[data-variable='REGION'] summary").click()
    labels = page.locator("[data-variable='REGION'] fieldset label").all_inner_texts()
    assert [label.strip() for label in labels] == sorted({o[1] for o in ORDERS if o[0] == 2})


def test_locked_variable_gets_no_control(tab: Tab, live: Live) -> None:
    page = tab.page
    page.goto(live.page_url(env={"TENANT": 1, "REGION": ["south"]}))
    wait_until_loaded(page)
    assert page.locator("[data-variable='REGION']").count() == 0
    assert page.locator("[data-variable='MIN_AMOUNT']").count() == 1


def test_filter_values_in_the_page_url_are_the_starting_filters(tab: Tab, live: Live) -> None:
    page = tab.page
    page.goto(live.page_url(query="&var.REGION=south&var.MIN_AMOUNT=10"))
    wait_until_loaded(page)
    (data,) = tab.data_requests()
    assert query(data.url)["var.REGION"] == ["south"]
    assert page.get_by_label("Minimum amount").input_value() == "10"
    assert page.locator("[data-variable='REGION'] .dashlet-multi-value").inner_text() == "south"
