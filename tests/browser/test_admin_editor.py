"""The dashboard editor in Chromium: preview changed SQL with typed test values, problems next to
their fields, saving (and its version), the layout's order, variables, new dashboards, YAML.

Everything runs in organization ``editing`` (made here). Each test edits a dashboard of its own,
made straight in the store, so tests never see each other's saves.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Locator, Page, expect

from dashlet.spec.apply import apply_folder
from dashlet.spec.edit import read_document, save_document
from dashlet.store.dashboards import get_dashboard
from dashlet.store.definitions import DashboardDef
from tests.browser.conftest import (
    ORDERS,
    AdminOrg,
    Live,
    Tab,
    sign_in,
    wait_until_loaded,
    write_workspace,
)

ORG = "editing"
DASHBOARD_YAML = """
slug: {slug}
title: Orders
source: warehouse
variables:
  - {{name: TENANT, type: integer, hidden: true, required: true, default: 1}}
charts:
  - slug: by_region
    title: Revenue by region
    type: bar
    x: region
    y: [revenue]
    sql: |
      SELECT region, SUM(amount) AS revenue FROM orders WHERE tenant_id = :TENANT
      GROUP BY region ORDER BY region
  - slug: total
    title: Order count
    type: number
    value: n
    width: 4
    sql: SELECT COUNT(*) AS n FROM orders WHERE tenant_id = :TENANT
"""


@pytest.fixture(scope="module")
def org(
    make_admin_org: Callable[[str], AdminOrg], tmp_path_factory: pytest.TempPathFactory
) -> AdminOrg:
    """The organization, with the browser suite's warehouse as its source ``warehouse``."""
    made = make_admin_org(ORG)
    apply_folder(made.db, write_workspace(tmp_path_factory.mktemp(ORG) / "workspace"), ORG)
    return made


@pytest.fixture
def dashboard(org: AdminOrg, request: pytest.FixtureRequest) -> str:
    """A dashboard of this test's own (its slug), at version 1."""
    slug = re.sub(r"[^a-z0-9]+", "-", request.node.name.lower())[:60].strip("-")
    save_document(org.db, ORG, slug, textwrap.dedent(DASHBOARD_YAML.format(slug=slug)))
    return slug


@pytest.fixture
def editor(tab: Tab, org: AdminOrg, dashboard: str) -> Page:
    """The editor of this test's dashboard, open and drawn, for a signed-in editor."""
    sign_in(tab.page, org, "editor")
    tab.page.goto(org.url(f"/dashboards/{dashboard}/edit"))
    tab.page.wait_for_selector("#dashboard-editor[data-state='ready']")
    return tab.page


def stored(org: AdminOrg, slug: str) -> DashboardDef:
    return get_dashboard(org.db, ORG, slug)


def chart(page: Page, index: int) -> Locator:
    """A chart's fieldset in the form, by its place in the layout."""
    return page.locator(f"fieldset[data-field='charts[{index}]']")


def control(page: Page, path: str) -> Locator:
    """The input, select or textarea editing the document at ``path`` (``charts[0].sql``)."""
    return page.locator(f"[data-path='{path}']")


def value_input(fieldset: Locator, name: str) -> Locator:
    """The input of a chart's preview for variable ``name``'s test value."""
    return fieldset.locator(".editor-test-values").get_by_label(name)


def run_preview(fieldset: Locator) -> Locator:
    """Press the chart's Run preview and wait for its answer; returns the preview panel."""
    panel = fieldset.locator(".editor-preview")
    fieldset.get_by_role("button", name="Run preview").click()
    expect(panel).to_have_attribute("data-state", re.compile("done|error"))
    return panel


def option(page: Page, slug: str) -> dict[str, Any]:
    found: dict[str, Any] = page.evaluate(
        """slug => {
            const o = window.dashletEditor.option(slug);
            return {series: o.series.map(s => ({type: s.type, data: s.data})), categories: o.xAxis[0].data};
        }""",
        slug,
    )
    return found


def test_a_preview_runs_the_changed_sql_with_a_typed_value_input(
    editor: Page, org: AdminOrg, dashboard: str, artifact: Callable[[str], Path]
) -> None:
    sql = (
        "SELECT region, COUNT(*) AS revenue FROM orders WHERE tenant_id = :TENANT"
        " GROUP BY region ORDER BY region"
    )
    control(editor, "charts[0].sql").fill(sql)
    first = chart(editor, 0)
    value_input(first, "TENANT").fill("2")
    panel = run_preview(first)
    counts = {r: sum(1 for o in ORDERS if o[0] == 2 and o[1] == r) for r in ("north", "south")}
    expect(panel.locator(".editor-preview-status")).to_contain_text("2 rows")
    expect(panel.locator(".editor-preview-rows tbody tr")).to_have_count(2)
    drawn = option(editor, "by_region")
    assert drawn["categories"] == ["north", "south"]
    assert drawn["series"] == [{"type": "bar", "data": [counts["north"], counts["south"]]}]
    assert panel.locator("canvas").count() > 0
    first.screenshot(path=artifact("editor-preview"))
    assert stored(org, dashboard).chart("by_region").sql != sql  # a preview saves nothing


