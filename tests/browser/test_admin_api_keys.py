"""The API keys page in Chromium: a key copied from the page works against the REST API.

Runs in organization ``keys`` (made here).
"""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest

from tests.browser.conftest import AdminOrg, Tab, sign_in


@pytest.fixture(scope="module")
def org(make_admin_org: Callable[[str], AdminOrg]) -> AdminOrg:
    return make_admin_org("keys")


def test_a_key_copied_from_the_page_reads_the_api(tab: Tab, org: AdminOrg) -> None:
    page = tab.page
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    sign_in(page, org, "owner")
    page.goto(org.url("/api-keys"))
    page.get_by_label("Name").fill("reporting")
    page.get_by_label("Role").select_option("viewer")
    with page.expect_navigation():
        page.get_by_role("button", name="Make key").click()
    shown = page.locator("#new-key").text_content() or ""
    page.get_by_role("button", name="Copy").click()
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == shown
    assert "will not be shown again" in page.content()
    answer = httpx.get(
        f"{org.live.base_url}/api/v1/orgs/{org.slug}/dashboards",
        headers={"Authorization": f"Bearer {copied}"},
    )
    assert answer.status_code == 200