def test_a_refused_test_value_is_shown_in_the_charts_panel(editor: Page) -> None:
    first = chart(editor, 0)
    value_input(first, "TENANT").fill("two")
    panel = run_preview(first)
    expect(panel.locator(".dashlet-chart-error")).to_contain_text("TENANT")
    expect(value_input(first, "TENANT")).to_have_attribute("aria-invalid", "true")


@pytest.mark.parametrize(
    ("path", "value", "field"),
    [
        ("charts[0].y", "", "charts[0].y"),
        (
            "charts[1].sql",
            "SELECT COUNT(*) AS n FROM orders WHERE tenant_id = :NOPE",
            "charts[1].sql",
        ),
    ],
    ids=["bar-without-y", "undeclared-variable"],
)
def test_a_problem_is_shown_next_to_its_field_and_nothing_is_saved(
    editor: Page,
    org: AdminOrg,
    dashboard: str,
    path: str,
    value: str,
    field: str,
    artifact: Callable[[str], Path],
) -> None:
    control(editor, path).fill(value)
    editor.get_by_role("button", name="Save", exact=True).click()
    beside = editor.locator(f"[data-field='{field}'] .editor-problem")
    expect(beside).to_be_visible()
    expect(control(editor, field)).to_have_attribute("aria-invalid", "true")
    expect(editor.locator(".editor-problem-list").first).to_contain_text(f": {field}: ")
    expect(editor.locator("#dashboard-editor")).to_have_attribute("data-dirty", "true")
    editor.screenshot(path=artifact(f"editor-problem-{field}"), full_page=True)
    assert stored(org, dashboard).version == 1


def test_a_valid_change_is_saved_and_the_version_goes_up(
    editor: Page, org: AdminOrg, dashboard: str
) -> None:
    control(editor, "charts[1].title").fill("Orders placed")
    expect(editor.locator(".editor-dirty")).to_be_visible()
    editor.get_by_role("button", name="Validate").click()
    expect(editor.locator(".editor-status")).to_contain_text("nothing was saved")
    assert stored(org, dashboard).version == 1
    editor.get_by_role("button", name="Save", exact=True).click()
    expect(editor.locator(".editor-status")).to_contain_text("Saved (version 2)")
    expect(editor.locator(".editor-dirty")).to_be_hidden()
    assert stored(org, dashboard).chart("total").title == "Orders placed"
    # The editor now starts from version 2: a second save is no conflict.
    control(editor, "title").fill("Orders overview")
    editor.get_by_role("button", name="Save", exact=True).click()
    expect(editor.locator(".editor-status")).to_contain_text("Saved (version 3)")


def test_moving_a_chart_changes_the_saved_layout(
    editor: Page, org: AdminOrg, dashboard: str, artifact: Callable[[str], Path]
) -> None:
    editor.get_by_role("button", name="Move chart total up").click()
    layout = editor.locator(".editor-layout-box .editor-layout-title")
    expect(layout).to_have_text(["Order count", "Revenue by region"])
    control(editor, "charts[1].width").fill("8")
    editor.locator(".editor-layout-wrap").screenshot(path=artifact("editor-layout"))
    editor.get_by_role("button", name="Save", exact=True).click()
    expect(editor.locator(".editor-status")).to_contain_text("Saved")
    charts = stored(org, dashboard).charts
    assert [(c.slug, c.width) for c in charts] == [("total", 4), ("by_region", 8)]


def test_a_new_variable_can_be_used_in_sql_previewed_and_saved(
    editor: Page, org: AdminOrg, dashboard: str
) -> None:
    editor.get_by_role("button", name="Add variable").click()
    control(editor, "variables[1].name").fill("REGION")
    control(editor, "variables[1].name").press("Tab")
    control(editor, "variables[1].default").fill("north")
    control(editor, "charts[0].sql").fill(
        "SELECT region, SUM(amount) AS revenue FROM orders"
        " WHERE tenant_id = :TENANT AND region = :REGION GROUP BY region"
    )
    first = chart(editor, 0)
    expect(value_input(first, "REGION")).to_have_value("north")
    value_input(first, "REGION").fill("south")
    run_preview(first)
    assert option(editor, "by_region")["categories"] == ["south"]
    editor.get_by_role("button", name="Save", exact=True).click()
    expect(editor.locator(".editor-status")).to_contain_text("Saved")
    saved = stored(org, dashboard)
    assert [(v.name, v.default) for v in saved.variables] == [("TENANT", 1), ("REGION", "north")]


def test_a_new_dashboard_is_created_from_the_new_page(
    tab: Tab, org: AdminOrg, artifact: Callable[[str], Path]
) -> None:
    page = tab.page
    sign_in(page, org, "editor")
    page.goto(org.url("/new-dashboard"))
    page.wait_for_selector("#dashboard-editor[data-state='ready']")
    control(page, "slug").fill("regions")
    control(page, "title").fill("Regions")
    page.get_by_role("button", name="Add chart").click()
    control(page, "charts[0].slug").fill("count")
    control(page, "charts[0].title").fill("Regions sold in")
    control(page, "charts[0].type").select_option("number")
    control(page, "charts[0].value").fill("n")
    control(page, "charts[0].sql").fill("SELECT COUNT(DISTINCT region) AS n FROM orders")
    panel = run_preview(chart(page, 0))
    expect(panel.locator(".dashlet-number-value")).to_have_text("3")
    page.screenshot(path=artifact("editor-new"), full_page=True)
    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_url(org.url("/dashboards/regions/edit"))
    page.wait_for_selector("#dashboard-editor[data-state='ready']")
    expect(control(page, "charts[0].title")).to_have_value("Regions sold in")
    made = stored(org, "regions")
    assert (made.version, made.title, [c.slug for c in made.charts]) == (1, "Regions", ["count"])


def test_the_yaml_tab_shows_the_file_and_saves_what_is_typed(
    editor: Page, org: AdminOrg, dashboard: str, artifact: Callable[[str], Path]
) -> None:
    editor.get_by_role("tab", name="YAML").click()
    text = editor.get_by_label("The dashboard as its dashboards-as-code file")
    assert text.input_value() == read_document(org.db, ORG, dashboard).text
    text.fill(text.input_value().replace("title: Order count", "title: Orders (from YAML)"))
    editor.get_by_role("tab", name="Form").click()
    expect(control(editor, "charts[1].title")).to_have_value("Orders (from YAML)")
    control(editor, "title").fill("Edited in the form")
    editor.get_by_role("tab", name="YAML").click()
    # The server writes the form's document as YAML: wait for its answer.
    expect(text).to_have_value(re.compile("title: Edited in the form\n"))
    written = text.input_value()
    assert "title: Orders (from YAML)\n" in written
    text.fill(written.replace("title: Edited in the form", "title: Saved from YAML"))
    editor.get_by_role("button", name="Save", exact=True).click()
    expect(editor.locator(".editor-status")).to_contain_text("Saved (version 2)")
    editor.screenshot(path=artifact("editor-yaml"))
    saved = stored(org, dashboard)
    assert (saved.title, saved.chart("total").title) == ("Saved from YAML", "Orders (from YAML)")
    assert text.input_value() == read_document(org.db, ORG, dashboard).text


def test_someone_elses_save_since_is_a_conflict_that_keeps_the_edits(
    editor: Page, org: AdminOrg, dashboard: str
) -> None:
    theirs = read_document(org.db, ORG, dashboard).text.replace(
        "title: Orders\n", "title: Theirs\n"
    )
    save_document(org.db, ORG, dashboard, theirs)
    control(editor, "title").fill("Mine")
    editor.get_by_role("button", name="Save", exact=True).click()
    expect(editor.locator(".editor-problems")).to_contain_text("Someone else saved")
    expect(control(editor, "title")).to_have_value("Mine")
    assert stored(org, dashboard).title == "Theirs"


def test_a_new_chart_type_keeps_only_the_encoding_it_reads(editor: Page) -> None:
    control(editor, "charts[0].type").select_option("pie")
    assert control(editor, "charts[0].x").count() == 0
    expect(control(editor, "charts[0].label")).to_have_attribute("aria-required", "true")
    control(editor, "charts[0].label").fill("region")
    control(editor, "charts[0].value").fill("revenue")
    editor.get_by_role("tab", name="YAML").click()
    text = editor.get_by_label("The dashboard as its dashboards-as-code file")
    expect(text).to_have_value(re.compile("type: pie\n    label: region\n    value: revenue\n"))
    assert "x: region" not in text.input_value()


def test_leaving_with_unsaved_changes_asks_first(editor: Page) -> None:
    control(editor, "title").fill("Not saved yet")
    with editor.expect_event("dialog") as asked:
        editor.close(run_before_unload=True)
    assert asked.value.type == "beforeunload"
    # Leave anyway: the page closes, and the test's browser context closes cleanly after it.
    with editor.expect_event("close"):
        asked.value.accept()


def test_the_embed_page_loads_no_editor_code(tab: Tab, live: Live) -> None:
    tab.page.goto(live.page_url())
    wait_until_loaded(tab.page)
    scripts = [r.url for r in tab.requests if r.resource_type == "script"]
    assert scripts
    assert not [url for url in scripts if "admin-editor" in url]
    assert tab.page.evaluate("typeof window.dashletEditor") == "undefined"


def test_yaml_the_form_cannot_show_stays_in_the_yaml_tab(editor: Page) -> None:
    editor.get_by_role("tab", name="YAML").click()
    text = editor.get_by_label("The dashboard as its dashboards-as-code file")
    text.fill("slug: x\ntitle: X\nsource: warehouse\ncharts: 5\n")
    editor.get_by_role("tab", name="Form").click()
    expect(editor.locator(".editor-status")).to_contain_text("lists of mappings")
    expect(editor.get_by_role("tab", name="YAML")).to_have_attribute("aria-selected", "true")
